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
from innobridge.people.models import Organisation
from innobridge.people.services.organisations import organisation_search_text
from tests.pages import client_as

from .conftest import draft

pytestmark = pytest.mark.django_db


def _org(**fields: Any) -> Organisation:
    org = Organisation.objects.create(**fields)
    org.search_text = organisation_search_text(org)
    org.save(update_fields=["search_text"])
    return org


@pytest.fixture
def named(world: Any) -> Any:
    world.zju.name_zh = "浙江大學"
    world.zju.acronyms = ["ZJU"]
    world.zju.search_text = organisation_search_text(world.zju)
    world.zju.save()
    return world


def _form(home: str) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "statement": "Graph neural networks for proteins.",
        "birth_date": today.replace(year=today.year - 30).isoformat(),
        "home_region": "CN",
        "home_organisation": home,
    }


def test_the_apply_page_has_a_box_that_suggests_not_a_select_of_the_directory(
    named: Any,
) -> None:
    for n in range(30):
        _org(name=f"Institute {n}", region="CN")
    page = client_as(named.applicant).get(f"/exchange/programmes/{named.programme.pk}/apply/")
    html = page.content.decode()
    assert '<select name="home_organisation"' not in html
    assert "Institute 29" not in html  # the directory is not written into the page
    box = page.context["form"]["home_organisation"]
    rendered = str(box)
    assert 'type="text"' in rendered and 'name="home_organisation"' in rendered
    assert 'list="id_home_organisation-options"' in rendered
    assert 'hx-get="/people/organisation-options/"' in rendered
    assert '<datalist id="id_home_organisation-options"></datalist>' in rendered
    # prefilled from the applicant's profile, as the applicant would type it
    assert 'value="Zhejiang University"' in rendered


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "Zhejiang University"), ("zh-hant", "浙江大學"), ("zh-hans", "浙江大学")],
)
def test_the_box_shows_the_home_institution_in_the_readers_language(
    named: Any, language: str, shown: str
) -> None:
    app = draft(named)
    page = client_as(named.applicant, language).get(f"/exchange/applications/{app.pk}/")
    assert f'value="{shown}"' in str(page.context["form"]["home_organisation"])


def test_the_suggestions_answer_the_box_by_its_own_name(named: Any) -> None:
    r = client_as(named.applicant).get(
        "/people/organisation-options/", {"home_organisation": "浙江大学"}
    )
    assert '<option value="Zhejiang University">' in r.content.decode()
    # the profile's and the facility's box, as before
    r = client_as(named.applicant).get("/people/organisation-options/", {"organisation": "zhej"})
    assert '<option value="Zhejiang University">' in r.content.decode()


@pytest.mark.parametrize(
    "typed",
    ["Zhejiang University", "zhejiang university", "浙江大學", "浙江大学", "ZJU", "00a2xv884"],
)
def test_the_home_institution_is_found_by_any_of_its_names(named: Any, typed: str) -> None:
    r = client_as(named.applicant).post(
        f"/exchange/programmes/{named.programme.pk}/apply/", _form(typed)
    )
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    assert Application.objects.get().home_organisation == named.zju


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "No organisation matches “Atlantis University”."),
        ("zh-hant", "沒有機構符合「Atlantis University」。"),
        ("zh-hans", "没有机构符合“Atlantis University”。"),
    ],
)
def test_an_unknown_institution_is_a_clear_error_beside_the_field(
    named: Any, language: str, message: str
) -> None:
    r = client_as(named.applicant, language).post(
        f"/exchange/programmes/{named.programme.pk}/apply/", _form("Atlantis University")
    )
    assert r.status_code == 200
    assert r.context["form"].errors["home_organisation"] == [message]
    assert not Application.objects.exists()


def test_an_ambiguous_name_lists_the_candidates_to_choose_from(named: Any) -> None:
    _org(name="Zhejiang University of Technology", region="CN")
    _org(name="Zhejiang University of Science and Technology", region="CN")
    r = client_as(named.applicant).post(
        f"/exchange/programmes/{named.programme.pk}/apply/", _form("Zhejiang University of")
    )
    assert r.status_code == 200
    [error] = r.context["form"].errors["home_organisation"]
    assert error.startswith("Several organisations match; choose one of:")
    assert "Zhejiang University of Technology" in error
    assert not Application.objects.exists()


def test_two_organisations_of_the_same_name_are_told_apart_by_their_ror_id(
    world: Any,
) -> None:
    a = _org(name="Beibu Gulf University", region="CN", ror_id="01aaaaa11")
    _org(name="Beibu Gulf University", region="CN", ror_id="02bbbbb22")
    c = client_as(world.applicant)
    url = f"/exchange/programmes/{world.programme.pk}/apply/"
    [error] = (
        c.post(url, _form("Beibu Gulf University")).context["form"].errors["home_organisation"]
    )
    assert "Beibu Gulf University (01aaaaa11)" in error
    assert "Beibu Gulf University (02bbbbb22)" in error
    # and such an organisation, prefilled, is written so that it saves as shown
    world.applicant.researcher_profile.organisation = a
    world.applicant.researcher_profile.save()
    assert 'value="01aaaaa11"' in str(c.get(url).context["form"]["home_organisation"])
    assert c.post(url, _form("01aaaaa11")).status_code == 302
    assert Application.objects.get().home_organisation == a


def test_saving_the_draft_with_another_institution_by_its_chinese_name(named: Any) -> None:
    named.hku.name_zh = "香港大學"
    named.hku.search_text = organisation_search_text(named.hku)
    named.hku.save()
    app = draft(named)
    r = client_as(named.applicant).post(
        f"/exchange/applications/{app.pk}/", {"action": "save", **_form("香港大学")}
    )
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.home_organisation == named.hku
