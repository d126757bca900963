"""Introductions between people: a request with a message, the recipient's answer, and
the exchange of contact details on acceptance, recorded in the disclosure register.

Rules: at most ``MAX_REQUESTS_PER_DAY`` requests a person may send in 24 hours and
``MAX_OPEN_REQUESTS`` waiting at once; one open request between the same two people (the
database holds it too); nobody asks someone who has blocked them. A decline or a block is
never explained to the requester."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.services import apply_transition, record_event, snapshot

from ..audit import PeopleAction
from ..models import (
    ContactBlock,
    ContactDisclosure,
    Introduction,
    IntroductionStatus,
    LegalBasis,
    Person,
)
from ..notifications import (
    notify_introduction_accepted,
    notify_introduction_declined,
    notify_introduction_requested,
)
from ..workflow import INTRODUCTION_FLOW

MAX_REQUESTS_PER_DAY = 10
MAX_OPEN_REQUESTS = 20
MESSAGE_MAX = 2000

# What a person's contact card holds, in order; only the fields with a value are shared.
CONTACT_FIELDS = ("name", "email", "organisation", "position", "orcid")


def person_region(person: Person) -> str:
    """The region a person works in (their researcher profile's), or "" if unknown."""
    profile = getattr(person, "researcher_profile", None)
    return profile.region if profile is not None else ""


def contact_card(person: Person) -> dict[str, str]:
    """The person's contact details as they are now, only the fields that have a value."""
    profile = getattr(person, "researcher_profile", None)
    card = {
        "name": str(person),
        "email": person.email,
        "organisation": str(profile.organisation) if profile and profile.organisation else "",
        "position": profile.position if profile else "",
        "orcid": (profile.orcid or "") if profile else "",
    }
    return {k: card[k] for k in CONTACT_FIELDS if card[k]}


def _require_signed_in(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))


def is_blocked(blocker: Any, blocked: Any) -> bool:
    return ContactBlock.objects.filter(blocker=blocker, blocked=blocked).exists()


def are_connected(a: Any, b: Any) -> bool:
    """Whether an accepted introduction joins the two (either way round)."""
    return Introduction.objects.filter(
        Q(requester=a, recipient=b) | Q(requester=b, recipient=a),
        state=IntroductionStatus.ACCEPTED,
    ).exists()


@transaction.atomic
def request_introduction(
    actor: Any,
    recipient: Person,
    *,
    message: str,
    consent: bool,
    now: dt.datetime | None = None,
) -> Introduction:
    """``actor`` asks to be introduced to ``recipient``. ``consent`` is the requester's
    consent to their own contact details going to the recipient if they accept."""
    _require_signed_in(actor)
    now = now or timezone.now()
    message = (message or "").strip()
    errors: dict[str, list[str]] = {}
    if not message:
        errors.setdefault("message", []).append(_("Write a short message: who you are and why."))
    elif len(message) > MESSAGE_MAX:
        errors.setdefault("message", []).append(_("At most %(n)d characters.") % {"n": MESSAGE_MAX})
    if not consent:
        errors.setdefault("consent", []).append(
            _("Agree that your contact details are shared with this person if they accept.")
        )
    if errors:
        raise ValidationError(errors)
    if recipient.pk == actor.pk:
        raise ValidationError(_("You cannot ask for an introduction to yourself."))
    if not recipient.is_active or is_blocked(recipient, actor):
        raise ValidationError(_("This person is not taking introduction requests from you."))
    # One request at a time per requester: the counts below cannot be raced past.
    Person.objects.select_for_update().filter(pk=actor.pk).first()
    open_between = Introduction.objects.filter(state=IntroductionStatus.PENDING)
    if open_between.filter(requester=actor, recipient=recipient).exists():
        raise ValidationError(_("You already have an open request to this person."))
    if open_between.filter(requester=recipient, recipient=actor).exists():
        raise ValidationError(
            _("This person has already asked to be introduced to you: answer their request.")
        )
    if are_connected(actor, recipient):
        raise ValidationError(_("You are already in contact with this person."))
    sent = Introduction.objects.filter(requester=actor)
    if sent.filter(created_at__gt=now - dt.timedelta(hours=24)).count() >= MAX_REQUESTS_PER_DAY:
        raise ValidationError(
            _("You may send at most %(n)d introduction requests a day. Try again tomorrow.")
            % {"n": MAX_REQUESTS_PER_DAY}
        )
    if sent.filter(state=IntroductionStatus.PENDING).count() >= MAX_OPEN_REQUESTS:
        raise ValidationError(
            _("You have %(n)d requests waiting for an answer; withdraw some first.")
            % {"n": MAX_OPEN_REQUESTS}
        )
    try:
        with transaction.atomic():
            intro = Introduction.objects.create(
                requester=actor, recipient=recipient, message=message
            )
    except IntegrityError as exc:
        raise ValidationError(_("You already have an open request to this person.")) from exc
    notify_introduction_requested(intro)
    record_event(actor, PeopleAction.INTRODUCTION_REQUESTED, intro, after=snapshot(intro))
    return intro


