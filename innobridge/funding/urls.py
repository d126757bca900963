from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("", views.home, name="home"),
    # (the partner search, "partners/", is added here by its own module)
    path("calls/new/", views.call_create, name="call_create"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/new/", views.scheme_form, name="scheme_create"),
    path("schemes/<int:pk>/edit/", views.scheme_form, name="scheme_edit"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("calls/<int:pk>/rubric/<int:funder_id>/", views.call_rubric, name="call_rubric"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/apply/", views.apply, name="apply"),
    path("calls/<int:pk>/manage/", views.call_manage, name="call_manage"),
    path("calls/<int:pk>/conflicts/", views.call_conflicts, name="call_conflicts"),
    path("calls/<int:pk>/assign/", views.call_assign, name="call_assign"),
    path("calls/<int:pk>/assign-by-hand/", views.call_assign_by_hand, name="call_assign_by_hand"),
    path("calls/<int:pk>/invite/", views.call_invite, name="call_invite"),
    path("calls/<int:pk>/remind/", views.call_remind, name="call_remind"),
    path("funders/<int:pk>/pool/", views.funder_pool, name="funder_pool"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/members/", views.member_invite, name="member_invite"),
    path("invite/<int:person_pk>/", views.invite_person, name="invite_person"),
    path("members/<int:pk>/respond/", views.member_respond, name="member_respond"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("proposals/<int:pk>/budget/", views.budget_add, name="budget_add"),
    path("budget/<int:pk>/remove/", views.budget_remove, name="budget_remove"),
    path("proposals/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/screen/", views.proposal_screen, name="proposal_screen"),
    path("proposals/<int:pk>/panel/", views.proposal_panel, name="proposal_panel"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/conflict/", views.conflict_declare, name="conflict_declare"),
    path("reviews/", views.my_reviews, name="reviews"),
    path("assignments/<int:pk>/respond/", views.assignment_respond, name="assignment_respond"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("assignments/<int:pk>/review/", views.review_form, name="review"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("projects/<int:pk>/reports/", views.report_submit, name="report_submit"),
    path(
        "projects/<int:pk>/instalments/",
        views.disbursement_schedule,
        name="disbursement_schedule",
    ),
    path("projects/<int:pk>/terminate/", views.project_terminate, name="project_terminate"),
    path("reports/<int:pk>/rate/", views.report_rate, name="report_rate"),
    path(
        "disbursements/<int:pk>/release/", views.disbursement_release, name="disbursement_release"
    ),
    path("projects/<int:pk>/changes/", views.change_request, name="change_request"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
    path("notifications/", views.notifications, name="notifications"),
]
