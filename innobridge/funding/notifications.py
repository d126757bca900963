"""Notifications of the funding app: one in-app message plus an e-mail, in the
recipient's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.links import site_url
from innobridge.people.models import Person

from .models import Notification, ReviewAssignment


def notify(
    recipient: Person,
    subject: str,
    body: str,
    params: Mapping[str, Any] | None = None,
    *,
    url: str,
) -> Notification:
    """An in-app notification plus an e-mail, in the recipient's language. ``subject`` and
    ``body`` are untranslated messages (marked with gettext_noop) with %(name)s params.
    ``url`` is the page the message is about: the notification links to it, and the e-mail
    ends with it as an absolute address (``settings.SITE_URL``)."""
    params = dict(params or {})
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject_text = _(subject) % params
        body_text = _(body) % params
    note = Notification.objects.create(
        recipient=recipient, subject=subject_text[:300], body=body_text, url=url
    )
    if recipient.email:
        email = recipient.email

        mail_body = f"{body_text}\n\n{site_url(url)}\n"

        def _send() -> None:
            send_mail(subject_text, mail_body, None, [email], fail_silently=True)

        transaction.on_commit(_send)
    return note


@transaction.atomic
def mark_notifications_read(actor: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


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
