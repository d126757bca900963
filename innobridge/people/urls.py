from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("researchers/", views.researcher_list, name="researchers"),
    path("researchers/<int:pk>/", views.researcher_detail, name="researcher"),
    path("researchers/new/", views.researcher_new, name="researcher_new"),
    path("researchers/<int:pk>/edit/", views.researcher_edit, name="researcher_edit"),
    path("researchers/<int:pk>/import/", views.researcher_import, name="researcher_import"),
    path("organisation-options/", views.organisation_options, name="organisation_options"),
    path("partners/", views.partner_search, name="partners"),
]
