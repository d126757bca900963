"""An enterprise user and a technology-transfer officer were offered "Partners for you —
Create my researcher profile" on their home page. The panel is for those for whom a
researcher profile makes sense: researchers, and people without a more specific role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PANEL = 'data-testid="panel-matches"'


def _home(user: Any, language: str = "en") -> str:
    c = Client()
    c.force_login(user)
    c.cookies["innobridge_language"] = language
    response = c.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


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
