"""Proposals: drafting, invitations, budget, attachments, every submission rule, and bad
input that must change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.models import Attachment, BudgetLine, Proposal, ProposalState, TeamMember
from tests.pages import client_as

from .conftest import complete_proposal, pdf


def messages(exc: ValidationError) -> str:
    return " | ".join(exc.messages)


def test_complete_proposal_submits_and_is_audited(world, django_capture_on_commit_callbacks):
    p = complete_proposal(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_proposal(world.lead, p)
    p.refresh_from_db()
    assert p.state == ProposalState.SUBMITTED and p.submitted_at is not None
    assert AuditEvent.objects.filter(
        action="funding.proposal.submitted", object_id=str(p.pk)
    ).exists()
    # the team is told (in-app + e-mail)
    from django.core import mail

    assert (
        world.partner.notices.filter(source="funding")
        .filter(subject__icontains="submitted")
        .exists()
    )
    assert any("submitted" in m.subject.lower() for m in mail.outbox)


def test_missing_partner_is_refused_with_clear_message(world):
    p = services.create_proposal(
        world.lead, world.call, title_en="Solo", abstract_en="x", duration_months=24
    )
    services.add_budget_line(world.lead, p, side="HK", category="staff", amount="1000")
    services.add_budget_line(world.lead, p, side="CN", category="staff", amount="1000")
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.lead, p)
    assert "at least one partner institution from Mainland" in messages(exc.value)
    p.refresh_from_db()
    assert p.state == ProposalState.DRAFT


def test_pending_invitation_blocks_submission(world):
    p = services.create_proposal(
        world.lead, world.call, title_en="T", abstract_en="A", duration_months=24
    )
    services.invite_member(world.lead, p, world.partner)
    services.add_budget_line(world.lead, p, side="HK", category="staff", amount="1000")
    services.add_budget_line(world.lead, p, side="CN", category="staff", amount="1000")
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.lead, p)
    assert "has not accepted the invitation yet" in messages(exc.value)


def test_over_cap_budget_is_refused(world):
    p = complete_proposal(world)
    services.add_budget_line(
        world.lead, p, side="HK", category="travel", amount="500000"
    )  # 1.3M > 1.2M
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.lead, p)
    assert "exceeds the cap of HKD 1,200,000.00" in messages(exc.value)
    assert Proposal.objects.get(pk=p.pk).state == ProposalState.DRAFT


def test_budget_line_in_wrong_currency_is_refused_and_nothing_written(world):
    p = complete_proposal(world)
    n = BudgetLine.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.add_budget_line(
            world.lead, p, side="CN", category="staff", amount="10", currency="HKD"
        )
    assert "CNY" in messages(exc.value)
    with pytest.raises(ValidationError):
        services.add_budget_line(world.lead, p, side="HK", category="staff", amount="-5")
    with pytest.raises(ValidationError):
        services.add_budget_line(world.lead, p, side="HK", category="staff", amount="abc")
    assert BudgetLine.objects.count() == n


def test_late_submission_is_refused(world):
    p = complete_proposal(world)
    later = world.call.closes_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.lead, p, now=later)
    assert "closed" in messages(exc.value)
    assert Proposal.objects.get(pk=p.pk).state == ProposalState.DRAFT
    # and nothing can be changed after the deadline
    with pytest.raises(ValidationError):
        services.update_proposal(world.lead, p, now=later, title_en="changed")
    with pytest.raises(ValidationError):
        services.add_attachment(world.lead, p, pdf(), now=later)


def test_double_submission_is_refused_with_clear_message(submitted, world):
    n = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.lead, submitted)
    assert "already been submitted" in messages(exc.value)
    assert AuditEvent.objects.count() == n


def test_submitted_proposal_cannot_be_changed(submitted, world):
    with pytest.raises(ValidationError):
        services.update_proposal(world.lead, submitted, title_en="new")
    with pytest.raises(ValidationError):
        services.add_budget_line(world.lead, submitted, side="HK", category="staff", amount="1")


def test_pdf_only_by_magic_bytes_and_size(world, settings):
    p = complete_proposal(world)
    att = services.add_attachment(world.lead, p, pdf("My Proposal (final).pdf"))
    assert att.file.name.startswith("funding/") and "My Proposal" not in att.file.name
    assert att.original_name == "My Proposal (final).pdf"
    with open(att.file.path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    n = Attachment.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.add_attachment(world.lead, p, pdf("evil.pdf", b"MZ\x90\x00 not a pdf"))
    assert "Only PDF files" in messages(exc.value)
    world.call.max_attachment_mb = 1
    world.call.save()
    p.call.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.add_attachment(world.lead, p, pdf("big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1)))
    assert "larger than 1 MB" in messages(exc.value)
    assert Attachment.objects.count() == n


def test_an_attachment_whose_audit_fails_leaves_no_file_and_no_row(world, monkeypatch):
    from pathlib import Path

    from django.conf import settings

    from innobridge.funding.services import proposals

    def boom(*args, **kwargs):
        raise RuntimeError("the audit failed")

    p = complete_proposal(world)
    n = Attachment.objects.count()
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    monkeypatch.setattr(proposals, "record_event", boom)
    with pytest.raises(RuntimeError):
        services.add_attachment(world.lead, p, pdf("a.pdf"))
    assert Attachment.objects.count() == n
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf")) == before


def test_a_removed_attachment_loses_its_file_only_when_the_removal_commits(
    world, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.db import transaction

    p = complete_proposal(world)
    att = services.add_attachment(world.lead, p, pdf("a.pdf"))
    path, pk = Path(att.file.path), att.pk

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():  # a removal that rolls back
        services.remove_attachment(world.lead, att)
        raise Undo
    assert Attachment.objects.filter(pk=pk).exists() and path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(world.lead, Attachment.objects.get(pk=pk))
    assert not Attachment.objects.filter(pk=pk).exists() and not path.exists()


def test_title_in_at_least_one_language(world):
    p = complete_proposal(world)
    services.update_proposal(
        world.lead, p, title_en="", title_zh="石墨烯電池", abstract_en="", abstract_zh="摘要"
    )
    services.submit_proposal(world.lead, p)  # Chinese only is fine
    p2 = complete_proposal(world, lead=world.outsider, partner=world.reviewers_cn[2])
    services.update_proposal(world.outsider, p2, title_en="", title_zh="")
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.outsider, p2)
    assert "title in at least one accepted language" in messages(exc.value)


def test_duration_limits(world):
    p = complete_proposal(world)
    services.update_proposal(world.lead, p, duration_months=60)
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.lead, p)
    assert "between 12 and 36 months" in messages(exc.value)


def test_industry_share_rule(world):
    world.call.min_industry_share = Decimal("10")
    world.call.save()
    p = complete_proposal(world)
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.lead, p)
    assert "Industry sponsorship on the Hong Kong side is 0.0 %" in messages(exc.value)
    services.add_budget_line(
        world.lead, p, side="HK", category="staff", amount="100000", source="industry"
    )
    services.add_budget_line(
        world.lead, p, side="CN", category="staff", amount="100000", source="industry"
    )
    services.submit_proposal(world.lead, p)


def test_eligible_org_types(world):
    world.call.eligible_org_types = ["education"]
    world.call.save()
    p = complete_proposal(
        world, lead=world.lead, partner=world.reviewers_cn[0]
    )  # Guangzhou Lab: facility
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.lead, p)
    assert "Guangzhou Lab is not a type of organisation eligible" in messages(exc.value)


def test_one_application_per_person_per_call(world, submitted):
    p2 = complete_proposal(world, title="Second", lead=world.outsider, partner=world.partner)
    with pytest.raises(ValidationError) as exc:
        services.submit_proposal(world.outsider, p2)
    assert "already on another application to this call" in messages(exc.value)


def test_only_lead_edits_and_only_invitee_answers(world):
    p = services.create_proposal(world.lead, world.call, title_en="T")
    m = services.invite_member(world.lead, p, world.partner)
    with pytest.raises(PermissionDenied):
        services.update_proposal(world.partner, p, title_en="hijack")
    with pytest.raises(PermissionDenied):
        services.respond_invitation(world.outsider, m, accept=True)
    with pytest.raises(ValidationError):
        services.invite_member(world.lead, p, world.partner)  # already invited
    assert TeamMember.objects.filter(proposal=p).count() == 2


def test_non_researcher_cannot_apply(world):
    with pytest.raises(PermissionDenied):
        services.create_proposal(world.hk_officer, world.call, title_en="x")


def test_closed_call_refuses_new_proposals(world):
    world.call.opens_at = timezone.now() - dt.timedelta(days=30)
    world.call.closes_at = timezone.now() - dt.timedelta(days=1)
    world.call.save()
    with pytest.raises(ValidationError):
        services.create_proposal(world.lead, world.call, title_en="late")


def test_withdraw_before_decision(submitted, world):
    services.withdraw_proposal(world.lead, submitted, reason="changed plans")
    assert Proposal.objects.get(pk=submitted.pk).state == ProposalState.WITHDRAWN
    with pytest.raises(ValidationError):
        services.withdraw_proposal(world.lead, submitted)


def test_screening(submitted, world):
    with pytest.raises(PermissionDenied):
        services.screen_proposal(world.lead, submitted, eligible=True)
    with pytest.raises(ValidationError):
        services.screen_proposal(world.hk_officer, submitted, eligible=False, reason="")
    services.screen_proposal(
        world.cn_officer, submitted, eligible=False, reason="Lead not employed"
    )
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.INELIGIBLE
    assert "Lead not employed" in submitted.screening_reason
    assert world.cn_funder.name in submitted.screening_reason
    assert (
        world.lead.notices.filter(source="funding")
        .filter(body__contains="Lead not employed")
        .exists()
    )
    assert (
        world.partner.notices.filter(source="funding")
        .filter(body__contains="Lead not employed")
        .exists()
    )
    with pytest.raises(ValidationError):
        services.screen_proposal(world.hk_officer, submitted, eligible=True)


def test_each_funder_screens_its_own_side(submitted, world):
    from innobridge.funding.models import Screening

    # an officer of one funder cannot screen for the other
    with pytest.raises(PermissionDenied):
        services.screen_proposal(world.hk_officer, submitted, world.cn_funder, eligible=True)
    assert services.screenable_funders(world.hk_officer, submitted) == [world.hk_funder]
    services.screen_proposal(world.hk_officer, submitted, eligible=True)
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.SUBMITTED  # the Mainland side is still to screen
    assert services.screenable_funders(world.hk_officer, submitted) == []
    with pytest.raises(ValidationError):  # twice for the same side
        services.screen_proposal(world.hk_officer, submitted, world.hk_funder, eligible=True)
    services.screen_proposal(world.cn_officer, submitted, world.cn_funder, eligible=True)
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ELIGIBLE
    assert sorted(Screening.objects.filter(proposal=submitted).values_list("side", flat=True)) == [
        "CN",
        "HK",
    ]


def test_one_officer_of_both_funders_screens_both_sides(submitted, world):
    world.cn_funder.officers.add(world.hk_officer)
    services.screen_proposal(world.hk_officer, submitted, eligible=True)
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.ELIGIBLE
    assert submitted.screenings.count() == 2


def test_hk_ineligible_after_cn_eligible_ends_it(submitted, world):
    services.screen_proposal(world.cn_officer, submitted, eligible=True)
    services.screen_proposal(world.hk_officer, submitted, eligible=False, reason="No HK host")
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.INELIGIBLE
    assert submitted.screening_reason == f"{world.hk_funder.name}: No HK host"


def test_call_validation(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.create_call(
            world.hk_officer,
            world.scheme,
            title="",
            opens_at=now,
            closes_at=now - dt.timedelta(days=1),
            sides=[{"funder": world.hk_funder, "budget": "100", "project_cap": "200"}],
        )
    text = str(exc.value)
    assert "closes" in text or "close after" in text
    assert "cap per project cannot exceed" in text
    assert "no funder pays that side" in text
    with pytest.raises(PermissionDenied):
        services.create_call(
            world.lead,
            world.scheme,
            title="x",
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            sides=[{"funder": world.hk_funder, "budget": "100", "project_cap": "50"}],
        )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "The team needs at least one partner institution from Mainland."),
        ("zh-hant", "團隊至少需要一間來自"),
        ("zh-hans", "团队至少需要一家来自"),
    ],
)
def test_submission_failures_in_the_users_language(world, lang, expected):
    from django.urls import reverse

    p = services.create_proposal(
        world.lead, world.call, title_en="Solo", abstract_en="x", duration_months=24
    )
    url = reverse("funding:proposal_submit", args=[p.pk])
    r = client_as(world.lead, lang).post(url, follow=True)
    assert expected in r.content.decode()
    p.refresh_from_db()
    assert p.state == ProposalState.DRAFT


def test_after_the_deadline_no_change_of_any_kind(world, make_researcher):
    p = complete_proposal(world)
    newcomer = make_researcher("late_partner", world.cn_org2)
    invited = services.invite_member(world.lead, p, newcomer)
    line = p.budget_lines.first()
    att = services.add_attachment(world.lead, p, pdf())
    later = world.call.closes_at + dt.timedelta(seconds=1)
    attempts = [
        lambda: services.invite_member(world.lead, p, world.outsider, now=later),
        lambda: services.respond_invitation(newcomer, invited, accept=True, now=later),
        lambda: services.remove_member(world.lead, invited, now=later),
        lambda: services.add_budget_line(
            world.lead, p, side="HK", category="travel", amount="10", now=later
        ),
        lambda: services.remove_budget_line(world.lead, line, now=later),
        lambda: services.remove_attachment(world.lead, att, now=later),
        lambda: services.update_proposal(world.lead, p, now=later, abstract_en="new"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="closed"):
            attempt()
    p.refresh_from_db()
    assert p.abstract_en == "Graphene electrodes for fast-charging batteries."
    assert p.budget_lines.count() == 2 and p.attachments.count() == 1
    invited.refresh_from_db()
    assert invited.status == "invited"
