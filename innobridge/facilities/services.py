"""Every write of the facilities app: permission check, validation, state change and
audit event, in one transaction. Errors are ``ValidationError``s with user-facing
messages; nothing is written when one is raised."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from innobridge.core.models import Region
from innobridge.core.permissions import Role, has_role
from innobridge.core.services import record_event, snapshot
from innobridge.people.models import Organisation, OrganisationType, Person

from . import availability, notifications
from .db import HOLDING_STATUSES, is_deadlock, is_overlap_error
from .models import (
    Booking,
    BookingStatus,
    CalendarFeed,
    Charge,
    ChargeKind,
    ChargeStatus,
    Dispute,
    DisputeStatus,
    Facility,
    MaintenanceBlock,
    Resource,
    Tariff,
    TariffUnit,
    TrainingCertificate,
    UsageRecord,
    UserCategory,
    UserQuota,
    new_feed_token,
)

CENT = Decimal("0.01")


class BookingConflict(ValidationError):
    """The slot is taken (by the check or by the database's overlap guard)."""


# --- Who may do what ---------------------------------------------------------


def can_manage(user: Any, facility: Facility) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.ADMINISTRATOR):
        return True
    return has_role(user, Role.FACILITY_MANAGER) and facility.managers.filter(pk=user.pk).exists()


def require_manager(user: Any, facility: Facility) -> None:
    if not can_manage(user, facility):
        raise PermissionDenied(_("Only a manager of this facility may do this."))


# --- Who is booking: user category -------------------------------------------


@dataclass(frozen=True)
class BookerInfo:
    category: str | None
    organisation: Organisation | None
    region: str
    problem: str = ""

    @property
    def category_label(self) -> str:
        return str(UserCategory(self.category).label) if self.category else ""


def _related(a: Organisation, b: Organisation) -> bool:
    if a.pk == b.pk:
        return True
    return a.parents.filter(pk=b.pk).exists() or b.parents.filter(pk=a.pk).exists()


def booker_info(person: Any, facility: Facility) -> BookerInfo:
    """The tariff category of ``person`` at ``facility``: from their researcher profile's
    organisation and region against the facility's host; enterprise users and people at
    companies are industry."""
    if not getattr(person, "is_authenticated", False):
        return BookerInfo(None, None, "", _("Log in to book."))
    profile = getattr(person, "researcher_profile", None)
    try:
        org = profile.organisation if profile is not None else None
    except Organisation.DoesNotExist:  # pragma: no cover
        org = None
    region = (profile.region if profile is not None else "") or (org.region if org else "")
    if has_role(person, Role.ENTERPRISE) and (org is None or not _academic(org)):
        return BookerInfo(UserCategory.INDUSTRY, org, region)
    if org is None:
        return BookerInfo(
            None,
            None,
            region,
            _("Add your organisation to your researcher profile so the right tariff applies."),
        )
    if org.primary_type == OrganisationType.COMPANY:
        return BookerInfo(UserCategory.INDUSTRY, org, region)
    if _related(org, facility.organisation):
        return BookerInfo(UserCategory.INTERNAL, org, region)
    region = org.region or region
    if region == Region.HONG_KONG:
        return BookerInfo(UserCategory.HK_ACADEMIC, org, region)
    if region == Region.MAINLAND:
        return BookerInfo(UserCategory.MAINLAND_ACADEMIC, org, region)
    return BookerInfo(UserCategory.OTHER_ACADEMIC, org, region)


def _academic(org: Organisation) -> bool:
    return org.primary_type != OrganisationType.COMPANY


# --- Prices ------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    category: str
    tariff: Tariff
    unit: str
    unit_price: Decimal
    quantity: Decimal
    price: Decimal
    currency: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "unit": self.unit,
            "unit_price": str(self.unit_price),
            "quantity": str(self.quantity),
            "price": str(self.price),
            "currency": self.currency,
            "cancellation_window_hours": self.tariff.cancellation_window_hours,
            "late_cancellation_fee_percent": self.tariff.late_cancellation_fee_percent,
            "no_show_fee_percent": self.tariff.no_show_fee_percent,
        }


def tariff_for(resource: Resource, category: str | None) -> Tariff | None:
    if not category:
        return None
    return Tariff.objects.filter(resource=resource, category=category).first()


def _quantity(unit: str, start: dt.datetime, end: dt.datetime, samples: int) -> Decimal:
    if unit == TariffUnit.SAMPLE:
        return Decimal(samples)
    seconds = Decimal(int((end - start).total_seconds()))
    return (seconds / Decimal(3600)).quantize(CENT, rounding=ROUND_HALF_UP)


