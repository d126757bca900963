"""What an indicator is: its key, names in three languages, unit, definition, how it is
computed, which breakdowns it supports, its source, an optional target — and the function
that computes it, as of a moment, through the pillar apps' selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innobridge.core.figures import Row
from innobridge.core.language import city_name


@dataclass(frozen=True)
class Text:
    """A text in English, Traditional Chinese (Hong Kong forms) and Simplified Chinese."""

    en: str
    zh_hant: str
    zh_hans: str

    def get(self, language: str | None = None) -> str:
        lang = (language or get_language() or "en").lower()
        if lang.startswith("zh-hant") or lang in ("zh-hk", "zh-tw", "zh-mo"):
            return self.zh_hant
        if lang.startswith("zh"):
            return self.zh_hans
        return self.en

    def __str__(self) -> str:
        return self.get()


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    HKD = "HKD"
    CNY = "CNY"
    HOURS = "hours"
    DAYS = "days"


UNIT_LABELS: dict[str, Promise] = {
    Unit.COUNT: _("number"),
    Unit.PERCENT: _("per cent"),
    Unit.HKD: _("Hong Kong dollars"),
    Unit.CNY: _("renminbi"),
    Unit.HOURS: _("hours"),
    Unit.DAYS: _("days"),
}


class Dimension(StrEnum):
    """Breakdowns an indicator may support."""

    REGION = "region"
    INSTITUTION = "institution"
    CITY = "city"
    DISCIPLINE = "discipline"
    DIRECTION = "direction"
    KIND = "kind"
    STATUS = "status"
    QUARTER = "quarter"
    YEAR = "year"


DIMENSION_LABELS: dict[str, Promise] = {
    Dimension.REGION: _("side / region"),
    Dimension.INSTITUTION: _("institution"),
    Dimension.CITY: _("city"),
    Dimension.DISCIPLINE: _("discipline / sector"),
    Dimension.DIRECTION: _("direction"),
    Dimension.KIND: _("type"),
    Dimension.STATUS: _("status"),
    Dimension.QUARTER: _("quarter"),
    Dimension.YEAR: _("year"),
}

# Keys of a dimension that are named in the UI language whatever the indicator: a city
# (stored in English, the key of its cells) by the directory's city names.
KEY_LABELS: dict[str, Callable[[str], str]] = {Dimension.CITY: city_name}


class TargetKind(StrEnum):
    TARGET = "target"
    REFERENCE = "reference"  # a reference point, not a KPI


@dataclass(frozen=True)
class Target:
    value: Decimal
    kind: TargetKind
    by: dt.date | None
    source_name: str
    source_url: str = ""


# compute(as_of, by) -> rows: by None gives one row (the total), a dimension gives one row
# per key of that dimension.
Compute = Callable[[dt.datetime, str | None], list[Row]]


@dataclass(frozen=True)
class Indicator:
    key: str
    area: str
    name: Text
    unit: Unit
    definition: Text
    method: Text
    source: Text
    compute: Compute
    breakdowns: tuple[str, ...] = ()
    # Breakdowns whose cells partition the total (each counted thing falls in exactly one
    # cell): only these may be checked against the total (and need complementary
    # suppression on the public page).
    additive: tuple[str, ...] = ()
    # True when computing "as of" a past moment gives what the data said then (dated
    # events); False for a current state (a project's status), whose past values come
    # only from snapshots taken on those days.
    historical: bool = True
    # Counts of people or organisations are suppressed below 5 on the public page.
    public: bool = True
    target: Target | None = None
    method_version: int = 1
    # For a percentage: the key of the count indicator it is a share of (the public page
    # shows the percentage only when that count is at least 5).
    denominator: str = ""
    # Dimension → function giving the label (in the UI language) of a key, for keys that
    # are codes (a region, a direction); other labels are stored with the snapshot.
    labels: dict[str, Callable[[str], str]] = field(default_factory=dict)

    def label_for(self, dimension: str) -> Callable[[str], str] | None:
        """How a key of ``dimension`` is named in the UI language, when it is not as
        stored: the indicator's own label function, else the dimension's (a city is
        stored in English and named in the reader's language, as in the directory)."""
        return self.labels.get(dimension) or KEY_LABELS.get(dimension)

    @property
    def is_count(self) -> bool:
        return self.unit == Unit.COUNT

    def total(self, as_of: dt.datetime) -> Decimal | None:
        rows = self.compute(as_of, None)
        return rows[0].value if rows else None

    def breakdown(self, as_of: dt.datetime, by: str) -> list[Row]:
        if by not in self.breakdowns:
            raise KeyError(by)
        return self.compute(as_of, by)