def _move(actor: Any, intro: Introduction, action: str, **changes: Any) -> Introduction:
    """One step of ``INTRODUCTION_FLOW`` (locked, checked, audited)."""
    return cast(Introduction, apply_transition(actor, intro, INTRODUCTION_FLOW, action, **changes))


def _disclose(intro: Introduction, subject: Person, recipient: Person, consent_at: Any) -> None:
    fields = list(contact_card(subject))
    s_region, r_region = person_region(subject), person_region(recipient)
    row = ContactDisclosure.objects.create(
        introduction=intro,
        subject=subject,
        recipient=recipient,
        subject_region=s_region,
        recipient_region=r_region,
        cross_boundary=bool(s_region and r_region and s_region != r_region),
        fields=fields,
        legal_basis=LegalBasis.CONSENT,
        consent_at=consent_at,
    )
    record_event(recipient, PeopleAction.CONTACT_DISCLOSED, row, after=snapshot(row))


@transaction.atomic
def accept_introduction(actor: Any, intro: Introduction) -> Introduction:
    """The recipient accepts: each side's contact details go to the other, and both
    disclosures enter the register (the requester consented when asking, the
    recipient by accepting)."""
    _require_signed_in(actor)
    now = timezone.now()
    locked = _move(
        actor,
        intro,
        "accept",
        audit_action=PeopleAction.INTRODUCTION_ACCEPTED,
        responded_at=now,
    )
    requester, recipient = locked.requester, locked.recipient
    _disclose(locked, recipient, requester, consent_at=now)
    _disclose(locked, requester, recipient, consent_at=locked.created_at)
    notify_introduction_accepted(locked)
    return locked


@transaction.atomic
def decline_introduction(actor: Any, intro: Introduction) -> Introduction:
    """The recipient declines; the requester is told only that it was not accepted."""
    _require_signed_in(actor)
    locked = _move(
        actor,
        intro,
        "decline",
        audit_action=PeopleAction.INTRODUCTION_DECLINED,
        responded_at=timezone.now(),
    )
    notify_introduction_declined(locked)
    return locked


@transaction.atomic
def withdraw_introduction(actor: Any, intro: Introduction) -> Introduction:
    _require_signed_in(actor)
    return _move(
        actor,
        intro,
        "withdraw",
        audit_action=PeopleAction.INTRODUCTION_WITHDRAWN,
        responded_at=timezone.now(),
    )


INTRODUCTION_ACTIONS = {
    "accept": accept_introduction,
    "decline": decline_introduction,
    "withdraw": withdraw_introduction,
}


@transaction.atomic
def block_person(actor: Any, person: Person) -> ContactBlock:
    """``actor`` takes no more requests from ``person``; their open requests to ``actor``
    are declined (the requester sees "not accepted", never "blocked")."""
    _require_signed_in(actor)
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot block yourself."))
    block, created = ContactBlock.objects.get_or_create(blocker=actor, blocked=person)
    if created:
        record_event(actor, PeopleAction.PERSON_BLOCKED, block, after=snapshot(block))
    for intro in Introduction.objects.filter(
        requester=person, recipient=actor, state=IntroductionStatus.PENDING
    ):
        decline_introduction(actor, intro)
    return block


@transaction.atomic
def unblock_person(actor: Any, person: Person) -> None:
    _require_signed_in(actor)
    block = ContactBlock.objects.filter(blocker=actor, blocked=person).first()
    if block is None:
        return
    record_event(actor, PeopleAction.PERSON_UNBLOCKED, block, before=snapshot(block))
    block.delete()
