"""The pages: the whole journey through the web client, bad input shown as messages, and
pages closed to those who may not see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innobridge.funding import services
from innobridge.funding.models import Criterion, Proposal, ProposalState, ReviewAssignment
from tests.pages import page_as

from .conftest import pdf


@pytest.fixture
def client_for(client):
    def login(person):
        client.force_login(person)
        return client

    return login


def test_home_and_call_pages_public(client, world):
    r = client.get(reverse("funding:home"))
    assert r.status_code == 200 and b"Joint call 2026" in r.content
    r = client.get(reverse("funding:call", args=[world.call.pk]))
    assert r.status_code == 200 and b"HKD" in r.content and b"CNY" in r.content
    assert client.get(reverse("funding:projects")).status_code == 200


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_pages_render_in_each_language(world, lang):
    page_as(reverse("funding:call", args=[world.call.pk]), language=lang)  # a 200


def test_journey_through_pages(client, world, django_capture_on_commit_callbacks):
    c = client
    c.force_login(world.lead)
    r = c.post(reverse("funding:apply", args=[world.call.pk]), {"title_en": "Graphene batteries"})
    p = Proposal.objects.get(lead=world.lead)
    assert r.url == p.get_absolute_url()
    c.post(
        reverse("funding:proposal_edit", args=[p.pk]),
        {
            "title_en": "Graphene batteries",
            "abstract_en": "Graphene electrodes",
            "keywords": "graphene, battery",
            "duration_months": "24",
        },
    )
    c.post(
        reverse("funding:member_invite", args=[p.pk]), {"person": "partner", "role": "partner_lead"}
    )
    c.post(
        reverse("funding:budget_add", args=[p.pk]),
        {"side": "HK", "category": "staff", "source": "funder", "amount": "500000"},
    )
    c.post(
        reverse("funding:budget_add", args=[p.pk]),
        {"side": "CN", "category": "staff", "source": "funder", "amount": "400000"},
    )
    # wrong file type: a clear message, nothing stored
    r = c.post(
        reverse("funding:attachment_add", args=[p.pk]),
        {"file": pdf("x.pdf", b"GIF89a")},
        follow=True,
    )
    assert "Only PDF files are accepted." in r.content.decode()
    assert p.attachments.count() == 0
    c.post(reverse("funding:attachment_add", args=[p.pk]), {"file": pdf()})
    assert p.attachments.count() == 1
    # submission refused while the partner has not accepted
    r = c.post(reverse("funding:proposal_submit", args=[p.pk]), follow=True)
    assert "has not accepted the invitation yet" in r.content.decode()
    c.force_login(world.partner)
    r = c.get(p.get_absolute_url())
    assert r.status_code == 200
    member = p.members.get(person=world.partner)
    c.post(reverse("funding:member_respond", args=[member.pk]), {"accept": "1"})
    c.force_login(world.lead)
    r = c.post(reverse("funding:proposal_submit", args=[p.pk]), follow=True)
    assert "Your proposal was submitted." in r.content.decode()
    r = c.post(reverse("funding:proposal_submit", args=[p.pk]), follow=True)
    assert "already been submitted" in r.content.decode()
    # officer screens, assigns, invites
    c.force_login(world.hk_officer)
    assert c.get(reverse("funding:call_manage", args=[world.call.pk])).status_code == 200
    c.post(reverse("funding:proposal_screen", args=[p.pk]), {"eligible": "1"})
    p.refresh_from_db()
    assert p.state == ProposalState.SUBMITTED  # the Mainland funder screens its own side
    c.force_login(world.cn_officer)
    r = c.get(reverse("funding:call_manage", args=[world.call.pk]))
    assert b'data-testid="screen-eligible"' in r.content
    c.post(reverse("funding:proposal_screen", args=[p.pk]), {"eligible": "1"})
    p.refresh_from_db()
    assert p.state == ProposalState.ELIGIBLE
    c.post(reverse("funding:call_assign", args=[world.call.pk]), {})
    c.force_login(world.hk_officer)
    c.post(reverse("funding:call_assign", args=[world.call.pk]), {})
    r = c.get(reverse("funding:call_manage", args=[world.call.pk]))
    assert b"graphene" in r.content
    c.post(reverse("funding:call_invite", args=[world.call.pk]), {"deadline": "2099-01-01T12:00"})
    c.force_login(world.cn_officer)
    c.post(reverse("funding:call_invite", args=[world.call.pk]), {"deadline": "2099-01-01T12:00"})
    p.refresh_from_db()
    assert p.state == ProposalState.IN_REVIEW
    # reviewers accept and score
    for a in ReviewAssignment.objects.filter(proposal=p, status="invited"):
        c.force_login(a.reviewer)
        assert c.get(reverse("funding:reviews")).status_code == 200
        c.post(reverse("funding:assignment_respond", args=[a.pk]), {"accept": "1"})
        assert c.get(reverse("funding:review", args=[a.pk])).status_code == 200
        data = {
            f"score_{cr.pk}": "4"
            for cr in Criterion.objects.filter(call=world.call, funder=a.funder)
        }
        data["comments"] = "Good"
        r = c.post(reverse("funding:review", args=[a.pk]), data)
        assert r.status_code == 302
    # panel and decisions
    c.force_login(world.hk_officer)
    c.post(reverse("funding:proposal_panel", args=[p.pk]))
    c.post(
        reverse("funding:proposal_decide", args=[p.pk]),
        {"funder": world.hk_funder.pk, "decision": "fund", "reasons": "Strong"},
    )
    r = c.get(reverse("funding:call_manage", args=[world.call.pk]))
    assert r.status_code == 200
    c.force_login(world.cn_officer)
    c.post(
        reverse("funding:proposal_decide", args=[p.pk]),
        {"funder": world.cn_funder.pk, "decision": "fund", "reasons": "Strong"},
    )
    p.refresh_from_db()
    assert p.state == ProposalState.AWARDED
    project = services.accept_award(world.lead, p.award)
    # the team reports, the officer accepts
    c.force_login(world.partner)
    milestone = project.milestones.first()
    c.post(
        reverse("funding:report_submit", args=[project.pk]),
        {"milestone": milestone.pk, "summary": "Done", "files": [pdf("r.pdf")]},
    )
    c.force_login(world.hk_officer)
    report = milestone.reports.get()
    c.post(reverse("funding:report_rate", args=[report.pk]), {"rating": "satisfactory"})
    r = c.get(project.get_absolute_url())
    assert r.status_code == 200 and "Satisfactory" in r.content.decode()
    # applicants see decisions but never a reviewer's name
    c.force_login(world.lead)
    r = c.get(p.get_absolute_url()).content.decode()
    assert "Strong" in r
    for a in ReviewAssignment.objects.filter(proposal=p):
        assert a.reviewer.username not in r
    # public list
    c.logout()
    r = c.get(reverse("funding:projects")).content.decode()
    assert "Graphene batteries" in r and "Strong" not in r
    assert c.get(project.get_absolute_url()).status_code == 302  # login first


def test_others_cannot_open_a_proposal(client, world, submitted):
    client.force_login(world.outsider)
    assert client.get(submitted.get_absolute_url()).status_code == 404
    client.force_login(world.reviewers_hk[0])
    assert client.get(submitted.get_absolute_url()).status_code == 404
    att_owner = world.lead
    client.force_login(att_owner)
    assert client.get(submitted.get_absolute_url()).status_code == 200


def test_non_officer_cannot_manage(client, world):
    client.force_login(world.lead)
    assert client.get(reverse("funding:call_manage", args=[world.call.pk])).status_code == 403
    assert client.get(reverse("funding:call_create")).status_code == 403


def test_officer_creates_call_by_form(client, world):
    client.force_login(world.hk_officer)
    assert client.get(reverse("funding:call_create")).status_code == 200
    r = client.post(
        reverse("funding:call_create"),
        {
            "scheme": world.scheme.pk,
            "title": "Second call",
            "opens_at": "2030-01-01T09:00",
            "closes_at": "2030-03-01T17:00",
            "budget_HK": "1000000",
            "cap_HK": "500000",
            "budget_CN": "800000",
            "cap_CN": "400000",
            "min_duration_months": "12",
            "max_duration_months": "24",
            "min_industry_share": "0",
            "one_application_per_person": "on",
            "reviewers_per_proposal": "2",
        },
    )
    assert r.status_code == 302
    r = client.post(
        reverse("funding:call_create"),
        {
            "scheme": world.scheme.pk,
            "title": "Bad",
            "opens_at": "2030-01-01T09:00",
            "closes_at": "2030-03-01T17:00",
            "budget_HK": "100",
            "cap_HK": "500",
            "budget_CN": "800",
            "cap_CN": "400",
            "min_duration_months": "12",
            "max_duration_months": "24",
            "min_industry_share": "0",
            "reviewers_per_proposal": "2",
        },
    )
    assert r.status_code == 200 and "cannot exceed the budget" in r.content.decode()
