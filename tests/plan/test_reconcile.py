"""Every indicator reconciles exactly with what its pillar's own selectors and pages give
for the same filter, on the pillars' demo data — now, and as of a past day for the
indicators computed from dated events. Additive breakdowns add up to the total."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.utils import timezone

from innobridge.core.models import Region
from innobridge.exchange import selectors as exchange_selectors
from innobridge.exchange.models import Application, Programme, Stay, StayState
from innobridge.facilities import selectors as facilities_selectors
from innobridge.facilities.models import Booking, BookingStatus, Facility
from innobridge.funding import selectors as funding_selectors
from innobridge.funding.models import InvitationStatus, ProjectStatus, ProposalState, TeamMember
from innobridge.people.models import Person, Publication, ResearcherProfile
from innobridge.plan.indicators import registry
from innobridge.plan.services.snapshots import end_of_day
from innobridge.transfer import selectors as transfer_selectors
from innobridge.transfer.models import Deal, Demand, Offer

from .conftest import needs_data

pytestmark = [pytest.mark.django_db, needs_data]

D0 = Decimal(0)
OUTSIDE = {Region.MACAO, Region.INTERNATIONAL}


def pct(num: Decimal | int, den: Decimal | int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def superuser() -> Any:
    return Person.objects.filter(is_superuser=True).first()


# ---------------------------------------------------------------- the pillars' answers
def proposals(as_of: dt.datetime) -> list[Any]:
    """The proposals an officer of every funder sees (funding's own selector)."""
    return list(funding_selectors.visible_proposals(superuser()))


def submitted(as_of: dt.datetime) -> int:
    return sum(1 for p in proposals(as_of) if p.submitted_at and p.submitted_at <= as_of)


def decided(as_of: dt.datetime, states: set[str]) -> int:
    return sum(
        1 for p in proposals(as_of) if p.state in states and p.decided_at and p.decided_at <= as_of
    )


def committed(as_of: dt.datetime, currency: str) -> Decimal:
    """The amounts the public list of funded projects shows (funding.public_projects)."""
    total = D0
    for project in funding_selectors.public_projects():
        for a in project["amounts"]:
            if a["currency"] == currency:
                total += a["amount"]
    return total


def projects(status: str) -> int:
    return funding_selectors.visible_projects(superuser()).filter(status=status).count()


def institutions(as_of: dt.datetime, regions: set[str] | None = None) -> int:
    orgs = set()
    for p in proposals(as_of):
        if not (p.submitted_at and p.submitted_at <= as_of):
            continue
        for m in TeamMember.objects.filter(proposal=p, status=InvitationStatus.ACCEPTED):
            if regions is None or m.organisation.region in regions:
                orgs.add(m.organisation_id)
    return len(orgs)


def utilisation(as_of: dt.datetime) -> tuple[float, float]:
    """Used hours and used hours by the other side, from facilities' utilisation report."""
    first = Booking.objects.order_by("starts_at").values_list("starts_at", flat=True).first()
    assert first is not None
    rows = facilities_selectors.utilisation(Facility.objects.all(), first, as_of)
    return sum(r.used_hours for r in rows), sum(r.cross_border_used_hours for r in rows)


def used_bookings(as_of: dt.datetime) -> list[Booking]:
    return [
        b
        for b in Booking.objects.select_related("resource__facility")
        if b.status == BookingStatus.USED and b.ends_at <= as_of
    ]


def other_side(b: Booking) -> bool:
    return bool(b.booker_region) and b.booker_region != b.resource.facility.region


def funnel(as_of: dt.datetime) -> dict[str, int]:
    """The TTO funnel over every offer (transfer's own selector)."""
    return transfer_selectors.funnel(Offer.objects.all()).counts


def median_days(as_of: dt.datetime) -> Decimal | None:
    days = [
        (d.signed_at - d.created_at).total_seconds() / 86400
        for d in Deal.objects.filter(signed_at__isnull=False)
        if d.signed_at <= as_of
    ]
    return Decimal(str(round(statistics.median(days), 1))) if days else None


def fellows() -> int:
    return sum(g["count"] for g in exchange_selectors.public_fellows())


def stays(*states: str) -> int:
    return sum(1 for s in Stay.objects.all() if s.state in states)


def hours(v: float) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))