def quote(
    person: Any, resource: Resource, start: dt.datetime, end: dt.datetime, samples: int = 0
) -> Quote:
    """The price ``person`` would pay for the slot (raises ValidationError when they may
    not book it at all)."""
    info = booker_info(person, resource.facility)
    if info.category is None:
        raise ValidationError(info.problem)
    tariff = tariff_for(resource, info.category)
    allowed = resource.allowed_categories or []
    if tariff is None or (allowed and info.category not in allowed):
        raise ValidationError(
            _("This resource is not open to your user group (%(category)s).")
            % {"category": UserCategory(info.category).label}
        )
    if tariff.unit == TariffUnit.SAMPLE and samples < 1:
        raise ValidationError({"samples": _("Give the number of samples (charged per sample).")})
    qty = _quantity(tariff.unit, start, end, samples)
    price = (tariff.price * qty).quantize(CENT, rounding=ROUND_HALF_UP)
    return Quote(info.category, tariff, tariff.unit, tariff.price, qty, price, tariff.currency)


# --- Booking -----------------------------------------------------------------


def _certificate_ok(person: Any, resource: Resource, day: dt.date) -> bool:
    cert = TrainingCertificate.objects.filter(person=person, resource=resource).first()
    return cert is not None and cert.valid_on(day)


def _month_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.localtime(moment)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


def quota_hours(person: Any, resource: Resource) -> int | None:
    """The person's monthly quota on ``resource``: their own if a manager set one, else
    the resource's default (None: unlimited)."""
    own = UserQuota.objects.filter(person=person, resource=resource).first()
    if own is not None:
        return own.monthly_hours
    return resource.monthly_quota_hours


def _quota_problem(person: Any, resource: Resource, start: dt.datetime, end: dt.datetime) -> str:
    limit = quota_hours(person, resource)
    if limit is None:
        return ""
    first, nxt = _month_bounds(start)
    taken = Decimal(0)
    for s, e in Booking.objects.filter(
        resource=resource,
        booker=person,
        status__in=HOLDING_STATUSES,
        starts_at__gte=first,
        starts_at__lt=nxt,
    ).values_list("starts_at", "ends_at"):
        taken += Decimal((e - s).total_seconds()) / 3600
    wanted = Decimal((end - start).total_seconds()) / 3600
    if taken + wanted > limit:
        return _(
            "Over your quota: %(quota)d hours a month on this resource, "
            "%(taken)s already booked this month."
        ) % {"quota": limit, "taken": f"{taken:.1f}"}
    return ""


MAX_SAMPLES = 10000


def _check_samples(samples: int) -> None:
    if not 0 <= samples <= MAX_SAMPLES:
        raise ValidationError(
            {
                "samples": _("The number of samples must be between 0 and %(max)d.")
                % {"max": MAX_SAMPLES}
            }
        )


def check_request(
    person: Any,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    samples: int = 0,
    *,
    now: dt.datetime | None = None,
) -> Quote:
    """Validate a booking request without writing anything; returns its price quote.
    Raises ValidationError with every problem found."""
    problems: list[str] = []
    if not resource.is_active or not resource.facility.is_active:
        raise ValidationError(_("This resource is not taking bookings."))
    _check_samples(samples)
    q = quote(person, resource, start, end, samples)
    slot = availability.slot_problems(resource, start, end, now=now)
    if availability.overlap_message() in slot:
        raise BookingConflict(slot)
    problems.extend(slot)
    if resource.training_required and not _certificate_ok(
        person, resource, timezone.localdate(start)
    ):
        problems.append(
            _("This resource needs a training certificate; ask the facility for training.")
        )
    quota = _quota_problem(person, resource, start, end)
    if quota:
        problems.append(quota)
    if problems:
        raise ValidationError(problems)
    return q


def _lock_resource(resource: Resource) -> None:
    """Requests for one resource queue up on its row (always after the booker's row, so
    the two locks are taken in one order): the check below then sees every earlier
    request, and concurrent INSERTs never wait on each other inside the exclusion
    constraint (where PostgreSQL can only break the tie with a deadlock error)."""
    Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk").first()


def _slot_taken(resource: Resource, start: dt.datetime, end: dt.datetime) -> bool:
    """The application's own overlap check (a courtesy: it gives the clear message
    early; the database's overlap guard is what makes double booking impossible)."""
    return Booking.objects.filter(
        resource=resource, status__in=HOLDING_STATUSES, starts_at__lt=end, ends_at__gt=start
    ).exists()


