"""The plan API (under /api/plan/): the indicator registry, each indicator's quarterly
series and breakdowns, the measures. Typed outputs on every endpoint; the full figures
need a programme officer (401 without a signed-in user, 403 without the role); the public
aggregates (small counts suppressed) are open to everyone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status

from innobridge.core.schemas import FromModel
from innobridge.people.auth import api_auth as _auth

from . import permissions, public_view, selectors, services
from .indicators import registry
from .indicators.base import Indicator
from .models import IndicatorSnapshot, Measure

router = Router(tags=["plan"])


class TargetOut(Schema):
    value: Decimal
    kind: str
    by: dt.date | None
    source_name: str
    source_url: str


class IndicatorOut(Schema):
    key: str
    area: str
    name: str
    name_en: str
    name_zh_hant: str
    name_zh_hans: str
    unit: str
    definition: str
    method: str
    source: str
    breakdowns: list[str]
    additive_breakdowns: list[str]
    historical: bool
    method_version: int
    target: TargetOut | None


def _indicator_out(ind: Indicator) -> IndicatorOut:
    lang = get_language()
    t = ind.target
    return IndicatorOut(
        key=ind.key,
        area=ind.area,
        name=ind.name.get(lang),
        name_en=ind.name.en,
        name_zh_hant=ind.name.zh_hant,
        name_zh_hans=ind.name.zh_hans,
        unit=str(ind.unit),
        definition=ind.definition.get(lang),
        method=ind.method.get(lang),
        source=ind.source.get(lang),
        breakdowns=list(ind.breakdowns),
        additive_breakdowns=list(ind.additive),
        historical=ind.historical,
        method_version=ind.method_version,
        target=(
            TargetOut(
                value=t.value,
                kind=str(t.kind),
                by=t.by,
                source_name=t.source_name,
                source_url=t.source_url,
            )
            if t
            else None
        ),
    )


class PointOut(Schema):
    day: dt.date
    label: str
    value: Decimal | None
    is_demo: bool
    live: bool


class SeriesOut(Schema):
    key: str
    dimension: str
    breakdown_key: str
    points: list[PointOut]


class CellOut(Schema):
    key: str
    label: str
    value: Decimal | None


class BreakdownOut(Schema):
    key: str
    dimension: str
    additive: bool
    cells: list[CellOut]


class SeriesQuery(Schema):
    dimension: Annotated[str, FromModel(IndicatorSnapshot, "dimension")] = ""
    breakdown_key: Annotated[str, FromModel(IndicatorSnapshot, "key")] = ""


class PublicCellOut(Schema):
    key: str
    label: str
    value: str


class PublicIndicatorOut(Schema):
    key: str
    name: str
    unit: str
    value: str
    breakdowns: dict[str, list[PublicCellOut]]


class MeasureOut(Schema):
    id: int
    area: str
    code: str
    title: str
    title_en: str
    title_zh_hant: str
    title_zh_hans: str
    description: str
    source_name: str
    source_url: str
    responsible_sides: list[str]
    period_start: dt.date | None
    period_end: dt.date | None
    indicator_keys: list[str]


class SnapshotOut(Schema):
    day: dt.date
    rows: int


def _officer(request: HttpRequest) -> None:
    permissions.require_view_dashboard(request.user)


def _get(key: str) -> Indicator:
    return selectors.indicator_or_404(key)


@router.get("/indicators", response=list[IndicatorOut], auth=_auth)
def list_indicators(request: HttpRequest) -> list[IndicatorOut]:
    """Every indicator of the registry with its definition, method, source and target."""
    _officer(request)
    return [_indicator_out(i) for i in registry.all_indicators()]


@router.get("/indicators/{key}", response=IndicatorOut, auth=_auth)
def get_indicator(request: HttpRequest, key: str) -> IndicatorOut:
    _officer(request)
    return _indicator_out(_get(key))


@router.get("/indicators/{key}/series", response=SeriesOut, auth=_auth)
def indicator_series(request: HttpRequest, key: str, q: Query[SeriesQuery]) -> SeriesOut:
    """The quarterly series from the snapshots (the last snapshot of each quarter), then
    today's value (computed now for the total; today's snapshot for a breakdown cell)."""
    _officer(request)
    ind = _get(key)
    if q.dimension and q.dimension not in ind.breakdowns:
        from django.core.exceptions import ValidationError

        raise ValidationError({"dimension": f"{key} has no breakdown {q.dimension!r}."})
    s = selectors.quarterly_series(ind, dimension=q.dimension, key=q.breakdown_key)
    return SeriesOut(
        key=ind.key,
        dimension=q.dimension,
        breakdown_key=q.breakdown_key,
        points=[
            PointOut(day=p.day, label=p.label, value=p.value, is_demo=p.is_demo, live=p.live)
            for p in s.points
        ],
    )


@router.get("/indicators/{key}/breakdowns/{dimension}", response=BreakdownOut, auth=_auth)
def indicator_breakdown(request: HttpRequest, key: str, dimension: str) -> BreakdownOut:
    """Today's value of every cell of one breakdown, computed now; each cell's label in
    the reader's language (a city, a region, a code), as on the pages and the public API."""
    _officer(request)
    ind = _get(key)
    if dimension not in ind.breakdowns:
        from django.http import Http404

        raise Http404
    rows = selectors.breakdown_table(ind, dimension)
    return BreakdownOut(
        key=ind.key,
        dimension=dimension,
        additive=dimension in ind.additive,
        cells=[
            CellOut(
                key=r.key,
                label=selectors.cell_label(ind, dimension, r.key, r.label),
                value=r.value,
            )
            for r in rows
        ],
    )


@router.get("/measures", response=list[MeasureOut])
def list_measures(request: HttpRequest) -> list[MeasureOut]:
    """The Plan's measures with their sources and indicators (public)."""
    lang = get_language()
    return [
        MeasureOut(
            id=m.pk,
            area=m.area,
            code=m.code,
            title=m.title(lang),
            title_en=m.title_en,
            title_zh_hant=m.title_zh_hant,
            title_zh_hans=m.title_zh_hans,
            description=m.description(lang),
            source_name=m.source_name,
            source_url=m.source_url,
            responsible_sides=list(m.responsible_sides or []),
            period_start=m.period_start,
            period_end=m.period_end,
            indicator_keys=list(m.indicator_keys or []),
        )
        for m in Measure.objects.all()
    ]


@router.get("/public", response=list[PublicIndicatorOut])
def public_indicators(request: HttpRequest) -> list[PublicIndicatorOut]:
    """The public aggregates: counts below 5 shown as "<5", with complementary suppression
    so that no hidden cell can be worked out from the total and the other cells."""
    return [
        PublicIndicatorOut(
            key=p.key,
            name=p.name,
            unit=p.unit,
            value=p.value,
            breakdowns={
                dim: [PublicCellOut(key=c.key, label=c.label, value=c.shown) for c in cells]
                for dim, cells in p.breakdowns.items()
            },
        )
        for p in public_view.public_indicators()
    ]


@router.post("/snapshots", response={201: SnapshotOut}, auth=_auth)
def take_snapshot(request: HttpRequest) -> Status:
    """Store today's snapshot of every indicator now (programme officers)."""
    permissions.require_take_snapshot(request.user)
    rows = services.take_snapshot(request.user)
    return Status(201, SnapshotOut(day=services.today_hk(), rows=rows))
