"""E-mail about bookings and charges, each written in its recipient's preferred language.

The booker hears when a request is approved, rejected (with the reason) or cancelled by
the facility, and how a charge they disputed was decided; the facility's managers hear
of a new request that waits for their approval, of a booking its booker cancelled (the
time is free again) and of a disputed charge. Mail goes out through Django's
``send_mail`` (the console in the demo, SMTP when ``EMAIL_HOST`` is configured), queued
as a task (``tasks.send_booking_mail``: in process in the embedded mode, by the task
worker in production) only once the surrounding transaction commits: a change that is
rolled back sends nothing. Call these from inside the service's ``transaction.atomic``
block, after the change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.language import display_chinese, name_in_language
from innobridge.core.links import site_url
from innobridge.people.notifications import notify

from .models import Booking, BookingStatus, TrainingRequestStatus, UserCategory

HKT = ZoneInfo("Asia/Hong_Kong")
logger = logging.getLogger(__name__)

APPROVED_SUBJECT = gettext_noop("Booking approved: %(resource)s, %(when)s")
APPROVED_BODY = gettext_noop(
    "Your booking of %(resource)s (%(facility)s) on %(when)s has been approved.\n"
    "\n"
    "Status: %(status)s\n"
    "Price: %(price)s\n"
    "Free cancellation until %(window)s hours before the start.\n"
    "\n"
    "%(url)s\n"
)
REJECTED_SUBJECT = gettext_noop("Booking request rejected: %(resource)s, %(when)s")
REJECTED_BODY = gettext_noop(
    "Your booking request for %(resource)s (%(facility)s) on %(when)s has been rejected.\n"
    "\n"
    "Status: %(status)s\n"
    "Reason: %(reason)s\n"
    "\n"
    "%(url)s\n"
)
CANCELLED_SUBJECT = gettext_noop("Booking cancelled by the facility: %(resource)s, %(when)s")
CANCELLED_BODY = gettext_noop(
    "The facility has cancelled your booking of %(resource)s (%(facility)s) on %(when)s.\n"
    "No fee is charged for this cancellation.\n"
    "\n"
    "Status: %(status)s\n"
    "\n"
    "%(url)s\n"
)
REQUEST_SUBJECT = gettext_noop("New booking request: %(resource)s, %(when)s")
REQUEST_BODY = gettext_noop(
    "%(booker)s (%(organisation)s; %(category)s) asks to book %(resource)s "
    "(%(facility)s) on %(when)s.\n"
    "\n"
    "Purpose: %(purpose)s\n"
    "Price: %(price)s\n"
    "\n"
    "Approve or reject it: %(url)s\n"
)
BOOKER_CANCELLED_SUBJECT = gettext_noop("Booking cancelled by its booker: %(resource)s, %(when)s")
BOOKER_CANCELLED_BODY = gettext_noop(
    "%(booker)s (%(organisation)s) has cancelled the booking of %(resource)s "
    "(%(facility)s) on %(when)s; the time is free again.\n"
    "\n"
    "%(url)s\n"
)
DISPUTE_SUBJECT = gettext_noop("Charge disputed: %(resource)s, %(amount)s")
DISPUTE_BODY = gettext_noop(
    "%(payer)s disputes the charge “%(description)s” of %(amount)s for %(resource)s "
    "(%(facility)s).\n"
    "\n"
    "Reason: %(reason)s\n"
    "\n"
    "Resolve it: %(url)s\n"
)
DISPUTE_RESOLVED_SUBJECT = gettext_noop("Your dispute was decided: %(resource)s")
DISPUTE_RESOLVED_BODY = gettext_noop(
    "Your dispute of the charge “%(description)s” (%(original)s) for %(resource)s "
    "(%(facility)s) was decided: %(status)s.\n"
    "Amount now: %(amount)s\n"
    "\n"
    "%(resolution)s\n"
    "\n"
    "%(url)s\n"
)


def _zone(booking: Booking) -> ZoneInfo:
    try:
        return ZoneInfo(booking.resource.timezone or "Asia/Hong_Kong")
    except (ZoneInfoNotFoundError, ValueError):
        return HKT


def when(booking: Booking) -> str:
    """'2026-03-04 10:00–12:00 (Asia/Hong_Kong)': the slot in the resource's time zone."""
    zone = _zone(booking)
    start = booking.starts_at.astimezone(zone)
    end = booking.ends_at.astimezone(zone)
    end_text = end.strftime("%H:%M") if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    if end.date() == start.date() + dt.timedelta(days=1) and end.time() == dt.time(0):
        end_text = "24:00"
    return f"{start:%Y-%m-%d %H:%M}–{end_text} ({zone.key})"


