from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("researchers/", views.researcher_list, name="researchers"),
    path("researchers/<int:pk>/", views.researcher_detail, name="researcher"),
]
