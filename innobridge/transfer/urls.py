from django.urls import path

from .views import deals, demands, matches, memberships, mine, offers

app_name = "transfer"

urlpatterns = [
    path("", offers.home, name="home"),
    path("offers/new/", offers.offer_new, name="offer_new"),
    path("offers/<int:pk>/", offers.offer_detail, name="offer"),
    path("offers/<int:pk>/edit/", offers.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/confidential/", offers.offer_confidential, name="confidential"),
    path("offers/<int:pk>/attach/", offers.offer_attach, name="offer_attach"),
    path("offers/<int:pk>/pass/", offers.offer_pass, name="offer_pass"),
    path("offers/<int:pk>/interest/", deals.interest, name="interest"),
    path("offers/<int:pk>/take/", deals.take_terms, name="take_terms"),
    path("offers/<int:pk>/funnel/", mine.offer_funnel, name="offer_funnel"),
    path("offers/<int:pk>/do/<str:action>/", offers.offer_action, name="offer_action"),
    path("files/<int:pk>/", offers.confidential_file, name="confidential_file"),
    path("demands/", demands.demand_list, name="demands"),
    path("demands/new/", demands.demand_new, name="demand_new"),
    path("demands/<int:pk>/", demands.demand_detail, name="demand"),
    path("demands/<int:pk>/do/<str:action>/", demands.demand_action, name="demand_action"),
    path("demands/<int:pk>/plan/", demands.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/select/", demands.plan_select, name="plan_select"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal"),
    path("deals/<int:pk>/do/<str:action>/", deals.deal_action, name="deal_action"),
    path("mine/", mine.mine, name="mine"),
    path("organisation/", memberships.membership_request, name="membership_request"),
    path(
        "organisation/requests/<int:pk>/withdraw/",
        memberships.membership_request_withdraw,
        name="membership_request_withdraw",
    ),
    path("organisation/requests/", memberships.membership_requests, name="membership_requests"),
    path(
        "organisation/requests/<int:pk>/<str:action>/",
        memberships.membership_request_decide,
        name="membership_request_decide",
    ),
    path("matches/", matches.enterprise_matches, name="matches"),
    path("organisations/<int:pk>/funnel/", mine.organisation_funnel, name="org_funnel"),
    path("organisations/<int:pk>/nda/", mine.nda_edit, name="nda_edit"),
]
