"""What the transfer app tells people: background matching after a change, deal steps
to the other side, expiry reminders, and the daily digest of new matches — each message
written in its recipient's language and sent by a background task after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from innobridge.core.language import display_chinese
from innobridge.core.links import site_url

logger = logging.getLogger(__name__)


def _enqueue_mail(subject: str, body: str, email: str) -> None:
    from .tasks import send_transfer_mail

    try:
        send_transfer_mail.enqueue(subject, body, [email])
    except Exception:  # the change is committed; a mail that cannot be queued is dropped
        logger.exception("could not queue a transfer e-mail")


def mail(recipient: Any, write: Any) -> bool:
    """``write()`` → (subject, body) in the recipient's language; sent on commit."""
    email = getattr(recipient, "email", "")
    if not email:
        return False
    language = getattr(recipient, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body = write()
    subject = " ".join(str(subject).split())[:250]
    transaction.on_commit(partial(_enqueue_mail, subject, str(body), email))
    return True


def _on_commit_task(task_name: str, pk: int) -> None:
    from . import tasks

    def run() -> None:
        try:
            getattr(tasks, task_name).enqueue(pk)
        except Exception:
            logger.exception("could not queue %s", task_name)

    transaction.on_commit(run)


def offer_changed(offer: Any) -> None:
    """A published offer is new or changed: match it in the background."""
    if getattr(settings, "TRANSFER_AUTO_MATCH", True):
        _on_commit_task("match_offer", offer.pk)


def demand_changed(demand: Any) -> None:
    if getattr(settings, "TRANSFER_AUTO_MATCH", True):
        _on_commit_task("match_demand", demand.pk)


def offer_people(offer: Any) -> list[Any]:
    """Who speaks for an offer: its owner organisation's TTOs and its author."""
    from .models import Membership, MembershipKind

    people = {
        m.person
        for m in Membership.objects.filter(
            organisation_id=offer.owner_id, kind=MembershipKind.TTO
        ).select_related("person")
    }
    if offer.created_by is not None:
        people.add(offer.created_by)
    return sorted(people, key=lambda p: p.pk)


def demand_people(demand: Any) -> list[Any]:
    from .models import Membership, MembershipKind

    people = {
        m.person
        for m in Membership.objects.filter(
            organisation_id=demand.organisation_id, kind=MembershipKind.ENTERPRISE
        ).select_related("person")
    }
    if demand.created_by is not None:
        people.add(demand.created_by)
    return sorted(people, key=lambda p: p.pk)


def deal_event(deal: Any, what: str) -> int:
    """Tell the other side of a deal what happened (interest, accepted, signed)."""
    url = site_url(deal.get_absolute_url())
    title = deal.offer.title
    if what == "interest":
        recipients: Iterable[Any] = offer_people(deal.offer)

        def write() -> tuple[str, str]:
            return (
                _("New interest in “%(title)s”") % {"title": title},
                _("Someone has expressed interest in your offer “%(title)s”.\n\n%(url)s")
                % {"title": title, "url": url},
            )
    elif what == "accepted":
        recipients = [deal.party]

        def write() -> tuple[str, str]:
            return (
                _("The owner of “%(title)s” wants to talk") % {"title": title},
                _(
                    "Your interest was accepted. Accept the NDA to see the confidential "
                    "part.\n\n%(url)s"
                )
                % {"url": url},
            )
    else:
        recipients = [deal.party, *offer_people(deal.offer)]

        def write() -> tuple[str, str]:
            return (
                _("Signed: “%(title)s”") % {"title": title},
                _("The agreement on “%(title)s” is recorded as signed.\n\n%(url)s")
                % {"title": title, "url": url},
            )

    return sum(mail(r, write) for r in recipients)


def send_expiry_reminder(offer: Any) -> int:
    url = site_url(offer.get_absolute_url())

    def write() -> tuple[str, str]:
        return (
            _("Your listing “%(title)s” expires soon") % {"title": offer.title},
            _(
                "The listing “%(title)s” expires on %(day)s unless you renew it for another "
                "12 months.\n\n%(url)s"
            )
            % {"title": offer.title, "day": f"{offer.expires_at:%Y-%m-%d}", "url": url},
        )

    return sum(mail(p, write) for p in offer_people(offer))


def digest_body(notices: list[Any]) -> tuple[str, str]:
    """The daily digest of new matches (in the active language)."""
    lines = []
    for n in notices:
        m = n.match
        if n.side == "offer":
            other, url = m.demand.title, m.demand.get_absolute_url()
            lines.append(
                _("A demand for your offer “%(mine)s”:") % {"mine": display_chinese(m.offer.title)}
            )
        else:
            other, url = m.offer.title, m.offer.get_absolute_url()
            lines.append(
                _("An offer for your demand “%(mine)s”:")
                % {"mine": display_chinese(m.demand.title)}
            )
        lines.append(f"  {display_chinese(other)}\n  {site_url(url)}")
        if m.shared_terms:
            lines.append(
                "  " + _("Shared terms: %(terms)s") % {"terms": ", ".join(m.shared_terms[:6])}
            )
        lines.append("")
    subject = _("InnoBridge: %(n)s new technology matches") % {"n": len(notices)}
    intro = _("New matches since the last digest:")
    outro = _("Change what we send you on your transfer page.")
    return subject, "\n".join([intro, "", *lines, outro])


def _administrators() -> list[Any]:
    from django.db.models import Q

    from innobridge.core.permissions import Role
    from innobridge.people.models import Person

    return list(
        Person.objects.filter(
            Q(is_superuser=True) | Q(groups__name=Role.ADMINISTRATOR.value), is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def membership_request_submitted(req: Any) -> int:
    """Tell every administrator that a request to act for an organisation waits."""
    from django.utils.translation import gettext_noop

    from innobridge.core.reversing import reverse
    from innobridge.people.notifications import notify

    url = reverse("transfer:membership_requests")
    admins = _administrators()
    for admin in admins:
        notify(
            admin,
            gettext_noop("%(requester)s asks to act for %(organisation)s"),
            gettext_noop(
                "%(requester)s (%(job_title)s) asks to act for %(organisation)s in technology "
                "transfer. Check who they are, then approve or decline the request."
            ),
            {
                "requester": str(req.requester),
                "job_title": req.job_title,
                "organisation": req.organisation_name,
            },
            url=url,
            source="transfer",
        )
    return len(admins)


def membership_request_decided(req: Any) -> None:
    """Tell the requester what was decided (and why, when declined)."""
    from django.utils.translation import gettext_noop

    from innobridge.core.reversing import reverse
    from innobridge.people.notifications import notify

    from .models import MembershipRequestState

    if req.state == MembershipRequestState.APPROVED:
        subject = gettext_noop("You now act for %(organisation)s")
        body = gettext_noop(
            "Your request was approved: you now act for %(organisation)s in technology "
            "transfer. %(note)s"
        )
    else:
        subject = gettext_noop("Your request to act for %(organisation)s was declined")
        body = gettext_noop(
            "Your request to act for %(organisation)s was declined, for this reason: "
            "%(note)s\n\nYou may send a new request."
        )
    notify(
        req.requester,
        subject,
        body,
        {"organisation": req.organisation_name, "note": req.decision_note},
        url=reverse("transfer:membership_request"),
        source="transfer",
    )