# key → (expected value as of a moment, whether it holds for a past moment too)
EXPECTED: dict[str, tuple[Callable[[dt.datetime], Any], bool]] = {
    "proposals_submitted": (submitted, True),
    "proposals_awarded": (lambda t: decided(t, {ProposalState.AWARDED}), True),
    "proposals_decided": (
        lambda t: decided(t, {ProposalState.AWARDED, ProposalState.DECLINED}),
        True,
    ),
    "success_rate": (
        lambda t: pct(
            decided(t, {ProposalState.AWARDED}),
            decided(t, {ProposalState.AWARDED, ProposalState.DECLINED}),
        ),
        True,
    ),
    "funding_committed_hkd": (lambda t: committed(t, "HKD"), False),
    "funding_committed_cny": (lambda t: committed(t, "CNY"), False),
    "funding_committed_total_hkd": (
        lambda t: (
            committed(t, "HKD") + (committed(t, "CNY") * Decimal("1.08")).quantize(Decimal("0.01"))
        ),
        False,
    ),
    "projects_on_track": (lambda t: projects(ProjectStatus.ON_TRACK), False),
    "projects_late": (lambda t: projects(ProjectStatus.LATE), False),
    "projects_completed": (lambda t: projects(ProjectStatus.COMPLETED), False),
    "joint_institutions": (institutions, True),
    "cross_boundary_publications": (
        lambda t: sum(
            1
            for p in Publication.objects.filter(year__lte=t.year)
            if {Region.HONG_KONG, Region.MAINLAND}
            <= set(p.researchers.values_list("region", flat=True))
        ),
        False,
    ),
    "facility_hours_used": (lambda t: hours(utilisation(t)[0]), False),
    "facility_hours_other_side": (lambda t: hours(utilisation(t)[1]), False),
    "facility_other_side_share": (
        lambda t: pct(Decimal(str(utilisation(t)[1])), Decimal(str(utilisation(t)[0]))),
        False,
    ),
    "facility_bookings_used": (lambda t: len(used_bookings(t)), True),
    "facility_bookings_other_side": (
        lambda t: sum(1 for b in used_bookings(t) if other_side(b)),
        True,
    ),
    "facility_users_other_side": (
        lambda t: len({b.booker_id for b in used_bookings(t) if other_side(b)}),
        True,
    ),
    "facility_resources_bookable": (
        lambda t: facilities_selectors.catalogue().count(),
        False,
    ),
    "offers_listed": (lambda t: funnel(t)["listed"], False),
    "demands_posted": (
        lambda t: sum(1 for d in Demand.objects.all() if d.published_at and d.published_at <= t),
        True,
    ),
    "deals_interest": (lambda t: funnel(t)["interest"], False),
    "deals_nda": (lambda t: funnel(t)["nda"], False),
    "deals_signed": (lambda t: funnel(t)["signed"], False),
    "deal_conversion": (lambda t: pct(funnel(t)["signed"], funnel(t)["interest"]), False),
    "median_days_to_deal": (median_days, True),
    "exchange_applications": (
        lambda t: sum(
            1 for a in Application.objects.all() if a.submitted_at and a.submitted_at <= t
        ),
        True,
    ),
    "exchange_fellows_placed": (lambda t: fellows(), False),
    "exchange_fellows_on_site": (lambda t: stays(StayState.ON_SITE), False),
    "exchange_stays_completed": (lambda t: stays(StayState.COMPLETED), False),
    "exchange_completion_rate": (
        lambda t: pct(stays(StayState.COMPLETED), stays(StayState.COMPLETED, StayState.CANCELLED)),
        False,
    ),
    "exchange_places_offered": (
        lambda t: sum(p.places for p in Programme.objects.all() if p.created_at <= t),
        True,
    ),
    "exchange_fill_rate": (
        lambda t: pct(fellows(), sum(p.places for p in exchange_selectors.programmes())),
        False,
    ),
    "international_partners": (lambda t: institutions(t, OUTSIDE), True),
    "international_facility_bookings": (
        lambda t: sum(1 for b in used_bookings(t) if b.booker_region in OUTSIDE),
        True,
    ),
    "researchers_with_orcid": (
        lambda t: ResearcherProfile.objects.filter(orcid__isnull=False).exclude(orcid="").count(),
        False,
    ),
}


def same(value: Any, expected: Any) -> bool:
    if value is None or expected is None:
        return value is None and expected is None
    return Decimal(str(value)) == Decimal(str(expected))


def test_every_indicator_has_a_reconciliation() -> None:
    assert set(EXPECTED) == set(registry.all_keys())
    assert len(EXPECTED) >= 25


def test_indicators_reconcile_on_the_demo_data(demo_world: dict[str, Any]) -> None:
    """One demo world (seeding it takes a while), three checks."""
    reconciles_now()
    reconciles_as_of_a_past_day()
    additive_breakdowns_add_up()


def reconciles_now() -> None:
    now = end_of_day(timezone.localdate())
    mismatches = {}
    for key, (expected, _past) in EXPECTED.items():
        value = registry.get(key).total(now)
        want = expected(now)
        if not same(value, want):
            mismatches[key] = (value, want)
    assert not mismatches, mismatches
    # the demo data is there: the main figures are not zero
    for key in (
        "proposals_submitted",
        "proposals_awarded",
        "funding_committed_hkd",
        "funding_committed_cny",
        "facility_hours_used",
        "facility_hours_other_side",
        "offers_listed",
        "deals_signed",
        "exchange_fellows_placed",
    ):
        assert registry.get(key).total(now), key


def reconciles_as_of_a_past_day() -> None:
    """What the data said 100 days ago (the funding demo's first call was open then)."""
    past = end_of_day(timezone.localdate() - dt.timedelta(days=100))
    mismatches = {}
    for key, (expected, holds_in_past) in EXPECTED.items():
        ind = registry.get(key)
        if not holds_in_past:
            continue
        assert ind.historical, key
        value, want = ind.total(past), expected(past)
        if not same(value, want):
            mismatches[key] = (value, want)
    assert not mismatches, mismatches
    assert registry.get("proposals_submitted").total(past)  # something to see then


def additive_breakdowns_add_up() -> None:
    now = end_of_day(timezone.localdate())
    wrong = {}
    for ind in registry.all_indicators():
        total = ind.total(now) or D0
        for dim in ind.additive:
            cells = sum((r.value or D0 for r in ind.breakdown(now, dim)), D0)
            if cells != total:
                wrong[(ind.key, dim)] = (cells, total)
        for dim in set(ind.breakdowns) - set(ind.additive):
            ind.breakdown(now, dim)  # every supported breakdown computes
    assert not wrong, wrong
