"""Deleting review assignments in the admin's list goes through
``services.remove_assignment`` (the workflow's rule, the audit), all in one transaction:
an assignment the service may not remove (accepted) deletes none. Proposals and projects,
which hold attachments, are not deleted in bulk."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from innobridge.core.models import AuditEvent
from innobridge.funding.audit import FundingAction
from innobridge.funding.models import AssignmentStatus, Proposal, ReviewAssignment
from tests.pages import delete_selected, superuser_client


def _assign(world: Any, proposal: Any, reviewer: Any, status: str) -> ReviewAssignment:
    return ReviewAssignment.objects.create(
        proposal=proposal, reviewer=reviewer, funder=world.hk_funder, status=status
    )


def test_bulk_delete_of_assignments_goes_through_the_service(
    world: Any, submitted: Any, make_person: Any
) -> None:
    invited = _assign(world, submitted, world.reviewers_hk[0], AssignmentStatus.INVITED)
    accepted = _assign(world, submitted, world.reviewers_hk[1], AssignmentStatus.ACCEPTED)
    root = superuser_client(make_person)
    url = "/admin/funding/reviewassignment/"
    r = delete_selected(root, url, [invited.pk, accepted.pk])
    assert r.status_code == 302
    assert ReviewAssignment.objects.count() == 2  # one refused: none deleted
    assert not AuditEvent.objects.filter(action=FundingAction.ASSIGNMENT_REMOVED).exists()
    messages = root.get(url).content.decode()
    assert "Only an assignment not yet accepted can be removed." in messages
    r = delete_selected(root, url, [invited.pk])
    assert r.status_code == 302
    assert list(ReviewAssignment.objects.all()) == [accepted]
    removed = AuditEvent.objects.get(action=FundingAction.ASSIGNMENT_REMOVED)
    assert removed.object_id == str(invited.pk)


def test_proposals_are_not_deleted_in_bulk(world: Any, submitted: Any, make_person: Any) -> None:
    root = superuser_client(make_person)
    url = "/admin/funding/proposal/"
    assert 'value="delete_selected"' not in root.get(url).content.decode()
    delete_selected(root, url, [submitted.pk])
    assert Proposal.objects.filter(pk=submitted.pk).exists()


def test_a_refused_delete_on_its_own_page_is_a_message_on_the_change_page(
    world: Any, submitted: Any, make_person: Any
) -> None:
    accepted = _assign(world, submitted, world.reviewers_hk[1], AssignmentStatus.ACCEPTED)
    root = superuser_client(make_person)
    change = f"/admin/funding/reviewassignment/{accepted.pk}/change/"
    r = root.post(f"/admin/funding/reviewassignment/{accepted.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and r["Location"] == change
    assert ReviewAssignment.objects.filter(pk=accepted.pk).exists()
    assert not AuditEvent.objects.filter(action=FundingAction.ASSIGNMENT_REMOVED).exists()
    page = root.get(change).content.decode()
    assert "Only an assignment not yet accepted can be removed." in page


def test_the_call_and_proposal_pages_show_their_rows_read_only(
    world: Any, submitted: Any, make_person: Any
) -> None:
    """A call's sides and rubric are written on the call's edit page (checked as a
    whole), a proposal's team and budget by its applicants: the admin shows them."""
    root = superuser_client(make_person)
    call = submitted.call
    for url in (
        f"/admin/funding/call/{call.pk}/change/",
        f"/admin/funding/proposal/{submitted.pk}/change/",
    ):
        r = root.get(url)
        assert r.status_code == 200
        inlines = r.context["inline_admin_formsets"]
        assert len(inlines) == 2
        for inline in inlines:
            assert not (
                inline.has_add_permission
                or inline.has_change_permission
                or inline.has_delete_permission
            )
    assert (
        reverse("funding:call_edit", args=[call.pk])
        in root.get(f"/admin/funding/call/{call.pk}/change/").content.decode()
    )
