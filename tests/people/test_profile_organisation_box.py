"""The researcher profile form's organisation is the shared box
(``people.forms.OrganisationNameField``), no longer written by hand: prefilled in the
reader's language and so that it saves as shown (an organisation whose English name
another shares is written by its ROR id: saving the form unchanged no longer fails as
"ambiguous"), several matches told apart by ROR id. As before, the profile names only an
organisation of the directory: an unknown name is an error (none is made), empty is none."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from innobridge.people.models import Organisation, ResearcherProfile
from tests.factories import NAMESAKE_RORS, namesakes
from tests.pages import OrganisationBox, client_as

pytestmark = pytest.mark.django_db


def _as_posted(form: Any) -> dict[str, Any]:
    """The edit form's fields as the browser would send them unchanged."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name == "is_public":
            if value:
                data[name] = "on"
            continue
        data[name] = field.prepare_value(value) if value is not None else ""
    return data


def test_the_box_is_the_shared_one_that_suggests_as_one_types(make_researcher: Any) -> None:
    profile = make_researcher("chan")
    page = client_as(profile.person).get(reverse("people:researcher_edit", args=[profile.pk]))
    html = page.content.decode()
    assert html.count('name="organisation"') == 1
    OrganisationBox.check(html, "organisation")
    assert 'hx-target="#id_organisation-options"' in html


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "The Hong Kong University of Science and Technology"),
        ("zh-hant", "香港科技大學"),
        ("zh-hans", "香港科技大学"),
    ],
)
def test_the_organisation_is_prefilled_in_the_readers_language_and_saves_as_shown(
    make_researcher: Any, hk_org: Any, language: str, shown: str
) -> None:
    profile = make_researcher("chan")
    c = client_as(profile.person, language)
    url = reverse("people:researcher_edit", args=[profile.pk])
    form = c.get(url).context["form"]
    assert f'value="{shown}"' in str(form["organisation"])
    r = c.post(url, {**_as_posted(form), "organisation": shown})
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    profile.refresh_from_db()
    assert profile.organisation == hk_org


def test_an_organisation_sharing_its_name_is_prefilled_by_ror_id_and_saves_unchanged(
    make_researcher: Any,
) -> None:
    mine, _ = namesakes("Beibu Gulf University")
    profile = make_researcher("chan", organisation=mine)
    c = client_as(profile.person)
    url = reverse("people:researcher_edit", args=[profile.pk])
    form = c.get(url).context["form"]
    assert 'value="01aaaaa11"' in str(form["organisation"])
    r = c.post(url, _as_posted(form))
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    profile.refresh_from_db()
    assert profile.organisation == mine
    # and typed by its name, the error tells the two apart
    r = c.post(url, {**_as_posted(form), "organisation": "Beibu Gulf University"})
    assert r.status_code == 200
    [error] = r.context["form"].errors["organisation"]
    for ror in NAMESAKE_RORS:
        assert f"Beibu Gulf University ({ror})" in error


@pytest.mark.parametrize("language", list(OrganisationBox.NO_MATCH))
def test_an_unknown_organisation_is_an_error_and_none_is_made(
    make_researcher: Any, hk_org: Any, language: str
) -> None:
    profile = make_researcher("chan")
    c = client_as(profile.person, language)
    url = reverse("people:researcher_edit", args=[profile.pk])
    before = Organisation.objects.count()
    unchanged = _as_posted(c.get(url).context["form"])
    r = c.post(url, {**unchanged, "organisation": OrganisationBox.UNKNOWN})
    assert r.status_code == 200
    assert r.context["form"].errors["organisation"] == [OrganisationBox.NO_MATCH[language]]
    assert 'data-testid="error-organisation"' in r.content.decode()
    assert 'aria-invalid="true"' in str(r.context["form"]["organisation"])
    assert Organisation.objects.count() == before
    profile.refresh_from_db()
    assert profile.organisation == hk_org


def test_a_new_profile_may_leave_the_organisation_empty_with_a_region(
    make_person: Any,
) -> None:
    person = make_person("loner2", display_name="Loner")
    r = client_as(person).post(
        reverse("people:researcher_new"),
        {"display_name": "Loner", "organisation": "", "region": "HK", "keywords": "optics"},
    )
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    profile = ResearcherProfile.objects.get(person=person)
    assert (profile.organisation, profile.region) == (None, "HK")
