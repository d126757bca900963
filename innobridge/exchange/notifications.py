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
from django.utils.translation import gettext_noop

from innobridge.core.language import script_for_language


def mail_language(code: str | None) -> str:
    """One of the three site languages for a stored or chosen code: 繁體中文 or 简体中文
    by script for any Chinese code, English for anything else or nothing."""
    if not code or not code.lower().startswith("zh"):
        return "en"
    return script_for_language(code) or "en"


def referee_language(referee: Any) -> str:
    """A referee who has an account reads in their preferred language; one without an
    account in the language the applicant chose for them, else the applicant's."""
    from django.contrib.auth import get_user_model

    person = (
        get_user_model()
        .objects.filter(email__iexact=referee.email, is_active=True)
        .only("preferred_language")
        .first()
    )
    if person is not None:
        return mail_language(person.preferred_language)
    return mail_language(referee.language or referee.application.applicant.preferred_language)


def _url(name: str, *args: Any) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def _send(
    to: str, language: str, subject: Any, body: Any, *, person: Any = None, url: str = ""
) -> None:
    """E-mail (after commit) and, for a person with an account, an in-app notice linking
    to ``url`` — both in the recipient's language."""
    with translation.override(mail_language(language)):
        subj, text = str(subject()), str(body())
    if person is not None:
        from innobridge.core.services import notify_in_app

        notify_in_app(person, "exchange", subj, text, url)
    if not to:
        return
    transaction.on_commit(lambda: send_mail(subj, text, None, [to], fail_silently=True))


def referee_invited(referee: Any, token: str) -> None:
    app = referee.application
    link = _url("exchange:referee_upload", token)
    _send(
        referee.email,
        referee_language(referee),
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
        person=person,
        url=reverse("exchange:application", args=[offer.application_id]),
    )


def reminder(person: Any, subject: str, text: str, link: str) -> None:
    """``subject`` and ``text`` are marked with ``gettext_noop`` by the caller."""
    _send(
        person.email,
        person.preferred_language,
        lambda: _(subject),
        lambda: _(text) + link,
        person=person,
        url=link.strip(),
    )


NOMINATED = gettext_noop("Your home institution has nominated your application to %(programme)s.")
NOT_NOMINATED = gettext_noop(
    "Your home institution has decided not to nominate your application to %(programme)s."
)
SHORTLISTED = gettext_noop(
    "Your application to %(programme)s has been shortlisted; the host supervisors will "
    "now rank the shortlisted applicants."
)
NOT_SHORTLISTED = gettext_noop("Your application to %(programme)s has not been shortlisted.")
LAPSED = gettext_noop(
    "Your offer in %(programme)s lapsed without a reply by its deadline; the place has "
    "gone to the waiting list."
)
WAITING_LIST = gettext_noop(
    "The results of %(programme)s are out: you have no offer now but stay on the waiting "
    "list of the placements you chose; a place freed by a decline may be offered to you."
)
CLOSED = gettext_noop(
    "The selection of %(programme)s is complete and your application was not successful "
    "this time. Thank you for applying."
)
DECISION_MESSAGES = {
    "close": CLOSED,
    "waiting_list": WAITING_LIST,
    "lapse": LAPSED,
    "nominate": NOMINATED,
    "decline_nomination": NOT_NOMINATED,
    "shortlist": SHORTLISTED,
    "not_shortlist": NOT_SHORTLISTED,
}


def decision(app: Any, action: str) -> None:
    """Tell the applicant of a nomination, shortlisting or result decision, in their
    language, once the decision is committed."""
    person = app.applicant
    text = DECISION_MESSAGES[action]
    _send(
        person.email,
        person.preferred_language,
        lambda: _("Decision on your application: %(programme)s") % {"programme": app.programme},
        lambda: (
            _(text) % {"programme": app.programme} + "\n\n" + _url("exchange:application", app.pk)
        ),
        person=person,
        url=reverse("exchange:application", args=[app.pk]),
    )
