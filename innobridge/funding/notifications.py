"""Notifications of the funding app: one in-app notice (the platform's ``core.Notice``,
from ``funding``) plus an e-mail, in the recipient's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from innobridge.core.models import Notice
from innobridge.core.services import mark_notices_read
from innobridge.people import notifications as people_notifications
from innobridge.people.models import Person

from .models import ReviewAssignment

SOURCE = "funding"  # the ``source`` of funding's notices


def notify(
    recipient: Person,
    subject: str,
    body: str,
    params: Mapping[str, Any] | None = None,
    *,
    url: str,
) -> Notice:
    """An in-app notice plus an e-mail, in the recipient's language. ``subject`` and
    ``body`` are untranslated messages (marked with gettext_noop) with %(name)s params.
    ``url`` is the page the message is about: the notice links to it, and the e-mail
    ends with it as an absolute address (``settings.SITE_URL``)."""
    return people_notifications.notify(recipient, subject, body, params, url=url, source=SOURCE)


def mark_notifications_read(actor: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's unread funding notices (or only ``ids`` of them) read."""
    return mark_notices_read(actor, source=SOURCE, ids=ids)


def notify_invited_reviewer(a: ReviewAssignment) -> None:
    deadline = timezone.localtime(a.deadline).strftime("%Y-%m-%d %H:%M") if a.deadline else "—"
    notify(
        a.reviewer,
        gettext_noop("Invitation to review"),
        gettext_noop(
            "You are invited to review the proposal “%(title)s” for %(funder)s by %(deadline)s. "
            "Please accept or decline on InnoBridge."
        ),
        {"title": a.proposal.title, "funder": a.funder.name, "deadline": deadline},
        url=reverse("funding:reviews"),
    )
