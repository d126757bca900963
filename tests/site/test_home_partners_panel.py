"""An enterprise user and a technology-transfer officer were offered "Partners for you —
Create my researcher profile" on their home page. The panel is for those for whom a
researcher profile makes sense: researchers, and people without a more specific role."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pages import page_as

pytestmark = pytest.mark.django_db

PANEL = 'data-testid="panel-matches"'


def _home(user: Any, language: str = "en") -> str:
    return page_as("/", user=user, language=language)


@pytest.mark.parametrize("roles", [("enterprise",), ("tto",), ("programme_officer",)])
def test_no_researcher_profile_offered_to_other_roles(make_person: Any, roles: Any) -> None:
    page = _home(make_person(roles=roles))
    assert PANEL not in page and "Create my profile" not in page


@pytest.mark.parametrize("roles", [("researcher",), (), ("reviewer",), ("researcher", "tto")])
def test_researchers_and_people_without_a_role_are_offered_one(
    make_person: Any, roles: Any
) -> None:
    page = _home(make_person(roles=roles))
    assert PANEL in page and "Create my profile" in page


def test_someone_with_a_profile_still_finds_partners(make_person: Any) -> None:
    from innobridge.people.models import ResearcherProfile

    person = make_person(roles=("enterprise",))
    ResearcherProfile.objects.create(person=person, region="HK")
    page = _home(person)
    assert PANEL in page and "Find partners for my profile" in page
