from django.urls import path

from . import views

app_name = "facilities"

urlpatterns = [
    path("", views.home, name="home"),
    path("free/", views.free_slots, name="free"),
    path("f/<int:pk>/", views.facility_detail, name="facility"),
    path("r/<int:pk>/", views.resource_detail, name="resource"),
    path("r/<int:pk>/book/", views.book, name="book"),
    path("r/<int:pk>/training/", views.training_request, name="training_request"),
    path("training/<int:pk>/<str:action>/", views.training_action, name="training_action"),
    path("manage/training/", views.training_queue, name="training_queue"),
    path("r/<int:pk>/calendar.ics", views.resource_ics, name="resource_ics"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/<str:action>/", views.booking_action, name="booking_action"),
    path("my/", views.my_bookings, name="my_bookings"),
    path("my/calendar.ics", views.my_calendar_ics, name="my_ics"),
    path("my/calendar/", views.my_calendar, name="my_calendar"),
    path("my/calendar/feed/<str:action>/", views.calendar_feed, name="calendar_feed"),
    path("feeds/<str:token>.ics", views.feed_ics, name="feed_ics"),
    path("manage/usage/", views.usage_bulk, name="usage_bulk"),
    path("my/statement/", views.my_statement, name="my_statement"),
    path("charges/<int:pk>/dispute/", views.dispute_charge, name="dispute"),
    path("manage/", views.manage, name="manage"),
    path("manage/facilities/new/", views.facility_new, name="facility_new"),
    path("manage/f/<int:pk>/", views.facility_manage, name="facility_manage"),
    path("manage/f/<int:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("manage/f/<int:pk>/resources/new/", views.resource_new, name="resource_new"),
    path("manage/r/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("manage/r/<int:pk>/", views.resource_manage, name="resource_manage"),
    path("manage/r/<int:pk>/<str:action>/", views.resource_manage, name="resource_action"),
    path("manage/disputes/<int:pk>/resolve/", views.resolve_dispute, name="resolve_dispute"),
    path("manage/reports/", views.reports, name="reports"),
    path("manage/statements/org/<int:pk>/", views.organisation_statement, name="org_statement"),
]
