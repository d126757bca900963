"""Review reminders: automatic ones (``innobridge funding_remind``, daily) before the
deadline and when overdue, and an officer's "remind now" for their own funder's reviewers
— never more than once a day each, never to anyone who has submitted."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.models import ReviewAssignment

from .steps import eligible, to_review
from .test_who_sees_what import review


def reminded(person) -> int:
    return person.notices.filter(source="funding", subject__icontains="reminder").count()


@pytest.fixture
def in_review(world, submitted):
    return to_review(world, eligible(world, submitted))


def test_automatic_reminders_before_deadline_and_when_overdue(world, in_review):
    a = ReviewAssignment.objects.filter(proposal=in_review).order_by("pk").first()
    deadline = a.deadline
    assert services.send_reminders(now=deadline - dt.timedelta(days=10)) == 0  # not yet
    assert services.send_reminders(now=deadline + dt.timedelta(days=2)) == 4  # overdue
    assert reminded(a.reviewer) == 1
    assert services.send_reminders(now=deadline + dt.timedelta(days=2, hours=5)) == 0
    assert services.send_reminders(now=deadline + dt.timedelta(days=3, hours=1)) == 4
    a.refresh_from_db()
    assert a.reminders_sent == 2
    # a submitted review is not chased; the team never hears of reminders
    review(world, a, 4, "done")
    assert services.send_reminders(now=deadline + dt.timedelta(days=5)) == 3
    assert reminded(world.lead) == 0 and reminded(world.partner) == 0


def test_remind_command(world, in_review):
    ReviewAssignment.objects.filter(proposal=in_review).update(
        deadline=timezone.now() + dt.timedelta(days=1)
    )
    out = io.StringIO()
    call_command("funding_remind", stdout=out)
    assert "4 reminders sent" in out.getvalue()
    out = io.StringIO()
    call_command("funding_remind", stdout=out)
    assert "0 reminders sent" in out.getvalue()


def test_officer_reminds_own_funders_reviewers_only(world, in_review):
    hk = list(ReviewAssignment.objects.filter(proposal=in_review, funder=world.hk_funder))
    cn = list(ReviewAssignment.objects.filter(proposal=in_review, funder=world.cn_funder))
    assert services.remind_reviewers(world.hk_officer, world.call) == 2
    assert all(reminded(a.reviewer) == 1 for a in hk)
    assert all(reminded(a.reviewer) == 0 for a in cn)
    assert services.remind_reviewers(world.hk_officer, world.call) == 0  # once a day
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    assert services.remind_reviewers(world.hk_officer, world.call, now=later) == 2
    ev = AuditEvent.objects.filter(action="funding.assignment.reminded").latest("id")
    assert ev.actor_id == world.hk_officer.pk
    for wrong in (world.lead, world.reviewers_hk[0], world.outsider):
        with pytest.raises(PermissionDenied):
            services.remind_reviewers(wrong, world.call)


def test_remind_through_the_page(client, world, in_review):
    client.force_login(world.cn_officer)
    url = reverse("funding:call_manage", args=[world.call.pk])
    r = client.get(url)
    assert b"remind-reviewers" in r.content and b"4 reviews still owed." in r.content
    assert b"review-overdue" not in r.content
    r = client.post(reverse("funding:call_remind", args=[world.call.pk]), follow=True)
    assert b"2 reminders sent." in r.content
    r = client.post(reverse("funding:call_remind", args=[world.call.pk]), follow=True)
    assert b"at most once a day" in r.content
    ReviewAssignment.objects.filter(proposal=in_review).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    r = client.get(url)
    assert r.content.count(b'data-testid="review-overdue"') == 4
    assert b"1 reminder" in r.content
    reviewer = ReviewAssignment.objects.filter(proposal=in_review).first().reviewer
    client.force_login(reviewer)
    assert b"review-overdue" in client.get(reverse("funding:reviews")).content
    client.force_login(world.lead)
    assert client.post(reverse("funding:call_remind", args=[world.call.pk])).status_code == 403


def test_remind_through_the_api(client, world, in_review):
    client.force_login(world.hk_officer)
    r = client.post(f"/api/funding/calls/{world.call.pk}/reminders")
    assert r.status_code == 200 and r.json() == {"sent": 2}
    client.force_login(world.reviewers_hk[0])
    r = client.post(f"/api/funding/calls/{world.call.pk}/reminders")
    assert r.status_code == 403
