"""E-mail of the exchange app, each in its recipient's language, sent once the
surrounding transaction commits (a rolled-back change sends nothing)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


def _url(name: str, *args: Any) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def _send(to: str, language: str, subject: Any, body: Any) -> None:
    with translation.override(language or "en"):
        subj, text = str(subject()), str(body())
    transaction.on_commit(lambda: send_mail(subj, text, None, [to], fail_silently=True))


def referee_invited(referee: Any, token: str) -> None:
    app = referee.application
    link = _url("exchange:referee_upload", token)
    _send(
        referee.email,
        "en",
        lambda: _("Reference letter requested for %(name)s") % {"name": app.applicant},
        lambda: (
            _(
                "%(name)s has applied to %(programme)s and named you as a referee.\n"
                "Please upload your letter (PDF) through this link, which needs no account "
                "and works until %(expires)s:\n\n%(link)s\n\n"
                "The applicant will not see your letter."
            )
            % {
                "name": app.applicant,
                "programme": app.programme,
                "expires": referee.expires_at.date().isoformat(),
                "link": link,
            }
        ),
    )


def offer_sent(offer: Any) -> None:
    person = offer.application.applicant
    _send(
        person.email,
        person.preferred_language,
        lambda: _("Offer: %(placement)s") % {"placement": offer.placement.title},
        lambda: (
            _(
                "You are offered the placement %(placement)s at %(org)s in %(programme)s.\n"
                "Please reply by %(date)s:\n\n%(link)s"
            )
            % {
                "placement": offer.placement.title,
                "org": offer.placement.organisation,
                "programme": offer.application.programme,
                "date": offer.reply_by.isoformat(),
                "link": _url("exchange:application", offer.application_id),
            }
        ),
    )


def reminder(person: Any, subject: str, text: str, link: str) -> None:
    """``subject`` and ``text`` are marked with ``gettext_noop`` by the caller."""
    _send(
        person.email,
        person.preferred_language,
        lambda: _(subject),
        lambda: _(text) + link,
    )
