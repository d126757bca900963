"""Researcher profiles: creation, updates (owner or administrator), search."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.models import AuditEvent
from innobridge.people import selectors
from innobridge.people.models import ResearcherProfile
from innobridge.people.services import (
    PublicationData,
    add_publications,
    create_profile,
    create_researcher,
    update_profile,
)

pytestmark = pytest.mark.django_db

VALID_ORCID = "0000-0002-1825-0097"  # ORCID's documented example iD


def test_create_researcher_makes_person_profile_and_role(hk_org: Any) -> None:
    profile = create_researcher(
        None,
        username="chan",
        display_name="陳大文",
        organisation=hk_org,
        keywords=["Machine learning", "machine learning", "材料"],
        orcid=VALID_ORCID,
        is_demo=True,
    )
    person = profile.person
    assert profile.region == "HK"  # from the organisation
    assert profile.keywords == ["Machine learning", "材料"]
    assert not person.has_usable_password()
    assert person.is_demo and profile.is_demo
    assert list(person.groups.values_list("name", flat=True)) == ["researcher"]
    assert "陈大文" in profile.search_text  # folded to Simplified
    assert "香港科技大学" in profile.search_text
    assert AuditEvent.objects.filter(action="people.researcher.created").count() == 1


def test_create_researcher_rejects_bad_orcid_and_writes_nothing(hk_org: Any) -> None:
    with pytest.raises(ValidationError) as info:
        create_researcher(
            None,
            username="x",
            display_name="X",
            organisation=hk_org,
            orcid="0000-0002-1825-0098",
        )
    assert "orcid" in info.value.message_dict
    assert not ResearcherProfile.objects.exists()
    from innobridge.people.models import Person

    assert not Person.objects.filter(username="x").exists()


def test_create_researcher_needs_admin_when_called_by_a_user(make_person: Any, hk_org: Any) -> None:
    someone = make_person("someone", roles=("researcher",))
    with pytest.raises(PermissionDenied):
        create_researcher(someone, username="y", display_name="Y", organisation=hk_org)
    admin = make_person("admin", roles=("administrator",))
    assert create_researcher(admin, username="y", display_name="Y", organisation=hk_org).pk


def test_update_profile_by_owner(make_researcher: Any, cn_org: Any) -> None:
    profile = make_researcher("owner")
    updated = update_profile(
        profile.person,
        profile,
        orcid=f"https://orcid.org/{VALID_ORCID}",
        organisation=cn_org,
        keywords="robotics, 机器人，control",
        biography="我研究機器人。",
        biography_language="zh-hant",
        career_stage="early",
    )
    assert updated.orcid == VALID_ORCID
    assert updated.region == "CN"  # follows the new organisation
    assert updated.keywords == ["robotics", "机器人", "control"]
    assert "中山大学" in updated.search_text and "robotics" in updated.search_text
    event = AuditEvent.objects.get(action="people.researcher.updated")
    assert event.before is not None and event.after is not None
    assert event.before["orcid"] is None and event.after["orcid"] == VALID_ORCID


def test_update_profile_validates_every_field(make_researcher: Any) -> None:
    profile = make_researcher("owner")
    with pytest.raises(ValidationError) as info:
        update_profile(
            profile.person,
            profile,
            orcid="1234",
            biography_language="fr",
            career_stage="wizard",
            keywords=[1, 2],
        )
    assert set(info.value.message_dict) >= {
        "orcid",
        "biography_language",
        "career_stage",
        "keywords",
    }
    profile.refresh_from_db()
    assert profile.orcid is None


def test_update_profile_rejects_other_people(make_researcher: Any, make_person: Any) -> None:
    profile = make_researcher("owner")
    other = make_researcher("other")
    with pytest.raises(PermissionDenied):
        update_profile(other.person, profile, position="Hacker")
    admin = make_person("admin", roles=("administrator",))
    assert update_profile(admin, profile, position="Professor").position == "Professor"


def test_duplicate_orcid_is_a_field_error(make_researcher: Any) -> None:
    make_researcher("a", orcid=VALID_ORCID)
    b = make_researcher("b")
    with pytest.raises(ValidationError) as info:
        update_profile(b.person, b, orcid=VALID_ORCID)
    assert "orcid" in info.value.message_dict


def test_create_own_profile(make_person: Any, hk_org: Any) -> None:
    person = make_person("newbie", display_name="New Bie")
    profile = create_profile(person, person, organisation=hk_org, keywords=["optics"])
    assert profile.person == person and profile.region == "HK"
    assert person.groups.filter(name="researcher").exists()
    with pytest.raises(ValidationError):
        create_profile(person, person, organisation=hk_org)
    stranger = make_person("stranger")
    with pytest.raises(PermissionDenied):
        create_profile(stranger, make_person("victim"), organisation=hk_org)


def test_search_researchers_filters(make_researcher: Any, cn_org: Any, hk_org: Any) -> None:
    a = make_researcher(
        "a", display_name="陳大文", keywords=["材料科學"], orcid=VALID_ORCID, career_stage="senior"
    )
    b = make_researcher("b", display_name="Li Wei", organisation=cn_org, keywords=["robotics"])
    hidden = make_researcher("c", display_name="Hidden Person")
    update_profile(None, hidden, is_public=False)

    def names(**filters: Any) -> list[str]:
        return sorted(p.person.username for p in selectors.search_researchers(None, **filters))

    assert names() == ["a", "b"]  # the hidden profile is not listed
    assert names(q="陈大文") == ["a"]  # Simplified finds Traditional
    assert names(q="材料科学") == ["a"]
    assert names(q="中山大學") == ["b"]  # organisation name, other script
    assert names(region="CN") == ["b"]
    assert names(organisation=hk_org.pk) == ["a"]
    assert names(career_stage="senior") == ["a"]
    assert names(keyword="ROBOTICS") == ["b"]
    assert names(has_orcid=True) == ["a"]
    assert names(has_orcid=False) == ["b"]
    assert hidden.pk in [p.pk for p in selectors.search_researchers(hidden.person)]
    # ordered by name: "Sun Yat-sen University" before "The Hong Kong University ..."
    assert list(selectors.organisations_with_researchers()) == [cn_org, hk_org]
    assert a and b


def test_publications_for_filters(make_researcher: Any) -> None:
    a = make_researcher("a")
    add_publications(
        a.person,
        a,
        [
            PublicationData(title="基於深度學習的蛋白質結構預測", year=2021, doi="10.1000/A"),
            PublicationData(title="Graph networks", year=2020),
        ],
    )
    assert [p.year for p in selectors.researcher_publications(a)] == [2021, 2020]
    assert selectors.publications_for(None, q="深度学习").count() == 1  # Simplified query
    assert selectors.publications_for(None, year=2020).get().title == "Graph networks"
    assert selectors.publications_for(None, doi="https://doi.org/10.1000/a").count() == 1
    assert selectors.publications_for(None, researcher=a.pk).count() == 2
    update_profile(None, a, is_public=False)
    assert selectors.publications_for(None).count() == 0
    assert selectors.publications_for(a.person).count() == 2
