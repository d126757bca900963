"""Notices of the people app: one in-app notice plus an e-mail, in the recipient's
language. Other apps (facilities' training, for one) send theirs through ``notify`` too.

Call ``notify`` inside the service's transaction: the notice is written with the change
and the e-mail leaves only once the transaction commits (a rollback sends nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.links import site_url
from innobridge.core.models import Notice
from innobridge.core.services import mark_notices_read as _mark_read
from innobridge.core.services import notify_in_app

from .models import Introduction, Person


def notify(
    recipient: Person,
    subject: str,
    body: str,
    params: Mapping[str, Any] | None = None,
    *,
    url: str,
    source: str = "people",
) -> Notice:
    """``subject`` and ``body`` are untranslated messages (``gettext_noop``) with
    %(name)s params, translated into the recipient's preferred language."""
    params = dict(params or {})
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject_text = _(subject) % params
        body_text = _(body) % params
    notice = notify_in_app(recipient, source, subject_text, body_text, url)
    if recipient.email:
        address = recipient.email
        mail_body = f"{body_text}\n\n{site_url(url)}\n"

        def _send() -> None:
            send_mail(subject_text, mail_body, None, [address], fail_silently=True)

        transaction.on_commit(_send)
    return notice


def mark_notices_read(person: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the person's unread notices of every app (or the given ones) read."""
    return _mark_read(person, None, ids)


def notify_introduction_requested(intro: Introduction) -> None:
    notify(
        intro.recipient,
        gettext_noop("%(requester)s asks to be introduced to you"),
        gettext_noop(
            "%(requester)s would like to be introduced to you on InnoBridge:\n\n%(message)s\n\n"
            "Accept to exchange contact details, or decline; no reason is shown to them."
        ),
        {"requester": str(intro.requester), "message": intro.message},
        url=intro.get_absolute_url(),
    )


def notify_introduction_accepted(intro: Introduction) -> None:
    notify(
        intro.requester,
        gettext_noop("%(recipient)s accepted your introduction request"),
        gettext_noop(
            "%(recipient)s accepted your request. Their contact details are on InnoBridge "
            "(yours have been shared with them)."
        ),
        {"recipient": str(intro.recipient)},
        url=intro.get_absolute_url(),
    )


def notify_introduction_declined(intro: Introduction) -> None:
    notify(
        intro.requester,
        gettext_noop("Your introduction request to %(recipient)s was not accepted"),
        gettext_noop(
            "Your introduction request to %(recipient)s was not accepted. "
            "No contact details were exchanged."
        ),
        {"recipient": str(intro.recipient)},
        url=reverse("people:introductions"),
    )
