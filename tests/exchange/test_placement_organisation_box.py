"""The host organisation of a placement is typed, not picked from a ``<select>`` of the
programme's host regions (for a Mainland host region most of the 2,347 organisations):
the box that suggests as one types (``people.forms.OrganisationNameField``), resolved by
any of the organisation's names, an acronym or its ROR id. An organisation outside the
programme's host regions, an unknown or an ambiguous name is an error beside the field,
in the reader's language, and no placement is saved."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.exchange.models import Placement
from innobridge.people.models import Organisation
from tests.pages import OrganisationBox, client_as

pytestmark = pytest.mark.django_db


def _url(world: Any) -> str:
    return f"/exchange/programmes/{world.programme.pk}/placements/new/"


def _form(organisation: str) -> dict[str, Any]:
    return {"title": "Protein folding", "organisation": organisation, "seats": 1, "months": 24}


def test_the_page_has_a_box_that_suggests_not_a_select_of_the_host_regions(
    named_world: Any,
) -> None:
    for n in range(30):
        Organisation.objects.create(name=f"Hong Kong Institute {n}", region="HK")
    page = client_as(named_world.supervisor).get(_url(named_world))
    html = page.content.decode()
    OrganisationBox.check(html, "organisation")
    assert "Hong Kong Institute 29" not in html  # the directory is not written into the page
    assert 'type="text"' in str(page.context["form"]["organisation"])


@pytest.mark.parametrize(
    "typed", ["The University of Hong Kong", "香港大學", "香港大学", "HKU", "02zhqgq86"]
)
def test_the_host_is_found_by_any_of_its_names(named_world: Any, typed: str) -> None:
    r = client_as(named_world.supervisor).post(_url(named_world), _form(typed))
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    placement = Placement.objects.latest("pk")
    assert (placement.title, placement.organisation) == ("Protein folding", named_world.hku)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This programme hosts fellows only in: Hong Kong."),
        ("zh-hant", "本計劃只在以下地區接收學者：香港。"),
        ("zh-hans", "本计划只在以下地区接收学者：香港。"),
    ],
)
def test_a_host_outside_the_programmes_host_regions_is_an_error_beside_the_field(
    named_world: Any, language: str, message: str
) -> None:
    before = Placement.objects.count()
    # Zhejiang University is found (a Mainland organisation), but this programme hosts
    # fellows in Hong Kong only
    r = client_as(named_world.supervisor, language).post(
        _url(named_world), _form("Zhejiang University")
    )
    assert r.status_code == 200
    assert r.context["form"].errors["organisation"] == [message]
    assert message in r.content.decode()
    assert Placement.objects.count() == before


@pytest.mark.parametrize("language", list(OrganisationBox.NO_MATCH))
def test_an_unknown_host_is_an_error_beside_the_field(named_world: Any, language: str) -> None:
    before = Placement.objects.count()
    r = client_as(named_world.supervisor, language).post(
        _url(named_world), _form(OrganisationBox.UNKNOWN)
    )
    assert r.status_code == 200
    assert r.context["form"].errors["organisation"] == [OrganisationBox.NO_MATCH[language]]
    assert Placement.objects.count() == before


def test_an_ambiguous_host_lists_the_candidates(named_world: Any) -> None:
    before = Placement.objects.count()
    r = client_as(named_world.supervisor).post(_url(named_world), _form("University of Hong"))
    assert r.status_code == 200
    [error] = r.context["form"].errors["organisation"]
    assert error.startswith(OrganisationBox.SEVERAL_MATCH)
    assert "The University of Hong Kong" in error
    assert Placement.objects.count() == before


def test_the_service_still_refuses_a_host_outside_the_host_regions(named_world: Any) -> None:
    """The rule is the service's too (the API and the demo call it, not the form)."""
    from django.core.exceptions import ValidationError

    from innobridge.exchange import services

    with pytest.raises(ValidationError) as exc:
        services.propose_placement(
            named_world.supervisor, named_world.programme, title="X", organisation=named_world.zju
        )
    assert exc.value.message_dict == {
        "organisation": ["This programme hosts fellows only in: Hong Kong."]
    }