def _org_name(org: Any) -> str:
    return name_in_language(str(org.name), org.name_zh or "")


def _params(booking: Booking) -> dict[str, Any]:
    """The message's parameters, in the active (recipient's) language."""
    resource = booking.resource
    org = booking.organisation
    return {
        "resource": display_chinese(resource.display_name()),
        "facility": display_chinese(resource.facility.display_name()),
        "when": when(booking),
        "status": str(booking.get_status_display()),
        "price": f"{booking.currency} {booking.price}",
        "window": booking.cancellation_window_hours,
        "reason": booking.rejection_reason,
        "purpose": booking.purpose or "—",
        "booker": display_chinese(str(booking.booker)),
        "organisation": _org_name(org) if org is not None else "—",
        "category": str(UserCategory(booking.category).label) if booking.category else "—",
    }


def _mail(recipient: Any, subject: str, body: str, params: Callable[[], dict[str, Any]]) -> bool:
    """Write the message in ``recipient``'s language now; send it on commit. False when
    the recipient has no e-mail address."""
    email = getattr(recipient, "email", "")
    if not email:
        return False
    language = getattr(recipient, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        values = params()
        subject_text = _(subject) % values
        body_text = _(body) % values
    subject_text = " ".join(subject_text.split())[:250]  # one header line
    transaction.on_commit(partial(_enqueue, subject_text, body_text, email))
    return True


def _enqueue(subject: str, body: str, email: str) -> None:
    from .tasks import send_booking_mail

    try:
        send_booking_mail.enqueue(subject, body, [email])
    except Exception:  # the change is committed; a mail that cannot be queued is dropped
        logger.exception("could not queue a booking e-mail")


def _booking_params(booking: Booking) -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        return {**_params(booking), "url": site_url(booking.get_absolute_url())}

    return make


def booking_decided(booking: Booking) -> bool:
    """Tell the booker their request was approved or rejected (with the reason)."""
    if booking.status == BookingStatus.APPROVED:
        subject, body = APPROVED_SUBJECT, APPROVED_BODY
    elif booking.status == BookingStatus.REJECTED:
        subject, body = REJECTED_SUBJECT, REJECTED_BODY
    else:
        return False
    return _mail(booking.booker, subject, body, _booking_params(booking))


def booking_cancelled_by_facility(booking: Booking) -> bool:
    """Tell the booker that a manager cancelled their booking."""
    return _mail(booking.booker, CANCELLED_SUBJECT, CANCELLED_BODY, _booking_params(booking))


def _managers(booking: Booking) -> Any:
    """The facility's active managers with an e-mail address, other than the booker."""
    return (
        booking.resource.facility.managers.filter(is_active=True)
        .exclude(pk=booking.booker_id)
        .exclude(email="")
        .order_by("pk")
    )


def request_needs_approval(booking: Booking) -> int:
    """Tell each manager of the facility (with an e-mail address, other than the
    booker) that a request waits for approval; returns how many were written."""
    if booking.status != BookingStatus.REQUESTED:
        return 0

    def make() -> dict[str, Any]:
        return {**_params(booking), "url": site_url(reverse("facilities:manage"))}

    return sum(1 for m in _managers(booking) if _mail(m, REQUEST_SUBJECT, REQUEST_BODY, make))


def booking_cancelled_by_booker(booking: Booking) -> int:
    """Tell the managers that the booker cancelled (the slot is free again)."""
    make = _booking_params(booking)
    return sum(
        1
        for m in _managers(booking)
        if _mail(m, BOOKER_CANCELLED_SUBJECT, BOOKER_CANCELLED_BODY, make)
    )


def _charge_params(dispute: Any, url: str) -> Callable[[], dict[str, Any]]:
    charge = dispute.charge

    def make() -> dict[str, Any]:
        return {
            **_params(charge.booking),
            "payer": display_chinese(str(charge.payer)),
            "description": charge.description,
            "amount": f"{charge.currency} {charge.amount}",
            "original": f"{charge.currency} {dispute.original_amount}",
            "reason": dispute.reason,
            "status": str(dispute.get_status_display()),
            "resolution": dispute.resolution,
            "url": url,
        }

    return make


def charge_disputed(dispute: Any) -> int:
    """Tell the facility's managers that a payer disputes a charge (with the reason)."""
    booking = dispute.charge.booking
    make = _charge_params(dispute, site_url(reverse("facilities:manage")))
    return sum(1 for m in _managers(booking) if _mail(m, DISPUTE_SUBJECT, DISPUTE_BODY, make))


def dispute_resolved(dispute: Any) -> bool:
    """Tell the payer how their dispute was decided (and the amount now due)."""
    make = _charge_params(dispute, site_url(reverse("facilities:my_statement")))
    return _mail(dispute.charge.payer, DISPUTE_RESOLVED_SUBJECT, DISPUTE_RESOLVED_BODY, make)


# --- Training: in-app notice + e-mail (``people.notifications.notify``) --------------

TRAINING_REQUESTED_SUBJECT = gettext_noop("Training requested: %(resource)s")
TRAINING_REQUESTED_BODY = gettext_noop(
    "%(person)s asks for training on %(resource)s (%(facility)s).\n\n%(message)s\n\n"
    "Schedule a session, approve or decline it in the training queue."
)
TRAINING_SCHEDULED_SUBJECT = gettext_noop("Training session scheduled: %(resource)s")
TRAINING_SCHEDULED_BODY = gettext_noop(
    "Your training on %(resource)s (%(facility)s) is scheduled for %(session)s."
)
TRAINING_APPROVED_SUBJECT = gettext_noop("You are certified: %(resource)s")
TRAINING_APPROVED_BODY = gettext_noop(
    "Your training on %(resource)s (%(facility)s) is approved: you may now book it. "
    "Certificate valid until: %(until)s."
)
TRAINING_DECLINED_SUBJECT = gettext_noop("Training request declined: %(resource)s")
TRAINING_DECLINED_BODY = gettext_noop(
    "Your training request for %(resource)s (%(facility)s) was declined.\n\nReason: %(reason)s"
)


def _training_params(req: Any) -> dict[str, Any]:
    """In the active (recipient's) language."""
    resource = req.resource
    session = req.session_at.astimezone(HKT).strftime("%Y-%m-%d %H:%M") if req.session_at else ""
    until = req.certificate.valid_until if req.certificate_id else None
    return {
        "resource": display_chinese(resource.display_name()),
        "facility": display_chinese(resource.facility.display_name()),
        "person": display_chinese(str(req.person)),
        "message": req.message or "—",
        "session": f"{session} (Asia/Hong_Kong)" if session else "—",
        "until": until.isoformat() if until else _("no expiry"),
        "reason": req.reason or "—",
    }


def _notice(recipient: Any, subject: str, body: str, req: Any, url: str) -> None:
    language = getattr(recipient, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        params = _training_params(req)
    notify(recipient, subject, body, params, url=url, source="facilities")


def training_requested(req: Any) -> int:
    """Tell each active manager of the facility (other than the requester)."""
    managers = (
        req.resource.facility.managers.filter(is_active=True)
        .exclude(pk=req.person_id)
        .order_by("pk")
    )
    url = reverse("facilities:training_queue")
    count = 0
    for manager in managers:
        _notice(manager, TRAINING_REQUESTED_SUBJECT, TRAINING_REQUESTED_BODY, req, url)
        count += 1
    return count


def training_answered(req: Any) -> None:
    """Tell the trainee that a session was scheduled, or the request approved/declined."""
    messages = {
        TrainingRequestStatus.SCHEDULED: (TRAINING_SCHEDULED_SUBJECT, TRAINING_SCHEDULED_BODY),
        TrainingRequestStatus.CERTIFIED: (TRAINING_APPROVED_SUBJECT, TRAINING_APPROVED_BODY),
        TrainingRequestStatus.DECLINED: (TRAINING_DECLINED_SUBJECT, TRAINING_DECLINED_BODY),
    }
    if req.status in messages:
        subject, body = messages[req.status]
        _notice(req.person, subject, body, req, req.resource.get_absolute_url())
