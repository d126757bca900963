from django.urls import path

from . import contact_views, views

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
    # Contacts: introductions, the shortlist, notices, shared personal data
    path("introductions/", contact_views.introduction_list, name="introductions"),
    path(
        "introductions/new/<int:person_pk>/",
        contact_views.introduction_new,
        name="introduction_new",
    ),
    path("introductions/<int:pk>/", contact_views.introduction_detail, name="introduction"),
    path(
        "introductions/<int:pk>/<slug:action>/",
        contact_views.introduction_act,
        name="introduction_act",
    ),
    path("block/<int:person_pk>/", contact_views.block, name="block"),
    path("shortlist/", contact_views.shortlist, name="shortlist"),
    path("shortlist/add/<int:person_pk>/", contact_views.shortlist_add, name="shortlist_add"),
    path("shortlist/<int:pk>/note/", contact_views.shortlist_note, name="shortlist_note"),
    path("shortlist/<int:pk>/remove/", contact_views.shortlist_remove, name="shortlist_remove"),
    path("notices/", contact_views.notices, name="notices"),
    path("my-data/", contact_views.my_data, name="my_data"),
    path("disclosures/", contact_views.disclosure_register, name="disclosures"),
]
