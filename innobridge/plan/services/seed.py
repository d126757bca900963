"""Loading the Plan's published material: the seeded measures (``data/measures.toml``,
each citing its source) and the context figures the platform cannot compute
(``data/context/series.csv`` + ``values.csv``, each with its source and licence and a
method-break marker). Run by ``manage.py plan_seed`` and by the plan demo.

Only real published figures are in these files; the loader checks them (known area and
sides, dates, numbers, a source address on every series) and writes nothing when a file
is wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from innobridge.core.services import record_event

from ..audit import PlanAction
from ..indicators import registry
from ..models import Area, ContextSeries, ContextValue, Measure
from .measures import EDITABLE_FIELDS, create_measure, update_measure

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MEASURES_FILE = DATA_DIR / "measures.toml"
CONTEXT_DIR = DATA_DIR / "context"
SEED_ACTOR = "system:plan_seed"

SERIES_COLUMNS = [
    "key",
    "area",
    "name_en",
    "name_zh_hant",
    "name_zh_hans",
    "unit",
    "source_name",
    "source_url",
    "licence",
    "note",
]
VALUE_COLUMNS = ["series", "period", "period_start", "value", "method_break", "source_url", "note"]


class SeedError(ValueError):
    """A seed file is wrong; nothing was written."""


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # measure code → indicator keys the registry does not (yet) know; left out.
    unknown_indicators: dict[str, list[str]] = field(default_factory=dict)
    series: int = 0
    values: int = 0


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SeedError(f"{where}: not an ISO date: {value!r}") from exc


def read_measures(path: Path = MEASURES_FILE) -> list[dict[str, Any]]:
    """The measures of the file as keyword arguments of ``create_measure`` (with the
    ``see_also`` addresses appended to each description)."""
    with path.open("rb") as fh:
        doc = tomllib.load(fh)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, m in enumerate(doc.get("measure", [])):
        where = f"{path.name} measure {i + 1} ({m.get('code', '?')})"
        if m.get("area") not in Area.values:
            raise SeedError(f"{where}: unknown area {m.get('area')!r}")
        if not m.get("source_name") or not m.get("source_url"):
            raise SeedError(f"{where}: a measure cites its source (name and address)")
        if m["code"] in seen:
            raise SeedError(f"{where}: code used twice")
        seen.add(m["code"])
        see_also = list(m.get("see_also", []))
        data: dict[str, Any] = {
            "area": m["area"],
            "code": m["code"],
            "order": int(m.get("order", 0)),
            "source_name": m["source_name"],
            "source_url": m["source_url"],
            "responsible_sides": list(m.get("sides", [])),
            "period_start": _date(m.get("period_start"), where),
            "period_end": _date(m.get("period_end"), where),
            "indicator_keys": list(m.get("indicators", [])),
        }
        for lang in ("en", "zh_hant", "zh_hans"):
            data[f"title_{lang}"] = m.get(f"title_{lang}", "")
            description = m.get(f"description_{lang}", "").strip()
            if see_also:
                description += "\n\n" + "\n".join(see_also)
            data[f"description_{lang}"] = description
        unknown = set(data) - set(EDITABLE_FIELDS)
        if unknown:  # pragma: no cover - the file's fields are fixed above
            raise SeedError(f"{where}: not editable: {sorted(unknown)}")
        out.append(data)
    return out


def seed_measures(
    actor: Any = SEED_ACTOR, *, path: Path = MEASURES_FILE, update: bool = False
) -> SeedReport:
    """Create the measures of the file whose code does not exist yet (officers' edits
    are kept); with ``update`` (and an officer as ``actor``) also rewrite existing ones.
    Indicator keys the registry does not know are left out and reported."""
    report = SeedReport()
    known = set(registry.all_keys())
    rows = read_measures(path)
    with transaction.atomic():
        for data in rows:
            missing = [k for k in data["indicator_keys"] if k not in known]
            if missing:
                report.unknown_indicators[data["code"]] = missing
                data["indicator_keys"] = [k for k in data["indicator_keys"] if k in known]
            existing = Measure.objects.filter(code=data["code"]).first()
            try:
                if existing is None:
                    create_measure(actor, **data)
                    report.created.append(data["code"])
                elif update:
                    update_measure(actor, existing, **data)
                    report.updated.append(data["code"])
                else:
                    report.unchanged.append(data["code"])
            except ValidationError as exc:
                raise SeedError(f"measure {data['code']}: {exc.message_dict}") from exc
    return report


def _read_csv(path: Path, columns: list[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise SeedError(f"{path.name}: columns must be {','.join(columns)}")
        return [dict(r) for r in reader]


def _bool(value: str, where: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "yes", "1"):
        return True
    if v in ("false", "no", "0", ""):
        return False
    raise SeedError(f"{where}: method_break must be true or false, not {value!r}")


def read_context(
    directory: Path = CONTEXT_DIR,
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """The series and values of the two CSV files, checked."""
    series = _read_csv(directory / "series.csv", SERIES_COLUMNS)
    keys = set()
    for i, s in enumerate(series):
        where = f"series.csv row {i + 2} ({s['key']})"
        if s["area"] not in Area.values:
            raise SeedError(f"{where}: unknown area {s['area']!r}")
        for col in ("key", "name_en", "unit", "source_name", "source_url", "licence"):
            if not s[col].strip():
                raise SeedError(f"{where}: {col} is required")
        keys.add(s["key"])
    values: list[dict[str, Any]] = []
    for i, v in enumerate(_read_csv(directory / "values.csv", VALUE_COLUMNS)):
        where = f"values.csv row {i + 2}"
        if v["series"] not in keys:
            raise SeedError(f"{where}: unknown series {v['series']!r}")
        try:
            value = Decimal(v["value"])
        except InvalidOperation as exc:
            raise SeedError(f"{where}: not a number: {v['value']!r}") from exc
        start = _date(v["period_start"], where)
        if start is None or not v["period"].strip():
            raise SeedError(f"{where}: period and period_start are required")
        values.append(
            {
                "series": v["series"],
                "period": v["period"].strip(),
                "period_start": start,
                "value": value,
                "method_break": _bool(v["method_break"], where),
                "source_url": v["source_url"].strip(),
                "note": v["note"].strip(),
            }
        )
    return series, values


@transaction.atomic
def load_context(actor: Any = SEED_ACTOR, *, directory: Path = CONTEXT_DIR) -> SeedReport:
    """Create or refresh the context series and their values from the CSV files (the
    files are the record: a value no longer in the file is removed)."""
    series_rows, value_rows = read_context(directory)
    report = SeedReport()
    by_key: dict[str, ContextSeries] = {}
    for s in series_rows:
        obj, _ = ContextSeries.objects.update_or_create(
            key=s["key"], defaults={c: s[c].strip() for c in SERIES_COLUMNS if c != "key"}
        )
        obj.full_clean()
        by_key[obj.key] = obj
    kept: dict[str, set[dt.date]] = {k: set() for k in by_key}
    for v in value_rows:
        series = by_key[v.pop("series")]
        value, _ = ContextValue.objects.update_or_create(
            series=series, period_start=v["period_start"], defaults=v
        )
        value.full_clean()
        kept[series.key].add(value.period_start)
    for key, series in by_key.items():
        series.values.exclude(period_start__in=kept[key]).delete()
    report.series = len(by_key)
    report.values = len(value_rows)
    record_event(
        actor,
        PlanAction.CONTEXT_LOADED,
        object_type="plan.contextseries",
        object_id="*",
        after={"series": sorted(by_key), "values": report.values},
    )
    return report


def seed_all(actor: Any = SEED_ACTOR) -> SeedReport:
    """The measures and the context figures (what the demo and ``plan_seed`` load)."""
    report = seed_measures(actor)
    ctx = load_context(actor)
    report.series, report.values = ctx.series, ctx.values
    return report
