"""Awards (#11 §9): each funder grants an amount (cut below the request, never above, within
its budget) with conditions; the lead applicant accepts (the project starts) or declines the
bilingual award letter; applicants see the reviewers' comments after the decision when the
funder shares them — never who wrote them, scores only when shared too."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from innobridge.core.models import AuditEvent, Notice
from innobridge.funding import services
from innobridge.funding.audit import FundingAction
from innobridge.funding.models import (
    Award,
    AwardStatus,
    CallSide,
    Disbursement,
    Project,
)
from tests.pdf_text import pdf_embeds_font, pdf_text

from .steps import to_panel


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def panel(world, submitted):
    return to_panel(world, submitted)


def fund_both(world, p, hk="600,000", cn=None, conditions=""):
    services.record_decision(
        world.hk_officer,
        p,
        world.hk_funder,
        decision="fund",
        reasons="Strong",
        amount=hk,
        conditions=conditions,
    )
    services.record_decision(
        world.cn_officer, p, world.cn_funder, decision="fund", reasons="Good", amount=cn
    )
    p.refresh_from_db()
    return p


def test_cut_amount_and_conditions_are_recorded_and_paid(world, panel):
    p = fund_both(world, panel, hk="HK$ 600,000", conditions="Hire a postdoc in year one")
    hk = p.decisions.get(funder=world.hk_funder)
    cn = p.decisions.get(funder=world.cn_funder)
    assert (hk.requested, hk.amount) == (Decimal("800000"), Decimal("600000"))
    assert hk.conditions == "Hire a postdoc in year one"
    assert cn.amount == cn.requested == Decimal("600000")  # the request by default
    assert services.committed_amount(world.call, world.hk_funder) == Decimal("600000")
    project = services.accept_award(world.lead, p.award)
    paid = Disbursement.objects.filter(project=project, funder=world.hk_funder)
    assert sum(d.amount for d in paid) == Decimal("600000")  # instalments of the granted


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("900000", "never raised above it"),
        ("0", "more than nothing"),
        ("-5", "more than nothing"),
        ("lots", "as a number"),
    ],
)
def test_amount_above_the_request_or_nonsense_is_refused(world, panel, amount, message):
    with pytest.raises(ValidationError) as exc:
        services.record_decision(
            world.hk_officer, panel, world.hk_funder, decision="fund", reasons="x", amount=amount
        )
    assert message in str(exc.value)
    assert not panel.decisions.exists()


def test_granted_amount_must_fit_the_budget(world, panel):
    CallSide.objects.filter(call=world.call, funder=world.hk_funder).update(budget=500_000)
    with pytest.raises(ValidationError, match="exceed the budget"):
        services.record_decision(
            world.hk_officer, panel, world.hk_funder, decision="fund", reasons="x"
        )
    services.record_decision(  # cut to fit
        world.hk_officer, panel, world.hk_funder, decision="fund", reasons="x", amount="500000"
    )


def test_project_starts_only_when_the_lead_accepts(
    world, panel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        p = fund_both(world, panel)
    award = p.award
    assert award.state == AwardStatus.OFFERED
    assert not Project.objects.filter(proposal=p).exists()
    assert Notice.objects.filter(
        source="funding", recipient=world.lead, subject="Award offered"
    ).exists()
    assert AuditEvent.objects.filter(action=FundingAction.AWARD_OFFERED).count() == 1
    with pytest.raises(PermissionDenied):
        services.accept_award(world.partner, award)  # the lead answers
    with pytest.raises(PermissionDenied):
        services.accept_award(world.hk_officer, award)
    project = services.accept_award(world.lead, award, note="Thank you")
    award.refresh_from_db()
    assert award.state == AwardStatus.ACCEPTED and award.responded_by == world.lead
    assert project.proposal == p
    ev = AuditEvent.objects.get(action=FundingAction.AWARD_ACCEPTED)
    assert ev.before["state"] == "offered" and ev.after["state"] == "accepted"
    with pytest.raises(ValidationError):
        services.decline_award(world.lead, award, note="changed my mind")  # once only
    assert Notice.objects.filter(
        source="funding", recipient=world.hk_officer, subject="Award accepted"
    )


def test_declined_award_gives_the_money_back(world, panel):
    p = fund_both(world, panel)
    with pytest.raises(ValidationError):
        services.decline_award(world.lead, p.award, note="  ")  # a reason is required
    services.decline_award(world.lead, p.award, note="The partner left")
    p.award.refresh_from_db()
    assert p.award.state == AwardStatus.DECLINED
    assert not Project.objects.filter(proposal=p).exists()
    assert services.committed_amount(world.call, world.hk_funder) == 0
    assert AuditEvent.objects.filter(action=FundingAction.AWARD_DECLINED).count() == 1
    with pytest.raises(ValidationError):
        services.accept_award(world.lead, p.award)


def test_not_funded_makes_no_award(world, panel):
    services.record_decision(world.hk_officer, panel, world.hk_funder, decision="fund", reasons="x")
    services.record_decision(
        world.cn_officer, panel, world.cn_funder, decision="not_fund", reasons="y"
    )
    assert not Award.objects.filter(proposal=panel).exists()


# --------------------------------------------------------------------------- pages


def test_officer_cuts_the_amount_on_the_decision_form(client, world, panel):
    client.force_login(world.hk_officer)
    page = client.get(reverse("funding:proposal", args=[panel.pk])).content.decode()
    assert 'name="amount"' in page and 'value="800000.00"' in page
    r = client.post(
        reverse("funding:proposal_decide", args=[panel.pk]),
        {
            "funder": world.hk_funder.pk,
            "decision": "fund",
            "reasons": "ok",
            "amount": "900,000",
        },
        follow=True,
    )
    assert "never raised above it" in r.content.decode()
    client.post(
        reverse("funding:proposal_decide", args=[panel.pk]),
        {
            "funder": world.hk_funder.pk,
            "decision": "fund",
            "reasons": "ok",
            "amount": "750,000",
            "conditions": "Annual audit",
        },
    )
    d = panel.decisions.get()
    assert d.amount == Decimal("750000") and d.conditions == "Annual audit"


def test_lead_accepts_on_the_proposal_page(client, world, panel):
    p = fund_both(world, panel, conditions="Annual audit")
    client.force_login(world.partner)
    page = client.get(reverse("funding:proposal", args=[p.pk])).content.decode()
    assert 'data-testid="award"' in page and "Annual audit" in page
    assert 'data-testid="accept-award"' not in page  # only the lead answers
    client.force_login(world.lead)
    page = client.get(reverse("funding:proposal", args=[p.pk])).content.decode()
    assert 'data-testid="accept-award"' in page
    r = client.post(reverse("funding:award_respond", args=[p.pk]), {"accept": "1"})
    project = Project.objects.get(proposal=p)
    assert r.status_code == 302 and r["Location"] == project.get_absolute_url()


def test_decline_needs_a_note_on_the_page(client, world, panel):
    p = fund_both(world, panel)
    client.force_login(world.lead)
    r = client.post(reverse("funding:award_respond", args=[p.pk]), {"accept": "0"}, follow=True)
    assert "Say why you decline the award." in r.content.decode()
    assert Award.objects.get(proposal=p).state == AwardStatus.OFFERED


@pytest.mark.parametrize(
    ("language", "chinese", "other"),
    [("zh-hant", "資助通知書", "资助通知书"), ("zh-hans", "资助通知书", "資助通知書")],
)
def test_award_letter_is_bilingual_in_the_leads_script(
    client, world, panel, language, chinese, other
):
    world.lead.preferred_language = language
    world.lead.save()
    p = fund_both(world, panel, conditions="Hire a postdoc")
    client.force_login(world.lead)
    r = client.get(reverse("funding:award_letter", args=[p.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert pdf_embeds_font(r.content)
    text = pdf_text(r.content)
    assert "Awardletter" in text and chinese in text and other not in text
    assert "HKD600,000.00" in text and "HKD800,000.00" in text  # granted and requested
    assert "Hirea" in text  # the conditions


def test_award_letter_only_for_team_and_officers(client, world, panel):
    p = fund_both(world, panel)
    url = reverse("funding:award_letter", args=[p.pk])
    client.force_login(world.cn_officer)
    assert client.get(url).status_code == 200
    for person in (world.outsider, world.reviewers_hk[0]):
        client.force_login(person)
        assert client.get(url).status_code in (403, 404)


def test_award_through_the_api(client, world, panel):
    post_decision = {
        "funder_id": world.hk_funder.pk,
        "decision": "fund",
        "reasons": "ok",
        "amount": "700000",
        "conditions": "Audit",
    }
    client.force_login(world.hk_officer)
    r = post(client, f"/api/funding/proposals/{panel.pk}/decisions", post_decision)
    assert r.status_code == 201, r.content
    client.force_login(world.cn_officer)
    r = post(
        client,
        f"/api/funding/proposals/{panel.pk}/decisions",
        {"funder_id": world.cn_funder.pk, "decision": "fund", "reasons": "ok"},
    )
    assert r.json()["proposal_state"] == "awarded"
    client.force_login(world.lead)
    body = client.get(f"/api/funding/proposals/{panel.pk}/award").json()
    assert body["state"] == "offered" and body["actions"] == ["accept", "decline"]
    decisions = client.get(f"/api/funding/proposals/{panel.pk}").json()["decisions"]
    hk = next(d for d in decisions if d["side"] == "HK")
    assert Decimal(hk["amount"]) == 700000 and Decimal(hk["requested"]) == 800000
    r = post(client, f"/api/funding/proposals/{panel.pk}/award/answer", {"accept": False})
    assert r.status_code == 422  # a note is needed to decline
    r = post(client, f"/api/funding/proposals/{panel.pk}/award/answer", {"accept": True})
    assert r.status_code == 200 and r.json()["state"] == "accepted" and r.json()["project"]
    client.force_login(world.outsider)
    assert client.get(f"/api/funding/proposals/{panel.pk}/award").status_code == 404


# ------------------------------------------------------------- reviews shown to applicants


def _share(world, comments=True, scores=False):
    for f in (world.hk_funder, world.cn_funder):
        officer = world.hk_officer if f == world.hk_funder else world.cn_officer
        services.set_review_sharing(officer, world.call, f, comments=comments, scores=scores)


def test_applicants_see_comments_after_the_decision_when_shared(client, world, panel):
    client.force_login(world.lead)
    _share(world)
    page = client.get(reverse("funding:proposal", args=[panel.pk])).content.decode()
    assert "fine" not in page  # not before the decision
    p = fund_both(world, panel)
    page = client.get(reverse("funding:proposal", args=[p.pk])).content.decode()
    assert page.count('data-testid="review"') == 4 and "Reviewer 1" in page
    for r in world.reviewers_hk + world.reviewers_cn:
        assert r.username not in page  # never who wrote them
    assert "weighted score" not in page  # scores hidden
    reviews = client.get(f"/api/funding/proposals/{p.pk}/reviews").json()
    assert len(reviews) == 4
    assert all(r["reviewer"] is None and r["weighted_score"] is None for r in reviews)
    assert all(r["id"] is None and r["comments"] == "fine" for r in reviews)


def test_scores_too_when_the_funder_shares_them(client, world, panel):
    p = fund_both(world, panel)
    services.set_review_sharing(
        world.hk_officer, world.call, world.hk_funder, comments=True, scores=True
    )
    client.force_login(world.lead)
    reviews = client.get(f"/api/funding/proposals/{p.pk}/reviews").json()
    assert {r["funder"] for r in reviews} == {"HK Innovation Fund"}  # the other does not share
    assert all(r["weighted_score"] is not None for r in reviews)


def test_nothing_shared_by_default(client, world, panel):
    p = fund_both(world, panel)
    client.force_login(world.lead)
    assert client.get(f"/api/funding/proposals/{p.pk}/reviews").json() == []


def test_only_the_funders_officers_set_the_sharing(client, world):
    with pytest.raises(PermissionDenied):
        services.set_review_sharing(
            world.cn_officer, world.call, world.hk_funder, comments=True, scores=True
        )
    client.force_login(world.hk_officer)
    client.post(
        reverse("funding:call_sharing", args=[world.call.pk]),
        {"funder": world.hk_funder.pk, "comments": "1", "scores": "1"},
    )
    cs = CallSide.objects.get(call=world.call, funder=world.hk_funder)
    assert cs.comments_to_applicants and cs.scores_to_applicants
    ev = AuditEvent.objects.filter(action=FundingAction.CALL_SIDE_UPDATED).last()
    assert ev.after["comments_to_applicants"] is True


def test_award_table_is_in_the_api_docs(client):
    from innobridge.funding.workflow import AWARD_FLOW, describe

    schema = client.get("/api/openapi.json").json()
    op = schema["paths"]["/api/funding/proposals/{pk}/award/answer"]["post"]
    assert describe(AWARD_FLOW) in op["description"]
    assert "accept" in describe(AWARD_FLOW) and "decline" in describe(AWARD_FLOW)
