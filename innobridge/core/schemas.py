"""API input limits that come from the model fields, so the API refuses (422, with the
field named) what the database would refuse with a 500, and ``/api/openapi.json``
shows every limit (maxLength, minimum/maximum, digits).

Use it in a django-ninja ``Schema`` beside the plain type::

    from typing import Annotated
    from innobridge.core.schemas import FromModel

    class ProposalIn(Schema):
        title_en: Annotated[str, FromModel(Proposal, "title_en")] = ""
        amount: Annotated[Decimal, FromModel(BudgetLine, "amount")]

The limits are read from the model field when the schema is built: ``max_length`` of
character fields, ``max_digits``/``decimal_places`` of decimals, the database range of
integer fields, the field's ``MinValueValidator``/``MaxValueValidator`` and
:data:`DATE_MIN`/:data:`DATE_MAX` for dates. ``FromModel(..., **override)`` tightens one
(for example ``max_length=2000`` on an unbounded ``TextField``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core import validators as dj_validators
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from ninja import Schema
from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

# Dates a person could mean; outside them date arithmetic overflows (year 9999 + 1 day).
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
DATETIME_MIN = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
DATETIME_MAX = dt.datetime(2199, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
# An unbounded TextField still gets a bound in the API.
TEXT_MAX = 20_000


def field_limits(model: type[models.Model], name: str) -> dict[str, Any]:
    """The limits of ``model.name`` as pydantic core-schema keywords."""
    f = model._meta.get_field(name)
    out: dict[str, Any] = {}
    if isinstance(f, models.CharField | models.TextField):
        out["max_length"] = f.max_length or TEXT_MAX
    if isinstance(f, models.DecimalField):
        out["max_digits"] = f.max_digits
        out["decimal_places"] = f.decimal_places
    if isinstance(f, models.IntegerField):
        # The portable ranges (PostgreSQL's), whatever the database in use: SQLite
        # reports none, and the API must refuse the same values everywhere.
        low, high = BaseDatabaseOperations.integer_field_ranges.get(
            f.get_internal_type(), (None, None)
        )
        if low is not None:
            out["ge"] = low
        if high is not None:
            out["le"] = high
    if isinstance(f, models.DateTimeField):
        out["ge"], out["le"] = DATETIME_MIN, DATETIME_MAX
    elif isinstance(f, models.DateField):
        out["ge"], out["le"] = DATE_MIN, DATE_MAX
    for v in getattr(f, "_validators", []) + list(getattr(f, "default_validators", [])):
        if not isinstance(v, dj_validators.BaseValidator):
            continue
        limit: Any = v.limit_value() if callable(v.limit_value) else v.limit_value
        if isinstance(v, dj_validators.MinValueValidator):
            out["ge"] = max(out.get("ge", limit), limit)
        elif isinstance(v, dj_validators.MaxValueValidator):
            out["le"] = min(out.get("le", limit), limit)
        elif isinstance(v, dj_validators.MaxLengthValidator):
            out["max_length"] = min(out.get("max_length", limit), limit)
        elif isinstance(v, dj_validators.MinLengthValidator):
            out["min_length"] = limit
    return out


_APPLIES = {
    "str": {"max_length", "min_length"},
    "decimal": {"max_digits", "decimal_places", "ge", "le"},
    "int": {"ge", "le"},
    "float": {"ge", "le"},
    "date": {"ge", "le"},
    "datetime": {"ge", "le"},
}


def _coerce(kind: str, value: Any) -> Any:
    if kind == "decimal" and not isinstance(value, Decimal):
        return Decimal(str(value))
    if kind == "float":
        return float(value)
    if kind == "date" and isinstance(value, dt.datetime):
        return value.date()
    return value


def _constrain(schema: Any, limits: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if kind in {"nullable", "default"}:
        schema["schema"] = _constrain(schema["schema"], limits)
        return schema
    if kind == "list":
        schema["items_schema"] = _constrain(schema["items_schema"], limits)
        return schema
    if kind == "union":
        schema["choices"] = [
            _constrain(c[0], limits) if isinstance(c, tuple) else _constrain(c, limits)
            for c in schema["choices"]
        ]
        return schema
    for key in _APPLIES.get(kind or "", set()):
        if key in limits:
            schema[key] = _coerce(kind, limits[key]) if key in {"ge", "le"} else limits[key]
    return schema


class FromModel:
    """``Annotated`` metadata: the limits of a model field on an API schema field."""

    def __init__(self, model: type[models.Model], name: str, **override: Any) -> None:
        self.model, self.name, self.override = model, name, override

    def limits(self) -> dict[str, Any]:
        return {**field_limits(self.model, self.name), **self.override}

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _constrain(handler(source), self.limits())

    def __repr__(self) -> str:
        return f"FromModel({self.model.__name__}, {self.name!r})"


# Paging of every list endpoint: an offset past any real list is refused (422) rather than
# reaching the database (where 10**20 overflows: a 500).
MAX_PAGE_OFFSET = 1_000_000


# The error answer of every endpoint (innobridge/api.py writes it): declare it beside an
# endpoint's output, ``response={200: ThingOut, 403: Error, 404: Error, 422: Error}``.
class ErrorItem(Schema):
    loc: list[Any]
    msg: str
    type: str


class Error(Schema):
    detail: str | list[ErrorItem] | dict[str, Any]
