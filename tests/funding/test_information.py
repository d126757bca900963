"""Requests for more information at screening (#11 §9): the officer sends the proposal back
with a question and a deadline, the team answers (in their language) and resubmits, the
officer continues screening; a missed deadline shows to the officer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from innobridge.core.models import AuditEvent, Notice
from innobridge.funding import services
from innobridge.funding.audit import FundingAction
from innobridge.funding.models import InfoRequest, ProposalState
from innobridge.funding.workflow import allowed_actions


def soon(days=7):
    return timezone.now() + dt.timedelta(days=days)


def test_officer_asks_team_answers_screening_continues(
    world, submitted, django_capture_on_commit_callbacks
):
    world.partner.preferred_language = "zh-hans"
    world.partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        req = services.request_information(
            world.hk_officer,
            submitted,
            world.hk_funder,
            question="Who pays the Shenzhen technician?",
            deadline=soon(),
        )
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.MORE_INFO
    # each member told in their own language, by mail as well
    lead_note = Notice.objects.filter(source="funding", recipient=world.lead).first()
    assert lead_note.subject == "More information requested"
    assert "Shenzhen technician" in lead_note.body
    partner_note = Notice.objects.filter(source="funding", recipient=world.partner).first()
    assert partner_note.subject == "已要求补充信息"
    assert any("Shenzhen technician" in m.body for m in mail.outbox)
    ev = AuditEvent.objects.get(action=FundingAction.INFORMATION_REQUESTED)
    assert ev.before["state"] == "submitted" and ev.after["state"] == "more_info"
    # no screening meanwhile
    assert services.screenable_funders(world.cn_officer, submitted) == []
    with pytest.raises(ValidationError):
        services.screen_proposal(world.cn_officer, submitted, eligible=True)
    # the lead revises the text (after the call closed too) and answers
    world.call.closes_at = timezone.now() - dt.timedelta(hours=1)
    world.call.opens_at = timezone.now() - dt.timedelta(days=20)
    world.call.save()
    services.update_proposal(world.lead, submitted, abstract_en="Now with the technician.")
    with pytest.raises(ValidationError):  # budget stays as submitted
        services.add_budget_line(world.lead, submitted, side="HK", category="staff", amount="1")
    with pytest.raises(PermissionDenied):
        services.answer_information(world.partner, submitted, answer="x")
    with pytest.raises(ValidationError):
        services.answer_information(world.lead, submitted, answer="   ")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_information(world.lead, submitted, answer="The Shenzhen Institute.")
    submitted.refresh_from_db()
    req.refresh_from_db()
    assert submitted.state == ProposalState.SUBMITTED
    assert req.answer == "The Shenzhen Institute." and req.answered_by == world.lead
    assert not req.answered_late
    assert Notice.objects.filter(source="funding", recipient=world.hk_officer).exists()
    assert AuditEvent.objects.filter(action=FundingAction.INFORMATION_PROVIDED).count() == 1
    # screening continues
    services.screen_proposal(world.hk_officer, submitted, eligible=True)
    services.screen_proposal(world.cn_officer, submitted, eligible=True)
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ELIGIBLE


@pytest.mark.parametrize(
    ("question", "deadline", "field"),
    [("", soon(), "question"), ("Why?", None, "deadline"), ("Why?", soon(-1), "deadline")],
)
def test_a_request_needs_a_question_and_a_future_deadline(
    world, submitted, question, deadline, field
):
    with pytest.raises(ValidationError) as exc:
        services.request_information(
            world.hk_officer, submitted, world.hk_funder, question=question, deadline=deadline
        )
    assert field in exc.value.message_dict
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.SUBMITTED and not InfoRequest.objects.exists()


def test_only_the_funders_officer_and_only_at_screening(world, submitted):
    with pytest.raises(PermissionDenied):
        services.request_information(
            world.lead, submitted, world.hk_funder, question="?", deadline=soon()
        )
    with pytest.raises(PermissionDenied):
        services.request_information(
            world.cn_officer, submitted, world.hk_funder, question="?", deadline=soon()
        )
    services.screen_proposal(world.hk_officer, submitted, eligible=True)
    with pytest.raises(ValidationError, match="already screened"):
        services.request_information(
            world.hk_officer, submitted, world.hk_funder, question="?", deadline=soon()
        )
    services.screen_proposal(world.cn_officer, submitted, eligible=True)
    with pytest.raises(ValidationError, match="only at screening"):
        services.request_information(
            world.cn_officer, submitted, world.cn_funder, question="?", deadline=soon()
        )


def test_missed_deadline_shows_to_the_officer(client, world, submitted):
    req = services.request_information(
        world.hk_officer, submitted, world.hk_funder, question="Letter of support?", deadline=soon()
    )
    InfoRequest.objects.filter(pk=req.pk).update(deadline=timezone.now() - dt.timedelta(hours=2))
    client.force_login(world.hk_officer)
    manage = client.get(reverse("funding:call_manage", args=[world.call.pk])).content.decode()
    assert 'data-testid="info-overdue"' in manage
    page = client.get(reverse("funding:proposal", args=[submitted.pk])).content.decode()
    assert 'data-testid="info-overdue"' in page and "Letter of support?" in page
    # a late answer is taken and marked late
    services.answer_information(world.lead, submitted, answer="Attached now.")
    req.refresh_from_db()
    assert req.answered_late
    page = client.get(reverse("funding:proposal", args=[submitted.pk])).content.decode()
    assert "answered late" in page and 'data-testid="info-overdue"' not in page


def test_the_pages_ask_and_answer(client, world, submitted):
    client.force_login(world.hk_officer)
    page = client.get(reverse("funding:proposal", args=[submitted.pk])).content.decode()
    assert 'data-testid="request-info-form"' in page
    r = client.post(
        reverse("funding:request_info", args=[submitted.pk]),
        {"funder": world.hk_funder.pk, "question": "Which lab?", "deadline": "not a date"},
        follow=True,
    )
    assert "Give the deadline as a date and time." in r.content.decode()
    when = timezone.localtime(soon()).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("funding:request_info", args=[submitted.pk]),
        {"funder": world.hk_funder.pk, "question": "Which lab?", "deadline": when},
    )
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.MORE_INFO
    client.force_login(world.lead)
    page = client.get(reverse("funding:proposal", args=[submitted.pk])).content.decode()
    assert "Which lab?" in page and 'data-testid="answer-form"' in page
    assert 'data-testid="proposal-form"' in page  # the texts may be revised
    assert 'data-testid="budget-form"' not in page  # the budget may not
    client.post(reverse("funding:answer_info", args=[submitted.pk]), {"answer": "Lab 3"})
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.SUBMITTED


def test_the_api_asks_and_answers(client, world, submitted):
    def post(url, data):
        return client.post(url, json.dumps(data), content_type="application/json")

    url = f"/api/funding/proposals/{submitted.pk}/information-requests"
    client.force_login(world.hk_officer)
    r = post(url, {"funder_id": world.hk_funder.pk, "question": "", "deadline": soon().isoformat()})
    assert r.status_code == 422
    r = post(
        url, {"funder_id": world.hk_funder.pk, "question": "Why?", "deadline": soon().isoformat()}
    )
    assert r.status_code == 201 and r.json()["proposal_state"] == "more_info"
    client.force_login(world.lead)
    assert client.get(url).json()[0]["question"] == "Why?"
    r = post(url + "/answer", {"answer": "Because."})
    assert r.status_code == 200 and r.json()["proposal_state"] == "submitted"
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def _overdue_request(world, submitted):
    req = services.request_information(
        world.hk_officer, submitted, world.hk_funder, question="Letter of support?", deadline=soon()
    )
    return req


def test_screening_resumes_after_a_missed_deadline_and_may_screen_out(
    world, submitted, django_capture_on_commit_callbacks
):
    req = _overdue_request(world, submitted)
    submitted.refresh_from_db()
    # before the deadline: the team still has time; the officer may not resume
    assert "resume_screening" not in allowed_actions(world.hk_officer, submitted)
    with pytest.raises(ValidationError, match="have until"):
        services.resume_screening(world.hk_officer, submitted)
    InfoRequest.objects.filter(pk=req.pk).update(deadline=timezone.now() - dt.timedelta(hours=2))
    # only the asking funder's officer, never the team
    assert "resume_screening" in allowed_actions(world.hk_officer, submitted)
    assert "resume_screening" not in allowed_actions(world.cn_officer, submitted)
    assert "resume_screening" not in allowed_actions(world.lead, submitted)
    with pytest.raises(PermissionDenied):
        services.resume_screening(world.cn_officer, submitted)
    with pytest.raises(PermissionDenied):
        services.resume_screening(world.lead, submitted)
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_screening(world.hk_officer, submitted)
    submitted.refresh_from_db()
    req.refresh_from_db()
    assert submitted.state == ProposalState.SUBMITTED
    assert req.lapsed_at is not None and req.lapsed_by == world.hk_officer
    assert not req.is_overdue() and services.open_info_request(submitted) is None
    ev = AuditEvent.objects.get(action=FundingAction.PROPOSAL_SCREENING_RESUMED)
    assert ev.before["state"] == "more_info" and ev.after["state"] == "submitted"
    assert AuditEvent.objects.filter(action=FundingAction.INFORMATION_LAPSED).count() == 1
    assert Notice.objects.filter(
        source="funding", recipient=world.lead, subject="Screening continues without your answer"
    ).exists()
    # no late answer any more; no second resume
    with pytest.raises(ValidationError):
        services.answer_information(world.lead, submitted, answer="Too late.")
    with pytest.raises(ValidationError):
        services.resume_screening(world.hk_officer, submitted)
    # the officer screens it out for want of the answer
    services.screen_proposal(
        world.hk_officer, submitted, eligible=False, reason="No letter of support by the deadline."
    )
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.INELIGIBLE


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_page_offers_resume_after_the_deadline(client, world, submitted, lang):
    req = _overdue_request(world, submitted)
    client.force_login(world.hk_officer)
    url = reverse("funding:proposal", args=[submitted.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert 'data-testid="resume-screening"' not in page  # not before the deadline
    InfoRequest.objects.filter(pk=req.pk).update(deadline=timezone.now() - dt.timedelta(hours=2))
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert 'data-testid="resume-screening"' in page
    label = {"en": "Resume screening without an answer", "zh-hant": "不待回覆，繼續審查"}
    label["zh-hans"] = "不待回复，继续审查"
    assert label[lang] in page
    client.force_login(world.cn_officer)
    assert 'data-testid="resume-screening"' not in client.get(url).content.decode()
    client.force_login(world.hk_officer)
    r = client.post(reverse("funding:resume_screening", args=[submitted.pk]), follow=True)
    page = r.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.SUBMITTED
    assert 'data-testid="info-lapsed"' in page and 'data-testid="screen-form"' in page


def test_the_api_resumes_after_the_deadline(client, world, submitted):
    req = _overdue_request(world, submitted)
    url = f"/api/funding/proposals/{submitted.pk}/information-requests/resume-screening"
    client.force_login(world.hk_officer)
    assert client.post(url).status_code == 422  # before the deadline
    InfoRequest.objects.filter(pk=req.pk).update(deadline=timezone.now() - dt.timedelta(hours=2))
    detail = client.get(f"/api/funding/proposals/{submitted.pk}").json()
    assert "resume_screening" in detail["actions"]
    client.force_login(world.cn_officer)
    assert client.post(url).status_code == 403
    client.force_login(world.hk_officer)
    r = client.post(url)
    assert r.status_code == 200
    assert r.json()["proposal_state"] == "submitted" and r.json()["lapsed_at"]
