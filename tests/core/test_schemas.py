"""API limits read from the model fields (innobridge.core.schemas.FromModel)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import pytest
from ninja import Schema
from pydantic import ValidationError

from innobridge.core.models import ExchangeRate
from innobridge.core.schemas import DATE_MAX, FromModel
from innobridge.facilities.models import Booking
from innobridge.people.models import Organisation, Publication


class Probe(Schema):
    name: Annotated[str, FromModel(Organisation, "name")] = ""
    rate: Annotated[Decimal | None, FromModel(ExchangeRate, "rate")] = None
    valid_from: Annotated[dt.date | None, FromModel(ExchangeRate, "valid_from")] = None


def test_limits_come_from_the_model_and_show_in_the_json_schema() -> None:
    max_length = Organisation._meta.get_field("name").max_length
    props = Probe.model_json_schema()["properties"]
    assert props["name"]["maxLength"] == max_length
    Probe(name="x" * max_length)
    with pytest.raises(ValidationError) as err:
        Probe(name="x" * (max_length + 1))
    assert err.value.errors()[0]["loc"] == ("name",)


def test_decimals_and_dates_out_of_range_are_refused() -> None:
    field = ExchangeRate._meta.get_field("rate")
    with pytest.raises(ValidationError):
        Probe(rate=Decimal("1e30"))
    with pytest.raises(ValidationError):
        Probe(rate=Decimal("1." + "1" * (field.decimal_places + 1)))
    assert Probe(rate=Decimal("7.8")).rate == Decimal("7.8")
    with pytest.raises(ValidationError):
        Probe(valid_from=dt.date(9999, 12, 31))
    assert Probe(valid_from=DATE_MAX).valid_from == DATE_MAX


class Counts(Schema):
    year: Annotated[int, FromModel(Publication, "year")] = 2000
    samples: Annotated[int, FromModel(Booking, "samples")] = 1


def test_integer_ranges_are_the_same_on_every_database() -> None:
    """SQLite reports no integer range; the API refuses the same values on both."""
    with pytest.raises(ValidationError):
        Counts(year=-12)
    with pytest.raises(ValidationError):
        Counts(year=40_000)  # past a small integer
    with pytest.raises(ValidationError):
        Counts(samples=10**12)
    assert Counts(year=2024, samples=3).samples == 3