def request_booking(
    actor: Any,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    samples: int = 0,
    purpose: str = "",
    confirmed_price: Decimal | str | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book ``resource`` for [start, end). The price is frozen on the booking. If
    ``confirmed_price`` is given (the price the user saw on the confirmation step) and the
    price is no longer the same, nothing is booked. Resources without approval are
    approved at once. Never double-books: on a race the database refuses the loser and
    this raises ``BookingConflict``."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to book."))
    q = check_request(actor, resource, start, end, samples, now=now)
    try:
        seen = Decimal(str(confirmed_price)) if confirmed_price is not None else None
    except InvalidOperation:
        seen = Decimal(-1)  # unreadable: treat as a price that no longer holds
    if seen is not None and seen != q.price:
        raise ValidationError(
            _("The price has changed to %(currency)s %(price)s; please confirm again.")
            % {"currency": q.currency, "price": q.price}
        )
    info = booker_info(actor, resource.facility)
    try:
        with transaction.atomic():
            # One booker at a time (quota), one resource at a time (overlap; the database
            # constraint or SQLite's write lock make the check and insert indivisible).
            Person.objects.select_for_update().filter(pk=actor.pk).first()
            _lock_resource(resource)
            if _slot_taken(resource, start, end):
                raise BookingConflict(availability.overlap_message())
            if MaintenanceBlock.objects.filter(
                resource=resource, starts_at__lt=end, ends_at__gt=start
            ).exists():
                # Added by a manager since the checks above.
                raise ValidationError(_("The resource is under maintenance at that time."))
            quota = _quota_problem(actor, resource, start, end)
            if quota:
                raise ValidationError(quota)
            booking = Booking.objects.create(
                resource=resource,
                booker=actor,
                organisation=info.organisation,
                booker_region=info.region,
                category=q.category,
                starts_at=start,
                ends_at=end,
                samples=samples,
                purpose=purpose.strip(),
                status=(
                    BookingStatus.REQUESTED
                    if resource.approval_required
                    else BookingStatus.APPROVED
                ),
                unit=q.unit,
                unit_price=q.unit_price,
                quantity=q.quantity,
                price=q.price,
                currency=q.currency,
                cancellation_window_hours=q.tariff.cancellation_window_hours,
                late_cancellation_fee_percent=q.tariff.late_cancellation_fee_percent,
                no_show_fee_percent=q.tariff.no_show_fee_percent,
                decided_at=None if resource.approval_required else timezone.now(),
            )
            record_event(actor, "facilities.booking.request", booking, after=snapshot(booking))
            notifications.request_needs_approval(booking)  # sent on commit
    except IntegrityError as exc:
        if is_overlap_error(exc):
            raise BookingConflict(availability.overlap_message()) from exc
        raise
    except OperationalError as exc:
        if is_deadlock(exc):
            raise BookingConflict(availability.overlap_message()) from exc
        raise
    return booking


def _transition(
    actor: Any,
    booking: Booking,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
    **changes: Any,
) -> Booking:
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status not in allowed_from:
            raise ValidationError(
                _("This booking is %(status)s; it cannot be changed that way.")
                % {"status": locked.get_status_display()}
            )
        before = snapshot(locked)
        locked.status = to
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.save()
        record_event(actor, action, locked, before=before, after=snapshot(locked))
    booking.refresh_from_db()
    return booking


def approve_booking(actor: Any, booking: Booking) -> Booking:
    """Approve a request; the booker is told by e-mail once this commits."""
    require_manager(actor, booking.resource.facility)
    with transaction.atomic():
        booking = _transition(
            actor,
            booking,
            (BookingStatus.REQUESTED,),
            BookingStatus.APPROVED,
            "facilities.booking.approve",
            decided_by=actor,
            decided_at=timezone.now(),
        )
        notifications.booking_decided(booking)
    return booking


def reject_booking(actor: Any, booking: Booking, reason: str) -> Booking:
    """Reject a request with a reason; the booker is told (with the reason) by e-mail
    once this commits."""
    require_manager(actor, booking.resource.facility)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the requester a reason for the rejection.")})
    with transaction.atomic():
        booking = _transition(
            actor,
            booking,
            (BookingStatus.REQUESTED,),
            BookingStatus.REJECTED,
            "facilities.booking.reject",
            decided_by=actor,
            decided_at=timezone.now(),
            rejection_reason=reason.strip(),
        )
        notifications.booking_decided(booking)
    return booking


