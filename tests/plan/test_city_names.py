"""Cities in the reader's language on the Action Plan's pages: the public dashboard (and
its table, its API, the officer's indicator page, chart and downloads) printed a
breakdown by city as stored, in English, on the Chinese pages, although the directory
names the same cities in Chinese (the ``city`` filter of the organisation list)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from innobridge.plan.models import IndicatorSnapshot
from innobridge.plan.services import today_hk
from tests.pages import client_as

pytestmark = pytest.mark.django_db

CITIES = {
    "en": ("Guangzhou", "Hong Kong"),
    "zh-hant": ("廣州", "香港"),
    "zh-hans": ("广州", "香港"),
}


def _snap(value: int, cell: str = "") -> None:
    IndicatorSnapshot.objects.create(
        indicator_key="offers_listed",
        taken_on=today_hk(),
        dimension="city" if cell else "",
        key=cell,
        label=cell,
        value=Decimal(value),
    )


@pytest.fixture
def by_city() -> None:
    _snap(40)
    _snap(25, "Guangzhou")
    _snap(15, "Hong Kong")


@pytest.mark.parametrize("language", list(CITIES))
def test_the_public_page_names_cities_in_the_readers_language(by_city: None, language: str) -> None:
    guangzhou, hong_kong = CITIES[language]
    html = client_as(None, language).get("/plan/public/").content.decode()
    assert re.search(rf'data-testid="cell-city-Guangzhou">{guangzhou}: 25<', html), html
    assert re.search(rf'data-testid="cell-city-Hong Kong">{hong_kong}: 15<', html)


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_the_public_table_and_api_name_cities_in_the_readers_language(
    by_city: None, language: str
) -> None:
    guangzhou, _ = CITIES[language]
    body = client_as(None, language).get("/plan/public/table.csv").content.decode("utf-8")
    assert f",{guangzhou},25," in body and "Guangzhou" not in body
    api = client_as(None, language).get("/api/plan/public").json()
    [offers] = [i for i in api if i["key"] == "offers_listed"]
    assert {c["key"]: c["label"] for c in offers["breakdowns"]["city"]}["Guangzhou"] == guangzhou


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_the_officers_indicator_page_and_download_name_cities_in_the_readers_language(
    officer: Any, language: str
) -> None:
    from tests.factories import FacilityFactory, ResourceFactory

    ResourceFactory(facility=FacilityFactory(city="Guangzhou", region="CN"))
    guangzhou, _ = CITIES[language]
    c = client_as(officer, language)
    html = c.get("/plan/indicators/facility_resources_bookable/").content.decode()
    assert guangzhou in html  # the table and the chart's bars
    assert "Guangzhou" not in html
    body = c.get("/plan/indicators/facility_resources_bookable/city.csv").content.decode()
    assert guangzhou in body


@pytest.mark.parametrize("language", list(CITIES))
def test_the_officers_breakdown_api_names_its_cells_in_the_readers_language(
    officer: Any, language: str
) -> None:
    """``/api/plan/indicators/{key}/breakdowns/{dimension}`` gave a city as stored (in
    English) to a Chinese reader, where the public API and the pages name it in the
    reader's language; every dimension whose keys are codes or cities is named so."""
    from django.utils import translation

    from innobridge.core.models import Region
    from innobridge.facilities.selectors import resource_kind_label
    from tests.factories import FacilityFactory, ResourceFactory

    resource = ResourceFactory(facility=FacilityFactory(city="Guangzhou", region="CN"))
    with translation.override(language):
        mainland, kind = str(Region.MAINLAND.label), resource_kind_label(resource.kind)
    guangzhou, _ = CITIES[language]
    c = client_as(officer, language)

    def labels(dimension: str) -> dict[str, str]:
        url = f"/api/plan/indicators/facility_resources_bookable/breakdowns/{dimension}"
        r = c.get(url)
        assert r.status_code == 200, r.content
        return {cell["key"]: cell["label"] for cell in r.json()["cells"]}

    assert labels("city") == {"Guangzhou": guangzhou}
    assert labels("region") == {"CN": mainland}
    assert labels("kind") == {resource.kind: kind}
    # institutions are named as stored, as on the pages
    assert labels("institution") == {
        str(resource.facility.organisation_id): resource.facility.organisation.name
    }
