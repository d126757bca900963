"""Figures for the Action Plan dashboard (``plan``): hours used at the facilities, by
users from the other side of the boundary, and who they are. Each takes the moment
``as_of`` (bookings ending after it are left out) and an optional breakdown ``by``; it
returns rows of (key, label, value), one row with an empty key for the total. Computed in
the database (one GROUP BY), the same rule as ``utilisation``: a user is from the other
side when the region recorded with the booking differs from the facility's."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, QuerySet, Sum

from innobridge.core.figures import Dim, Row, grouped, region_label

from ..models import Booking, BookingStatus, Resource, ResourceKind

SECONDS_PER_HOUR = Decimal(3600)
CENT = Decimal("0.01")


def resource_kind_label(key: str) -> str:
    return str(dict(ResourceKind.choices).get(key, key))


BOOKING_DIMS = {
    "region": Dim("booker_region", label=region_label),
    "institution": Dim(
        "resource__facility__organisation_id", label_field="resource__facility__organisation__name"
    ),
    "city": Dim("resource__facility__city"),
    "kind": Dim("resource__kind", label=resource_kind_label),
    "quarter": Dim("starts_at", quarter=True),
}


def used_bookings(
    as_of: dt.datetime, *, cross_only: bool = False, regions: list[str] | None = None
) -> QuerySet[Booking]:
    """Bookings used (usage recorded) that ended by ``as_of``; ``cross_only``: only those
    of users from the other side; ``regions``: only those of users from these regions."""
    qs = Booking.objects.filter(status=BookingStatus.USED, ends_at__lte=as_of)
    if regions is not None:
        qs = qs.filter(booker_region__in=regions)
    if cross_only:
        qs = qs.exclude(booker_region="").exclude(booker_region=F("resource__facility__region"))
    return qs


def _hours(rows: list[Row]) -> list[Row]:
    return [
        Row(
            r.key,
            r.label,
            None
            if r.value is None
            else (r.value / SECONDS_PER_HOUR).quantize(CENT, rounding=ROUND_HALF_UP),
        )
        for r in rows
    ]


def used_hours_figure(
    as_of: dt.datetime, by: str | None = None, *, cross_only: bool = False
) -> list[Row]:
    """Hours of used bookings (their booked times, as ``utilisation`` counts them)."""
    duration: Any = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    qs = used_bookings(as_of, cross_only=cross_only)
    return _hours(grouped(qs, BOOKING_DIMS, by, value=Sum(duration)))


def used_bookings_figure(
    as_of: dt.datetime,
    by: str | None = None,
    *,
    cross_only: bool = False,
    regions: list[str] | None = None,
) -> list[Row]:
    """Number of used bookings that ended by ``as_of``."""
    qs = used_bookings(as_of, cross_only=cross_only, regions=regions)
    return grouped(qs, BOOKING_DIMS, by)


def cross_border_users_figure(as_of: dt.datetime, by: str | None = None) -> list[Row]:
    """Distinct users from the other side with a used booking that ended by ``as_of``."""
    return grouped(
        used_bookings(as_of, cross_only=True),
        BOOKING_DIMS,
        by,
        value=Count("booker", distinct=True),
    )


def bookable_resources_figure(by: str | None = None) -> list[Row]:
    """Resources bookable now (published, at a published facility): a current state."""
    qs = Resource.objects.filter(is_active=True, facility__is_active=True)
    dims = {
        "region": Dim("facility__region", label=region_label),
        "institution": Dim("facility__organisation_id", label_field="facility__organisation__name"),
        "city": Dim("facility__city"),
        "kind": Dim("kind", label=resource_kind_label),
    }
    return grouped(qs, dims, by)
