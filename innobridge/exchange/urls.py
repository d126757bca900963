from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.home, name="home"),
    path("fellows/", views.fellows, name="fellows"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("programmes/<int:pk>/apply/", views.apply, name="apply"),
    path("programmes/<int:pk>/placements/new/", views.placement_new, name="placement_new"),
    path("programmes/<int:pk>/manage/", views.manage, name="manage"),
    path("programmes/<int:pk>/matching/", views.matching, name="matching"),
    path("placements/<int:pk>/", views.placement, name="placement"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/documents/<int:doc>/", views.document, name="application_document"),
    path("applications/<int:pk>/letters/<int:referee>/", views.letter, name="application_letter"),
    path(
        "programmes/<int:pk>/personal-data-views.csv",
        views.personal_data_views,
        name="personal_data_views",
    ),
    path("offers/<int:pk>/", views.offer_reply, name="offer"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("stays/<int:pk>/", views.stay, name="stay"),
    path("referee/<str:token>/", views.referee_upload, name="referee_upload"),
]
