"""Who sees what, rule by rule, through the pages and the API (the selectors are tested in
test_review_and_decision.py), and the proposal state machine: every transition by the
right person only, in the right state only, each audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.models import Criterion, Project, ProposalState, ReviewAssignment
from tests.pages import page_as

from .conftest import complete_proposal
from .steps import eligible, to_review


def review(world: Any, a: ReviewAssignment, score: int, comment: str) -> None:
    if a.status == "invited":
        services.respond_assignment(a.reviewer, a, accept=True)
    crits = Criterion.objects.filter(call=a.proposal.call, funder=a.funder)
    services.submit_review(a.reviewer, a, scores={c.pk: score for c in crits}, comments=comment)


def reviewed_and_awarded(world: Any, p: Any, django_capture_on_commit_callbacks: Any) -> Any:
    p = to_review(world, eligible(world, p))
    for i, a in enumerate(ReviewAssignment.objects.filter(proposal=p, status="invited")):
        review(world, a, 4, f"SECRET-COMMENT-{i}")
    services.move_to_panel(world.hk_officer, p)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_decision(
            world.hk_officer, p, world.hk_funder, decision="fund", reasons="Strong science."
        )
        services.record_decision(
            world.cn_officer, p, world.cn_funder, decision="fund", reasons="Good partnership."
        )
    p.refresh_from_db()
    services.accept_award(world.lead, p.award)
    return p


def reviewer_names(world: Any) -> list[str]:
    return [r.username for r in world.reviewers_hk + world.reviewers_cn]


def test_applicants_never_learn_who_reviewed(
    client, world, submitted, django_capture_on_commit_callbacks
):
    p = reviewed_and_awarded(world, submitted, django_capture_on_commit_callbacks)
    assert p.state == ProposalState.AWARDED
    project = Project.objects.get(proposal=p)
    for person in (world.lead, world.partner):
        client.force_login(person)
        pages = [
            client.get(reverse("funding:proposal", args=[p.pk])),
            client.get(reverse("funding:project", args=[project.pk])),
            client.get(reverse("funding:notifications")),
            client.get(f"/api/funding/proposals/{p.pk}"),
            client.get(f"/api/funding/proposals/{p.pk}/reviews"),
            client.get(f"/api/funding/projects/{project.pk}"),
            client.get("/api/funding/notifications"),
        ]
        for r in pages:
            assert r.status_code == 200, r.request["PATH_INFO"]
            text = r.content.decode()
            for name in reviewer_names(world):
                assert name not in text, (r.request["PATH_INFO"], name)
            assert "SECRET-COMMENT" not in text
        # the decision and its reasons are theirs to see
        assert "Strong science." in pages[0].content.decode()
        assert client.get(f"/api/funding/proposals/{p.pk}/reviews").json() == []
    # the e-mails (one per accepted member) say the outcome and reasons, no reviewer
    decision_mail = [m for m in mail.outbox if "decision" in m.subject.lower()]
    assert {m.to[0] for m in decision_mail} == {world.lead.email, world.partner.email}
    for m in decision_mail:
        assert "Strong science." in m.body and "Good partnership." in m.body
        assert not any(name in m.body for name in reviewer_names(world))
        assert "SECRET-COMMENT" not in m.body


def test_decision_notice_in_the_recipients_language(world, submitted):
    world.partner.preferred_language = "zh-hans"
    world.partner.save()
    p = to_review(world, eligible(world, submitted))
    for a in ReviewAssignment.objects.filter(proposal=p, status="invited"):
        review(world, a, 4, "ok")
    services.move_to_panel(world.hk_officer, p)
    services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="A")
    services.record_decision(world.cn_officer, p, world.cn_funder, decision="not_fund", reasons="B")
    en = world.lead.notices.get(
        source="funding", url=p.get_absolute_url(), subject__contains="ecision"
    )
    zh = world.partner.notices.filter(source="funding", url=p.get_absolute_url()).latest("id")
    assert "Do not fund" in en.body and "Not funded" in en.body
    assert "Do not fund" not in zh.body and "Fund" not in zh.body.replace(world.hk_funder.name, "")
    assert "Mainland Science Foundation" in zh.body  # names stay as written


def test_reviewer_sees_others_scores_only_after_submitting(client, world, submitted):
    p = to_review(world, eligible(world, submitted))
    a1, a2 = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder).order_by("pk")
    for a in (a1, a2):
        services.respond_assignment(a.reviewer, a, accept=True)
    review(world, a1, 5, "FIRST-REVIEWER-COMMENT")
    client.force_login(a2.reviewer)
    r = client.get(reverse("funding:proposal", args=[p.pk]))
    assert r.status_code == 200 and b"FIRST-REVIEWER-COMMENT" not in r.content
    assert client.get(f"/api/funding/proposals/{p.pk}/reviews").json() == []
    review(world, a2, 3, "SECOND")
    r = client.get(reverse("funding:proposal", args=[p.pk]))
    assert b"FIRST-REVIEWER-COMMENT" in r.content
    assert a1.reviewer.username.encode() not in r.content  # others stay anonymous
    seen = client.get(f"/api/funding/proposals/{p.pk}/reviews").json()
    assert {s["reviewer"] for s in seen} == {None, str(a2.reviewer)}


def test_reviewers_see_only_what_they_are_assigned(client, world, submitted):
    other = complete_proposal(
        world, title="Other", lead=world.outsider, partner=world.reviewers_cn[2]
    )
    services.submit_proposal(world.outsider, other)
    p = to_review(world, eligible(world, submitted))
    a = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder).first()
    client.force_login(a.reviewer)
    assert client.get(reverse("funding:proposal", args=[p.pk])).status_code == 200
    assert client.get(reverse("funding:proposal", args=[other.pk])).status_code in (403, 404)
    assert client.get(f"/api/funding/proposals/{other.pk}").status_code == 404
    assert [x["id"] for x in client.get("/api/funding/proposals").json()] == [p.pk]
    r = client.get(reverse("funding:reviews"))
    assert b"Graphene batteries" in r.content and b"Other" not in r.content
    # a reviewer who declines loses access
    services.respond_assignment(a.reviewer, a, accept=False)
    assert client.get(reverse("funding:proposal", args=[p.pk])).status_code in (403, 404)
    assert client.get(f"/api/funding/proposals/{p.pk}").status_code == 404


def test_applicants_see_only_their_own_proposals(client, world, submitted):
    client.force_login(world.outsider)
    assert client.get(reverse("funding:proposal", args=[submitted.pk])).status_code in (403, 404)
    assert client.get(f"/api/funding/proposals/{submitted.pk}").status_code == 404
    assert client.get("/api/funding/proposals").json() == []
    r = client.get(reverse("funding:home"))
    assert b"Graphene batteries" not in r.content


def test_officers_see_their_calls_only_and_no_drafts(client, world, make_person):
    draft = complete_proposal(world)
    client.force_login(world.hk_officer)
    assert client.get(reverse("funding:proposal", args=[draft.pk])).status_code in (403, 404)
    assert client.get("/api/funding/proposals").json() == []
    services.submit_proposal(world.lead, draft)
    assert client.get(reverse("funding:proposal", args=[draft.pk])).status_code == 200
    assert [x["id"] for x in client.get("/api/funding/proposals").json()] == [draft.pk]
    stranger = make_person("stranger_officer", roles=("programme_officer",))
    client.force_login(stranger)
    assert client.get(reverse("funding:proposal", args=[draft.pk])).status_code in (403, 404)
    assert client.get(reverse("funding:call_manage", args=[world.call.pk])).status_code == 403
    assert client.get("/api/funding/proposals").json() == []
    assert client.get(f"/api/funding/calls/{world.call.pk}/assignments").status_code in (403, 404)


def test_public_sees_awarded_titles_partners_amounts_only(
    client, world, submitted, django_capture_on_commit_callbacks
):
    p = reviewed_and_awarded(world, submitted, django_capture_on_commit_callbacks)
    project = Project.objects.get(proposal=p)
    client.logout()
    r = client.get(reverse("funding:projects"))
    assert r.status_code == 200
    text = r.content.decode()
    assert "Graphene batteries" in text
    assert world.hk_org.name in text and world.cn_org.name in text
    assert "800,000" in text or "800000" in text
    assert "600,000" in text or "600000" in text
    hidden = ["Strong science.", "SECRET-COMMENT", "Graphene electrodes for fast-charging"]
    hidden += [world.lead.email, world.partner.email, *reviewer_names(world)]
    for secret in hidden:
        assert secret not in text, secret
    rows = client.get("/api/funding/projects").json()
    assert len(rows) == 1 and set(rows[0]) == {
        "id",
        "title",
        "title_zh",
        "call",
        "partners",
        "amounts",
    }
    assert not any(s in str(rows) for s in hidden)
    # the project page itself is for the two teams and the officers
    r = client.get(reverse("funding:project", args=[project.pk]))
    assert r.status_code in (302, 403, 404)
    assert client.get(f"/api/funding/projects/{project.pk}").status_code == 401
    client.force_login(world.outsider)
    assert client.get(reverse("funding:project", args=[project.pk])).status_code in (403, 404)
    assert client.get(f"/api/funding/projects/{project.pk}").status_code in (403, 404)
    for person in (world.lead, world.partner, world.hk_officer, world.cn_officer):
        client.force_login(person)
        assert client.get(reverse("funding:project", args=[project.pk])).status_code == 200


def test_unsubmitted_or_unawarded_projects_are_not_public(client, world, submitted):
    p = to_review(world, eligible(world, submitted))
    assert client.get("/api/funding/projects").json() == []
    assert b"Graphene batteries" not in client.get(reverse("funding:projects")).content
    assert p.state == ProposalState.IN_REVIEW


# --------------------------------------------------------------------------- state machine


def actions(p: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type__endswith="proposal", object_id=str(p.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_every_transition_by_the_right_person_in_the_right_state(world):
    p = complete_proposal(world)
    # draft → submitted: the lead only, once
    for wrong in (world.partner, world.hk_officer, world.outsider):
        with pytest.raises(PermissionDenied):
            services.submit_proposal(wrong, p)
    with pytest.raises(ValidationError):  # not yet screened: an officer cannot screen a draft
        services.screen_proposal(world.hk_officer, p, eligible=True)
    p = services.submit_proposal(world.lead, p)
    with pytest.raises(ValidationError):
        services.submit_proposal(world.lead, p)
    # submitted → screened: each funder its own side; no applicant or reviewer
    for wrong in (world.lead, world.reviewers_hk[0], world.outsider):
        with pytest.raises(PermissionDenied):
            services.screen_proposal(wrong, p, eligible=True)
    with pytest.raises(ValidationError):  # to the panel before any review
        services.move_to_panel(world.hk_officer, p)
    p = eligible(world, p)
    assert p.state == ProposalState.ELIGIBLE
    # eligible → in review when invitations go out (officers only)
    with pytest.raises(PermissionDenied):
        services.run_assignment(world.lead, world.call)
    with pytest.raises(PermissionDenied):
        services.send_invitations(world.reviewers_hk[0], world.call)
    p = to_review(world, p)
    assert p.state == ProposalState.IN_REVIEW
    with pytest.raises(ValidationError):  # decisions only at the panel
        services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="x")
    a = ReviewAssignment.objects.filter(proposal=p, status="invited").first()
    with pytest.raises(PermissionDenied):  # only the reviewer answers the invitation
        services.respond_assignment(world.lead, a, accept=True)
    for a in ReviewAssignment.objects.filter(proposal=p, status="invited"):
        review(world, a, 4, "ok")
    # in review → panel: officers only
    for wrong in (world.lead, a.reviewer):
        with pytest.raises(PermissionDenied):
            services.move_to_panel(wrong, p)
    p = services.move_to_panel(world.cn_officer, p)
    assert p.state == ProposalState.PANEL
    # panel → awarded: each funder decides for itself
    with pytest.raises(PermissionDenied):
        services.record_decision(world.lead, p, world.hk_funder, decision="fund", reasons="x")
    with pytest.raises(PermissionDenied):
        services.record_decision(world.hk_officer, p, world.cn_funder, decision="fund", reasons="x")
    services.record_decision(world.hk_officer, p, world.hk_funder, decision="fund", reasons="ok")
    services.record_decision(world.cn_officer, p, world.cn_funder, decision="fund", reasons="ok")
    p.refresh_from_db()
    assert p.state == ProposalState.AWARDED
    # after the decision: no withdrawal, no second decision
    with pytest.raises(ValidationError):
        services.withdraw_proposal(world.lead, p)
    with pytest.raises(ValidationError):
        services.record_decision(
            world.hk_officer, p, world.hk_funder, decision="not_fund", reasons="x"
        )
    p.refresh_from_db()
    assert p.state == ProposalState.AWARDED
    assert [x for x in actions(p) if x.startswith("funding.proposal.")] == [
        "funding.proposal.created",
        "funding.proposal.submitted",
        "funding.proposal.screened",
        "funding.proposal.review_started",
        "funding.proposal.moved_to_panel",
        "funding.proposal.awarded",
    ]
    sides = AuditEvent.objects.filter(action="funding.proposal.side_screened")
    assert sorted(e.actor_id for e in sides) == sorted([world.hk_officer.pk, world.cn_officer.pk])


def test_ineligible_and_withdrawn_are_ends(world, submitted):
    with pytest.raises(ValidationError):  # a reason is required
        services.screen_proposal(world.hk_officer, submitted, eligible=False, reason="")
    services.screen_proposal(world.hk_officer, submitted, eligible=False, reason="No HK partner")
    submitted.refresh_from_db()
    assert submitted.state == ProposalState.INELIGIBLE
    with pytest.raises(ValidationError):
        services.withdraw_proposal(world.lead, submitted)
    with pytest.raises(ValidationError):
        services.screen_proposal(world.cn_officer, submitted, eligible=True)
    other = complete_proposal(
        world, title="Second", lead=world.outsider, partner=world.reviewers_cn[1]
    )
    other = services.submit_proposal(world.outsider, other)
    with pytest.raises(PermissionDenied):
        services.withdraw_proposal(world.partner, other)
    other = services.withdraw_proposal(world.outsider, other, reason="Changed plans")
    assert other.state == ProposalState.WITHDRAWN
    with pytest.raises(ValidationError):
        services.screen_proposal(world.hk_officer, other, eligible=True)
    assert "funding.proposal.withdrawn" in actions(other)


def test_public_page_links_only_for_those_who_may_open_and_speaks_chinese(
    client, world, submitted, django_capture_on_commit_callbacks
):
    p = reviewed_and_awarded(world, submitted, django_capture_on_commit_callbacks)
    link = reverse("funding:project", args=[p.project.pk]).encode()
    client.force_login(world.outsider)
    assert link not in client.get(reverse("funding:projects")).content
    client.force_login(world.partner)
    assert link in client.get(reverse("funding:projects")).content
    text = page_as(reverse("funding:projects"), language="zh-hant")  # a visitor
    assert "深圳研究院" in text and "Shenzhen Institute" not in text
    assert world.hk_org.name in text  # no Chinese name: shown as written
