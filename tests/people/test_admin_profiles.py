"""The researcher-profile admin wrote rows directly: a profile added there had no search
text and no researcher role, a change left the search text stale and was not audited.
Profiles now go through ``create_profile`` and ``update_profile``, are not deleted there,
and publications (added by researchers and the imports) are only shown."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.pages import admin_form_data, superuser_client

pytestmark = pytest.mark.django_db


def _events(action: str) -> int:
    from innobridge.core.models import AuditEvent

    return AuditEvent.objects.filter(action=action).count()


def test_a_profile_added_and_changed_in_the_admin_goes_through_the_services(
    make_person: Any,
) -> None:
    from innobridge.core.permissions import Role, can_act_as
    from innobridge.people.models import Person, ResearcherProfile

    c = superuser_client(make_person)
    person = make_person("wong", display_name="Wong Ka-yan")
    add = "/admin/people/researcherprofile/add/"
    data = admin_form_data(c.get(add))
    data.update(person=str(person.pk), region="HK", keywords=json.dumps(["quantum optics"]),
                career_stage=data.get("career_stage") or "", biography_language="en")  # fmt: skip
    response = c.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = ResearcherProfile.objects.get(person=person)
    assert "quantum optics" in profile.search_text
    assert can_act_as(Person.objects.get(pk=person.pk), Role.RESEARCHER)
    assert _events("people.researcher.created") == 1

    url = f"/admin/people/researcherprofile/{profile.pk}/change/"
    data = admin_form_data(c.get(url))
    data["keywords"] = json.dumps(["photonic crystals"])
    assert c.post(url, data).status_code == 302
    profile.refresh_from_db()
    assert "photonic crystals" in profile.search_text and "quantum" not in profile.search_text
    assert _events("people.researcher.updated") == 1
    # a bad ORCID is refused with a message, nothing written
    response = c.post(url, {**data, "orcid": "not-an-orcid"}, follow=True)
    profile.refresh_from_db()
    assert profile.orcid in (None, "")
    assert _events("people.researcher.updated") == 1
    assert response.status_code == 200
    assert c.get(f"/admin/people/researcherprofile/{profile.pk}/delete/").status_code == 403


def test_publications_are_only_shown(make_person: Any) -> None:
    from innobridge.people.models import Publication

    pub = Publication.objects.create(title="On photonic crystals", year=2024)
    c = superuser_client(make_person)
    assert c.get("/admin/people/publication/").status_code == 200
    page = c.get(f"/admin/people/publication/{pub.pk}/change/")
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()
    assert c.get("/admin/people/publication/add/").status_code == 403
    assert c.get(f"/admin/people/publication/{pub.pk}/delete/").status_code == 403