def _fee(booking: Booking, percent: int) -> Decimal:
    return (booking.price * Decimal(percent) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def late_cancellation_fee(booking: Booking, now: dt.datetime | None = None) -> Decimal:
    """The fee if ``booking`` were cancelled at ``now`` (0 inside the free window or for
    a request not yet approved)."""
    now = now or timezone.now()
    if booking.status != BookingStatus.APPROVED:
        return Decimal(0)
    if now <= booking.starts_at - dt.timedelta(hours=booking.cancellation_window_hours):
        return Decimal(0)
    return _fee(booking, booking.late_cancellation_fee_percent)


def _charge(
    booking: Booking, kind: str, quantity: Decimal, amount: Decimal, message: str
) -> Charge:
    """``message`` is untranslated (gettext_noop) with %(resource)s: the description is
    written in the payer's language, whoever records the charge."""
    with translation.override(booking.booker.preferred_language or settings.LANGUAGE_CODE):
        text = _(message) % {"resource": booking.resource.name}
    return Charge.objects.create(
        booking=booking,
        payer=booking.booker,
        organisation=booking.organisation,
        kind=kind,
        incurred_on=timezone.localdate(booking.starts_at),
        description=text[:300],
        quantity=quantity,
        unit=booking.unit,
        unit_price=booking.unit_price,
        amount=amount,
        currency=booking.currency,
    )


def cancel_booking(actor: Any, booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    """The booker (or a manager) cancels before the start. Inside the cancellation
    window an approved booking costs the tariff's late-cancellation fee. When a manager
    cancels someone else's booking there is no fee and the booker is told by e-mail."""
    now = now or timezone.now()
    is_manager = can_manage(actor, booking.resource.facility)
    if not is_manager and getattr(actor, "pk", None) != booking.booker_id:
        raise PermissionDenied(_("Only the booker or a facility manager may cancel."))
    if booking.starts_at <= now:
        raise ValidationError(_("This booking has already started; it can no longer be cancelled."))
    fee = (
        Decimal(0)
        if is_manager and actor.pk != booking.booker_id
        else late_cancellation_fee(booking, now)
    )
    with transaction.atomic():
        booking = _transition(
            actor,
            booking,
            (BookingStatus.REQUESTED, BookingStatus.APPROVED),
            BookingStatus.CANCELLED,
            "facilities.booking.cancel",
            cancelled_at=now,
        )
        if actor.pk != booking.booker_id:
            notifications.booking_cancelled_by_facility(booking)  # sent on commit
        else:
            notifications.booking_cancelled_by_booker(booking)  # sent on commit
        if fee > 0:
            charge = _charge(
                booking,
                ChargeKind.LATE_CANCELLATION,
                Decimal(1),
                fee,
                gettext_noop("Late cancellation: %(resource)s"),
            )
            record_event(actor, "facilities.charge.create", charge, after=snapshot(charge))
    return booking


def record_usage(
    actor: Any,
    booking: Booking,
    *,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    samples: int = 0,
    notes: str = "",
    now: dt.datetime | None = None,
) -> Charge:
    """A manager records what was actually used; the booking becomes used and a charge
    at the frozen unit price is created (hours on the resource's time grid, rounded up,
    or samples)."""
    require_manager(actor, booking.resource.facility)
    now = now or timezone.now()
    if ended_at <= started_at:
        raise ValidationError({"ended_at": _("The end must be after the start.")})
    if started_at > now:
        raise ValidationError({"started_at": _("Usage cannot be recorded for the future.")})
    _check_samples(samples)
    if booking.unit == TariffUnit.SAMPLE and samples < 1:
        raise ValidationError({"samples": _("Give the number of samples measured.")})
    if booking.unit == TariffUnit.HOUR:
        step = booking.resource.granularity_minutes
        minutes = (ended_at - started_at).total_seconds() / 60
        billed_minutes = -(-int(minutes) // step) * step
        qty = (Decimal(billed_minutes) / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        qty = Decimal(samples)
    amount = (booking.unit_price * qty).quantize(CENT, rounding=ROUND_HALF_UP)
    with transaction.atomic():
        booking = _transition(
            actor,
            booking,
            (BookingStatus.APPROVED,),
            BookingStatus.USED,
            "facilities.booking.use",
        )
        usage = UsageRecord.objects.create(
            booking=booking,
            started_at=started_at,
            ended_at=ended_at,
            samples=samples,
            notes=notes.strip(),
            recorded_by=actor,
        )
        record_event(actor, "facilities.usage.record", usage, after=snapshot(usage))
        charge = _charge(
            booking,
            ChargeKind.USAGE,
            qty,
            amount,
            gettext_noop("Use of %(resource)s"),
        )
        record_event(actor, "facilities.charge.create", charge, after=snapshot(charge))
    return charge


def mark_no_show(actor: Any, booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    require_manager(actor, booking.resource.facility)
    now = now or timezone.now()
    if booking.starts_at > now:
        raise ValidationError(_("A booking can be marked as a no-show only after it starts."))
    fee = _fee(booking, booking.no_show_fee_percent)
    with transaction.atomic():
        booking = _transition(
            actor,
            booking,
            (BookingStatus.APPROVED,),
            BookingStatus.NO_SHOW,
            "facilities.booking.no_show",
        )
        if fee > 0:
            charge = _charge(
                booking,
                ChargeKind.NO_SHOW,
                Decimal(1),
                fee,
                gettext_noop("No-show: %(resource)s"),
            )
            record_event(actor, "facilities.charge.create", charge, after=snapshot(charge))
    return booking


# --- Disputes ----------------------------------------------------------------


def raise_dispute(actor: Any, charge: Charge, reason: str) -> Dispute:
    if getattr(actor, "pk", None) != charge.payer_id:
        raise PermissionDenied(_("Only the payer may dispute a charge."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is wrong with the charge.")})
    with transaction.atomic():
        locked = Charge.objects.select_for_update().get(pk=charge.pk)
        if locked.status != ChargeStatus.OPEN:
            raise ValidationError(_("This charge has already been disputed."))
        before = snapshot(locked)
        locked.status = ChargeStatus.DISPUTED
        locked.save()
        dispute = Dispute.objects.create(
            charge=locked, raised_by=actor, reason=reason.strip(), original_amount=locked.amount
        )
        record_event(
            actor, "facilities.charge.dispute", locked, before=before, after=snapshot(locked)
        )
        notifications.charge_disputed(dispute)  # sent on commit
    charge.refresh_from_db()
    return dispute


def resolve_dispute(
    actor: Any,
    dispute: Dispute,
    *,
    upheld: bool,
    resolution: str,
    new_amount: Decimal | str | None = None,
) -> Dispute:
    """A manager decides: upheld (the charge is set to ``new_amount``, between 0 and the
    original) or dismissed (the charge stands)."""
    charge = dispute.charge
    require_manager(actor, charge.booking.resource.facility)
    if not resolution.strip():
        raise ValidationError({"resolution": _("Explain the decision to the payer.")})
    amount: Decimal | None = None
    if upheld:
        try:
            amount = Decimal(str(new_amount)).quantize(CENT)
        except Exception as exc:
            raise ValidationError({"new_amount": _("Give the corrected amount.")}) from exc
        if not (Decimal(0) <= amount <= dispute.original_amount):
            raise ValidationError(
                {"new_amount": _("The corrected amount must be between 0 and the original.")}
            )
    with transaction.atomic():
        locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.status != DisputeStatus.OPEN:
            raise ValidationError(_("This dispute has already been resolved."))
        before = snapshot(locked)
        locked.status = DisputeStatus.UPHELD if upheld else DisputeStatus.DISMISSED
        locked.resolution = resolution.strip()
        locked.resolved_by = actor
        locked.resolved_at = timezone.now()
        locked.save()
        c = Charge.objects.select_for_update().get(pk=charge.pk)
        c_before = snapshot(c)
        if upheld and amount is not None:
            c.amount = amount
            c.status = ChargeStatus.ADJUSTED
        else:
            c.status = ChargeStatus.CONFIRMED
        c.save()
        record_event(
            actor, "facilities.dispute.resolve", locked, before=before, after=snapshot(locked)
        )
        record_event(actor, "facilities.charge.adjust", c, before=c_before, after=snapshot(c))
        notifications.dispute_resolved(locked)  # sent on commit
    dispute.refresh_from_db()
    return dispute


# --- Certificates and maintenance --------------------------------------------


def grant_certificate(
    actor: Any, person: Any, resource: Resource, *, valid_until: dt.date | None = None
) -> TrainingCertificate:
    require_manager(actor, resource.facility)
    with transaction.atomic():
        cert, _created = TrainingCertificate.objects.update_or_create(
            person=person,
            resource=resource,
            defaults={
                "issued_by": actor,
                "issued_on": timezone.localdate(),
                "valid_until": valid_until,
            },
        )
        record_event(actor, "facilities.certificate.grant", cert, after=snapshot(cert))
    return cert


def add_maintenance(
    actor: Any, resource: Resource, start: dt.datetime, end: dt.datetime, reason: str = ""
) -> MaintenanceBlock:
    require_manager(actor, resource.facility)
    if end <= start:
        raise ValidationError(_("The end must be after the start."))
    with transaction.atomic():
        _lock_resource(resource)  # a booking request in flight finishes first, or sees this
        clash = Booking.objects.filter(
            resource=resource,
            status__in=(BookingStatus.REQUESTED, BookingStatus.APPROVED),
            starts_at__lt=end,
            ends_at__gt=start,
        ).count()
        if clash:
            raise ValidationError(
                _("%(n)d booking(s) fall in that time; cancel or reject them first.") % {"n": clash}
            )
        block = MaintenanceBlock.objects.create(
            resource=resource, starts_at=start, ends_at=end, reason=reason.strip()
        )
        record_event(actor, "facilities.maintenance.add", block, after=snapshot(block))
    return block


# --- Publishing: facilities, resources, tariffs, quotas -----------------------

FACILITY_FIELDS = (
    "name",
    "name_zh",
    "organisation",
    "city",
    "region",
    "location",
    "contact_email",
    "contact_phone",
    "website",
    "description",
    "description_zh",
    "is_active",
)
RESOURCE_FIELDS = (
    "kind",
    "name",
    "name_zh",
    "manufacturer",
    "specifications",
    "techniques",
    "description",
    "description_zh",
    "photo",
    "training_required",
    "approval_required",
    "allowed_categories",
    "granularity_minutes",
    "min_duration_minutes",
    "max_duration_minutes",
    "lead_time_hours",
    "max_advance_days",
    "opening_hours",
    "holiday_calendar",
    "monthly_quota_hours",
    "is_active",
)
TARIFF_FIELDS = (
    "unit",
    "price",
    "currency",
    "cancellation_window_hours",
    "late_cancellation_fee_percent",
    "no_show_fee_percent",
)


def can_publish(user: Any) -> bool:
    """Whether ``user`` may create a facility (facility managers and administrators)."""
    return has_role(user, Role.FACILITY_MANAGER) or has_role(user, Role.ADMINISTRATOR)


def _check_managers(managers: Any) -> list[Any]:
    people = list(managers)
    wrong = [p for p in people if not has_role(p, Role.FACILITY_MANAGER)]
    if wrong:
        raise ValidationError(
            {
                "managers": _("%(names)s do(es) not hold the facility manager role.")
                % {"names": ", ".join(str(p) for p in wrong)}
            }
        )
    return people


def _full_clean(obj: Any, exclude: tuple[str, ...] = ()) -> None:
    obj.full_clean(exclude=list(exclude), validate_unique=True)


def create_facility(actor: Any, *, managers: Any = (), **fields: Any) -> Facility:
    """A new facility; the creating facility manager becomes one of its managers."""
    if not can_publish(actor):
        raise PermissionDenied(_("Only facility managers and administrators publish facilities."))
    unknown = set(fields) - set(FACILITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown facility fields: {sorted(unknown)}")
    people = _check_managers(managers)
    if has_role(actor, Role.FACILITY_MANAGER) and actor not in people:
        people.append(actor)
    facility = Facility(**fields)
    if not facility.region and facility.organisation_id:
        facility.region = facility.organisation.region or ""
    _full_clean(facility)
    with transaction.atomic():
        facility.save()
        facility.managers.set(people)
        record_event(
            actor,
            "facilities.facility.create",
            facility,
            after={**snapshot(facility), "managers": sorted(p.pk for p in people)},
        )
    return facility


def update_facility(
    actor: Any, facility: Facility, *, managers: Any = None, **fields: Any
) -> Facility:
    require_manager(actor, facility)
    unknown = set(fields) - set(FACILITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown facility fields: {sorted(unknown)}")
    people = _check_managers(managers) if managers is not None else None
    if people is not None and not people:
        raise ValidationError({"managers": _("A facility needs at least one manager.")})
    with transaction.atomic():
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        before = {
            **snapshot(locked),
            "managers": sorted(locked.managers.values_list("pk", flat=True)),
        }
        for key, value in fields.items():
            setattr(locked, key, value)
        _full_clean(locked)
        locked.save()
        if people is not None:
            locked.managers.set(people)
        after = {
            **snapshot(locked),
            "managers": sorted(locked.managers.values_list("pk", flat=True)),
        }
        record_event(actor, "facilities.facility.update", locked, before=before, after=after)
        # Resources carry the facility's names in their search text.
        for r in locked.resources.all():
            r.save(update_fields=["search_text"])
    facility.refresh_from_db()
    return facility


def _validate_resource(resource: Resource) -> None:
    errors: dict[str, list[str]] = {}
    problems = availability.validate_opening_hours(resource.opening_hours)
    if problems:
        errors["opening_hours"] = problems
    bad = [c for c in resource.allowed_categories or [] if c not in UserCategory.values]
    if bad:
        errors["allowed_categories"] = [_("Unknown user group: %(v)s") % {"v": ", ".join(bad)}]
    if resource.granularity_minutes and resource.granularity_minutes < 5:
        errors.setdefault("granularity_minutes", []).append(
            _("The time step must be at least 5 minutes.")
        )
    if resource.min_duration_minutes > resource.max_duration_minutes:
        errors.setdefault("max_duration_minutes", []).append(
            _("The longest booking must not be shorter than the shortest.")
        )
    step = resource.granularity_minutes or 1
    if resource.min_duration_minutes % step or resource.max_duration_minutes % step:
        errors.setdefault("min_duration_minutes", []).append(
            _("The shortest and longest bookings must be whole multiples of the time step.")
        )
    if not isinstance(resource.specifications, dict):
        errors["specifications"] = [_("Specifications must map names to values.")]
    if not isinstance(resource.techniques, list):
        errors["techniques"] = [_("Techniques must be a list.")]
    try:
        resource.full_clean(exclude=["search_text", "facility"])
    except ValidationError as exc:
        for key, msgs in exc.message_dict.items():
            errors.setdefault(key, []).extend(msgs)
    if errors:
        raise ValidationError(errors)


def save_resource(
    actor: Any, facility: Facility, resource: Resource | None = None, **fields: Any
) -> Resource:
    """Create (``resource`` None) or change a resource of ``facility``. A new photo is
    stored only when everything else is valid."""
    require_manager(actor, facility)
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValueError(f"unknown resource fields: {sorted(unknown)}")
    if resource is not None and resource.facility_id != facility.pk:
        raise PermissionDenied(_("This resource belongs to another facility."))
    with transaction.atomic():
        if resource is None:
            obj = Resource(facility=facility)
            before: dict[str, Any] | None = None
        else:
            obj = Resource.objects.select_for_update().get(pk=resource.pk)
            before = snapshot(obj)
        for key, value in fields.items():
            if key == "photo" and value is None:
                continue
            setattr(obj, key, value)
        _validate_resource(obj)
        obj.save()
        record_event(
            actor,
            "facilities.resource.create" if before is None else "facilities.resource.update",
            obj,
            before=before,
            after=snapshot(obj),
        )
    return obj


def set_tariff(actor: Any, resource: Resource, category: str, **fields: Any) -> Tariff:
    """Create or replace the tariff of one user category (bookings keep the price
    frozen when they were requested)."""
    require_manager(actor, resource.facility)
    if category not in UserCategory.values:
        raise ValidationError({"category": _("Choose a user category.")})
    unknown = set(fields) - set(TARIFF_FIELDS)
    if unknown:
        raise ValueError(f"unknown tariff fields: {sorted(unknown)}")
    with transaction.atomic():
        existing = (
            Tariff.objects.select_for_update().filter(resource=resource, category=category).first()
        )
        before = snapshot(existing) if existing else None
        tariff = existing or Tariff(resource=resource, category=category)
        for key, value in fields.items():
            setattr(tariff, key, value)
        errors: dict[str, list[str]] = {}
        for key in ("late_cancellation_fee_percent", "no_show_fee_percent"):
            value = getattr(tariff, key)
            if value is not None and value > 100:
                errors[key] = [_("A percentage cannot exceed 100.")]
        try:
            tariff.full_clean(exclude=["resource"], validate_unique=False)
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                errors.setdefault(key, []).extend(msgs)
        if tariff.price is not None and tariff.price < 0:
            errors.setdefault("price", []).append(_("A price cannot be negative."))
        if errors:
            raise ValidationError(errors)
        tariff.save()
        record_event(
            actor,
            "facilities.tariff.update" if before else "facilities.tariff.create",
            tariff,
            before=before,
            after=snapshot(tariff),
        )
    return tariff


def remove_tariff(actor: Any, tariff: Tariff) -> None:
    """That user category can no longer book the resource (existing bookings stand)."""
    require_manager(actor, tariff.resource.facility)
    with transaction.atomic():
        before = snapshot(tariff)
        record_event(actor, "facilities.tariff.delete", tariff, before=before)
        tariff.delete()


def remove_maintenance(actor: Any, block: MaintenanceBlock) -> None:
    require_manager(actor, block.resource.facility)
    with transaction.atomic():
        record_event(actor, "facilities.maintenance.remove", block, before=snapshot(block))
        block.delete()


def revoke_certificate(actor: Any, cert: TrainingCertificate) -> None:
    require_manager(actor, cert.resource.facility)
    with transaction.atomic():
        record_event(actor, "facilities.certificate.revoke", cert, before=snapshot(cert))
        cert.delete()


def set_user_quota(
    actor: Any, person: Any, resource: Resource, monthly_hours: int | None
) -> UserQuota | None:
    """Give ``person`` their own monthly quota on ``resource`` (None: back to the
    resource's default). Bookings already made stand."""
    require_manager(actor, resource.facility)
    if monthly_hours is not None and monthly_hours < 0:
        raise ValidationError({"monthly_hours": _("A quota cannot be negative.")})
    with transaction.atomic():
        existing = (
            UserQuota.objects.select_for_update().filter(person=person, resource=resource).first()
        )
        before = snapshot(existing) if existing else None
        if monthly_hours is None:
            if existing is not None:
                record_event(actor, "facilities.quota.remove", existing, before=before)
                existing.delete()
            return None
        quota = existing or UserQuota(person=person, resource=resource, monthly_hours=0)
        quota.monthly_hours = monthly_hours
        quota.set_by = actor
        quota.save()
        record_event(actor, "facilities.quota.set", quota, before=before, after=snapshot(quota))
    return quota


# --- Calendar subscriptions ---------------------------------------------------
# The audit trail names the feed and its owner, never the token (the token is the key).


def _require_account(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to manage your calendar subscription."))


def enable_calendar_feed(actor: Any) -> CalendarFeed:
    """``actor``'s private calendar subscription (made now if they have none)."""
    _require_account(actor)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=actor.pk).first()
        feed = CalendarFeed.objects.filter(person=actor).first()
        if feed is None:
            feed = CalendarFeed.objects.create(person=actor)
            record_event(actor, "facilities.calendar_feed.enable", feed, after={"person": actor.pk})
    return feed


def regenerate_calendar_feed(actor: Any) -> CalendarFeed:
    """A new secret address for ``actor``'s subscription; the old one stops working."""
    _require_account(actor)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=actor.pk).first()
        feed = CalendarFeed.objects.filter(person=actor).first()
        if feed is None:
            feed = CalendarFeed(person=actor)
        else:
            feed.token = new_feed_token()
            feed.created_at = timezone.now()
            feed.last_used_at = None
        feed.save()
        record_event(actor, "facilities.calendar_feed.regenerate", feed, after={"person": actor.pk})
    return feed


def revoke_calendar_feed(actor: Any) -> bool:
    """Turn ``actor``'s subscription off (its address stops working); False if there
    was none."""
    _require_account(actor)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(person=actor).first()
        if feed is None:
            return False
        record_event(actor, "facilities.calendar_feed.revoke", feed, before={"person": actor.pk})
        feed.delete()
    return True


FEED_TOUCH_EVERY = dt.timedelta(hours=1)


def note_feed_read(feed: CalendarFeed, *, now: dt.datetime | None = None) -> None:
    """Remember when a calendar app last read the feed (at most once an hour: calendar
    apps poll often). Not an audited change."""
    now = now or timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at >= FEED_TOUCH_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now


def total_hours(bookings: Any) -> Decimal:
    total = Decimal(0)
    for s, e in bookings.values_list("starts_at", "ends_at"):
        total += Decimal((e - s).total_seconds()) / 3600
    return total


__all__ = [
    "BookingConflict",
    "Quote",
    "UsageEntry",
    "add_maintenance",
    "approve_booking",
    "booker_info",
    "can_manage",
    "can_publish",
    "cancel_booking",
    "check_request",
    "create_facility",
    "enable_calendar_feed",
    "grant_certificate",
    "late_cancellation_fee",
    "mark_no_show",
    "quota_hours",
    "quote",
    "raise_dispute",
    "record_usage",
    "record_usage_bulk",
    "regenerate_calendar_feed",
    "reject_booking",
    "remove_maintenance",
    "remove_tariff",
    "request_booking",
    "resolve_dispute",
    "revoke_calendar_feed",
    "revoke_certificate",
    "save_resource",
    "set_tariff",
    "set_user_quota",
    "update_facility",
]


@dataclass(frozen=True)
class UsageEntry:
    booking: Booking
    started_at: dt.datetime
    ended_at: dt.datetime
    samples: int = 0
    notes: str = ""


def record_usage_bulk(
    actor: Any, entries: list[UsageEntry], *, now: dt.datetime | None = None
) -> list[Charge]:
    """Record several bookings' usage at once, all or nothing: when any entry is refused
    nothing is recorded, and the error names each refused booking (keyed by its id)."""
    if not entries:
        raise ValidationError(_("Tick at least one booking to record."))
    for entry in entries:
        require_manager(actor, entry.booking.resource.facility)
    errors: dict[str, list[str]] = {}
    charges: list[Charge] = []
    with transaction.atomic():
        for entry in entries:
            try:
                charges.append(
                    record_usage(
                        actor,
                        entry.booking,
                        started_at=entry.started_at,
                        ended_at=entry.ended_at,
                        samples=entry.samples,
                        notes=entry.notes,
                        now=now,
                    )
                )
            except ValidationError as exc:
                errors[str(entry.booking.pk)] = exc.messages
        if errors:
            raise ValidationError(errors)
    return charges
