"""The home institution of an exchange application is typed, not picked from a
``<select>`` of the whole directory (some 2,347 organisations): a box that suggests as
one types (the researcher form's ``<datalist>``, filled by htmx), resolved to one
organisation by its name in English or Chinese (either script), an acronym or its ROR
id. A name matching none or several is a form error beside the field, never a 500 and
never a guess."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from innobridge.exchange.models import Application
from tests.factories import NAMESAKE_RORS, namesakes, organisation
from tests.pages import OrganisationBox, client_as

from .conftest import draft

pytestmark = pytest.mark.django_db


def _form(home: str) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "statement": "Graph neural networks for proteins.",
        "birth_date": today.replace(year=today.year - 30).isoformat(),
        "home_region": "CN",
        "home_organisation": home,
    }


def test_the_apply_page_has_a_box_that_suggests_not_a_select_of_the_directory(
    named_world: Any,
) -> None:
    for n in range(30):
        organisation(name=f"Institute {n}", region="CN")
    page = client_as(named_world.applicant).get(
        f"/exchange/programmes/{named_world.programme.pk}/apply/"
    )
    html = page.content.decode()
    OrganisationBox.check(html, "home_organisation")
    assert "Institute 29" not in html  # the directory is not written into the page
    rendered = str(page.context["form"]["home_organisation"])
    assert 'type="text"' in rendered
    # prefilled from the applicant's profile, as the applicant would type it
    assert 'value="Zhejiang University"' in rendered


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "Zhejiang University"), ("zh-hant", "浙江大學"), ("zh-hans", "浙江大学")],
)
def test_the_box_shows_the_home_institution_in_the_readers_language(
    named_world: Any, language: str, shown: str
) -> None:
    app = draft(named_world)
    page = client_as(named_world.applicant, language).get(f"/exchange/applications/{app.pk}/")
    assert f'value="{shown}"' in str(page.context["form"]["home_organisation"])


def test_the_suggestions_answer_the_box_by_its_own_name(named_world: Any) -> None:
    r = client_as(named_world.applicant).get(
        "/people/organisation-options/", {"home_organisation": "浙江大学"}
    )
    assert '<option value="Zhejiang University">' in r.content.decode()
    # the profile's and the facility's box, as before
    r = client_as(named_world.applicant).get(
        "/people/organisation-options/", {"organisation": "zhej"}
    )
    assert '<option value="Zhejiang University">' in r.content.decode()


@pytest.mark.parametrize(
    "typed",
    ["Zhejiang University", "zhejiang university", "浙江大學", "浙江大学", "ZJU", "00a2xv884"],
)
def test_the_home_institution_is_found_by_any_of_its_names(named_world: Any, typed: str) -> None:
    r = client_as(named_world.applicant).post(
        f"/exchange/programmes/{named_world.programme.pk}/apply/", _form(typed)
    )
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    assert Application.objects.get().home_organisation == named_world.zju


@pytest.mark.parametrize("language", list(OrganisationBox.NO_MATCH))
def test_an_unknown_institution_is_a_clear_error_beside_the_field(
    named_world: Any, language: str
) -> None:
    r = client_as(named_world.applicant, language).post(
        f"/exchange/programmes/{named_world.programme.pk}/apply/", _form(OrganisationBox.UNKNOWN)
    )
    assert r.status_code == 200
    assert r.context["form"].errors["home_organisation"] == [OrganisationBox.NO_MATCH[language]]
    assert not Application.objects.exists()


def test_an_ambiguous_name_lists_the_candidates_to_choose_from(named_world: Any) -> None:
    organisation(name="Zhejiang University of Technology", region="CN")
    organisation(name="Zhejiang University of Science and Technology", region="CN")
    r = client_as(named_world.applicant).post(
        f"/exchange/programmes/{named_world.programme.pk}/apply/", _form("Zhejiang University of")
    )
    assert r.status_code == 200
    [error] = r.context["form"].errors["home_organisation"]
    assert error.startswith(OrganisationBox.SEVERAL_MATCH)
    assert "Zhejiang University of Technology" in error
    assert not Application.objects.exists()


def test_two_organisations_of_the_same_name_are_told_apart_by_their_ror_id(
    world: Any,
) -> None:
    a, _ = namesakes("Beibu Gulf University")
    c = client_as(world.applicant)
    url = f"/exchange/programmes/{world.programme.pk}/apply/"
    [error] = (
        c.post(url, _form("Beibu Gulf University")).context["form"].errors["home_organisation"]
    )
    for ror in NAMESAKE_RORS:
        assert f"Beibu Gulf University ({ror})" in error
    # and such an organisation, prefilled, is written so that it saves as shown
    world.applicant.researcher_profile.organisation = a
    world.applicant.researcher_profile.save()
    assert 'value="01aaaaa11"' in str(c.get(url).context["form"]["home_organisation"])
    assert c.post(url, _form("01aaaaa11")).status_code == 302
    assert Application.objects.get().home_organisation == a


def test_saving_the_draft_with_another_institution_by_its_chinese_name(named_world: Any) -> None:
    # 香港大學 is the University of Hong Kong's Chinese name (``named_world``)
    app = draft(named_world)
    r = client_as(named_world.applicant).post(
        f"/exchange/applications/{app.pk}/", {"action": "save", **_form("香港大学")}
    )
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.home_organisation == named_world.hku
