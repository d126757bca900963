"""Fixtures for the facilities tests: a Hong Kong facility with one instrument and
tariffs for every category, bookers from each side, a fixed "now"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

HKT = ZoneInfo("Asia/Hong_Kong")
# Monday 2 March 2026, 09:00 Hong Kong time.
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=HKT)


def hk(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=HKT)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def orgs(db: Any) -> dict[str, Any]:
    from innobridge.people.models import Organisation

    def org(key: str, name: str, region: str, city: str, type_: str = "education") -> Any:
        return Organisation.objects.create(
            name=name, region=region, city=city, primary_type=type_, search_text=name.lower()
        )

    return {
        "hkust": org("hkust", "Hong Kong University of Science and Technology", "HK", "Hong Kong"),
        "hku": org("hku", "University of Hong Kong", "HK", "Hong Kong"),
        "tsinghua": org("tsinghua", "Tsinghua University", "CN", "Beijing"),
        "sustech": org(
            "sustech", "Southern University of Science and Technology", "CN", "Shenzhen"
        ),
        "nus": org("nus", "National University of Singapore", "INT", "Singapore"),
        "company": org("company", "Shenzhen Nanotech Ltd", "CN", "Shenzhen", "company"),
    }


@pytest.fixture
def facility(orgs: dict[str, Any], make_person: Any) -> Any:
    from innobridge.facilities.models import Facility

    manager = make_person("manager", roles=("facility_manager",), display_name="Manager Ma")
    fac = Facility.objects.create(
        name="Materials Characterization and Preparation Facility",
        name_zh="材料表徵及製備設施",
        organisation=orgs["hkust"],
        city="Hong Kong",
        region="HK",
        location="Clear Water Bay",
        contact_email="mcpf@example.org",
    )
    fac.managers.add(manager)
    return fac


@pytest.fixture
def manager(facility: Any) -> Any:
    return facility.managers.get()


@pytest.fixture
def resource(facility: Any) -> Any:
    from innobridge.facilities.models import Resource, Tariff

    res = Resource.objects.create(
        facility=facility,
        kind="instrument",
        name="Transmission electron microscope (JEOL JEM-2010)",
        name_zh="透射電子顯微鏡",
        techniques=["TEM", "HRTEM", "electron diffraction"],
        description="200 kV transmission electron microscope for nanostructure imaging.",
        description_zh="200千伏透射電子顯微鏡，用於納米結構成像。",
        granularity_minutes=30,
        min_duration_minutes=60,
        max_duration_minutes=240,
        lead_time_hours=24,
        max_advance_days=120,
        approval_required=True,
    )
    prices = {
        "internal": ("500", "HKD"),
        "hk_academic": ("800", "HKD"),
        "mainland_academic": ("750", "CNY"),
        "other_academic": ("1000", "HKD"),
        "industry": ("2000", "HKD"),
    }
    for cat, (price, cur) in prices.items():
        Tariff.objects.create(
            resource=res,
            category=cat,
            unit="hour",
            price=Decimal(price),
            currency=cur,
            cancellation_window_hours=48,
            late_cancellation_fee_percent=50,
            no_show_fee_percent=100,
        )
    return res


@pytest.fixture
def people(orgs: dict[str, Any], make_person: Any) -> dict[str, Any]:
    from innobridge.people.models import ResearcherProfile

    def researcher(
        username: str, org_key: str, region: str, roles: tuple[str, ...] = ("researcher",)
    ) -> Any:
        p = make_person(username, roles=roles, display_name=username.title())
        ResearcherProfile.objects.create(person=p, organisation=orgs[org_key], region=region)
        return p

    return {
        "internal": researcher("ivy", "hkust", "HK"),
        "hk": researcher("hana", "hku", "HK"),
        "mainland": researcher("li", "tsinghua", "CN"),
        "mainland2": researcher("wang", "sustech", "CN"),
        "intl": researcher("ng", "nus", "INT"),
        "industry": researcher("eve", "company", "CN", roles=("enterprise",)),
        "noprofile": make_person("nobody", roles=("researcher",)),
    }


def next_open_day(days_ahead: int = 3) -> dt.date:
    """A Hong Kong working day at least ``days_ahead`` days from today (real time)."""
    return working_day_from(dt.datetime.now(HKT).date() + dt.timedelta(days=days_ahead))


def working_day_from(day: dt.date) -> dt.date:
    """``day``, or the first Hong Kong working day after it."""
    import holidays

    hk_holidays = holidays.country_holidays("HK", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in hk_holidays:
        day += dt.timedelta(days=1)
    return day


class TinyEmbedder:
    """Deterministic hashed bag of folded tokens (fast; no model)."""

    name = "tiny-test-embedder"
    dim = 64

    def encode(self, texts: list[str], role: str) -> Any:
        import hashlib

        import numpy as np

        from innobridge.matching.text import tokenize

        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for tok in tokenize(t) or [t]:
                h = int.from_bytes(hashlib.md5(tok.encode()).digest()[:4], "little")
                out[i, h % self.dim] += 1.0
            out[i, -1] += 0.1
            out[i] /= np.linalg.norm(out[i])
        return out


@pytest.fixture
def tiny_embedder() -> Any:
    from innobridge.facilities import matching

    matching.set_embedder(TinyEmbedder())
    yield
    matching.set_embedder(None)
