"""A placement's host organisation is the one that receives the fellow: 接收機構 /
接收机构. It shared the facility's string, "Host organisation" — translated 所屬機構 /
所属机构 ("affiliated organisation"), which fits a facility's owner but not a placement.
The placement's label now has its own context; the facility's wording is unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from tests.pages import page_as

pytestmark = pytest.mark.django_db

RECEIVING = {"en": "ost organisation", "zh-hant": "接收機構", "zh-hans": "接收机构"}
AFFILIATED = {"zh-hant": "所屬機構", "zh-hans": "所属机构"}


@pytest.mark.parametrize("language", list(RECEIVING))
def test_the_placement_form_and_pages_name_the_host_as_receiving(world: Any, language: str) -> None:
    pages = [
        page_as(
            f"/exchange/programmes/{world.programme.pk}/placements/new/",
            user=world.supervisor,
            language=language,
        ),
        page_as(f"/exchange/programmes/{world.programme.pk}/", language=language),
        page_as("/exchange/fellows/", language=language),
    ]
    for html in pages:
        assert RECEIVING[language] in html
        if language in AFFILIATED:
            assert AFFILIATED[language] not in html


@pytest.mark.parametrize("language", list(AFFILIATED))
def test_the_placements_field_is_receiving_and_the_facilitys_stays_affiliated(
    language: str,
) -> None:
    from innobridge.exchange.forms import PlacementForm
    from innobridge.exchange.models import Placement
    from innobridge.facilities.forms import FacilityForm
    from innobridge.facilities.models import Facility

    with translation.override(language):
        assert str(Placement._meta.get_field("organisation").verbose_name) == RECEIVING[language]
        assert str(PlacementForm.base_fields["organisation"].label) == RECEIVING[language]
        assert str(Facility._meta.get_field("organisation").verbose_name) == AFFILIATED[language]
        assert str(FacilityForm.base_fields["organisation"].label) == AFFILIATED[language]
