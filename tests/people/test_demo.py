"""The demo people: one account per role, reproducible demo researchers with real
papers, and ``innobridge demo`` set-up that can be re-run."""

from __future__ import annotations

import random
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from innobridge.people import demo, demo_papers
from innobridge.people.models import Person, Publication, ResearcherProfile

needs_data = pytest.mark.skipif(
    not (Path(settings.DATA_DIR) / "csl").exists(), reason="settings.DATA_DIR has no csl/"
)


def test_role_accounts_once_each(db: Any) -> None:
    demo.seed_role_accounts()
    demo.seed_role_accounts()
    people = Person.objects.filter(username__in=[a[1] for a in demo.DEMO_ACCOUNTS])
    assert people.count() == 6
    assert all(p.is_demo and p.check_password(demo.DEMO_PASSWORD) for p in people)
    roles = {p.username: set(p.groups.values_list("name", flat=True)) for p in people}
    assert roles["demo-officer"] == {"programme_officer"}
    assert "reviewer" in roles["demo-reviewer"]
    assert roles["demo-facility"] == {"facility_manager"}
    assert roles["demo-enterprise"] == {"enterprise"}
    admin = people.get(username="demo-admin")
    assert admin.is_staff and admin.is_superuser


@needs_data
def test_demo_researchers_have_coherent_real_papers(db: Any) -> None:
    created = demo.seed_researchers(scale=0.1)
    assert created >= 12
    assert demo.seed_researchers(scale=0.1) == 0  # a re-run adds nothing
    profiles = ResearcherProfile.objects.filter(person__username__startswith="demo-0")
    assert profiles.count() == created
    assert {p.region for p in profiles} == {"HK", "CN"}
    for profile in profiles:
        assert profile.person.is_demo
        assert "Demo profile" not in profile.biography  # demo is the flag, not expertise
        assert "demo" not in [k.lower() for k in profile.keywords]
        org = profile.organisation
        if org is not None and org.ror_id in demo.RESEARCH_INSTITUTES:
            assert "Professor" not in profile.position  # an institute has research ranks
        publications = list(profile.publications.all())
        assert len(publications) >= 3
        assert all(p.licence for p in publications)
    licences = set(Publication.objects.values_list("licence", flat=True))
    assert demo_papers.LICENCE_CSL in licences
    assert licences <= {demo_papers.LICENCE_CSL, demo_papers.LICENCE_ARXIV, demo_papers.LICENCE_ACL}


@needs_data
def test_same_seed_same_papers() -> None:
    def draw(seed: int) -> list[str]:
        rng = random.Random(seed)
        pools = demo_papers.load_pools(Path(settings.DATA_DIR), rng)
        ids = []
        for region, corpus in (("HK", "english"), ("CN", "csl"), ("HK", "csl")):
            papers, *_ = demo._draw_papers(pools, region, corpus, rng)
            ids += [p.record["id"] for p in papers]
        return ids

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)


def test_demo_command_sets_up_without_serving(db: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("INNOBRIDGE_DEMO_SCALE", "0.02")
    monkeypatch.setenv("INNOBRIDGE_DEMO", "0")
    out = StringIO()
    with override_settings(INNOBRIDGE_DEMO=False):
        call_command("demo", "--no-serve", "--skip-ror", stdout=out)
        assert settings.INNOBRIDGE_DEMO is True  # the demo banner
    text = out.getvalue()
    for _label, username, password in demo.DEMO_ACCOUNTS:
        assert username in text and password in text
    assert "/accounts/login/" in text


@needs_data
def test_role_accounts_have_real_expertise_not_the_word_demo(db: Any) -> None:
    """The demo researcher and reviewer work on a real field with real papers: "demo" is
    their flag, never a keyword or a word of their biography (issue 11 §2, §8)."""
    from innobridge.people.matching import profile_text

    demo.seed_role_accounts()
    for username, field in (
        ("demo-researcher", "quantum"),
        ("demo-reviewer", "translation"),
    ):
        profile = ResearcherProfile.objects.get(person__username=username)
        assert profile.person.is_demo
        assert "demo" not in [k.lower() for k in profile.keywords]
        assert "demo" not in profile.biography.lower()
        titles = list(profile.publications.values_list("title", flat=True))
        assert len(titles) >= 3 and all(t.strip() for t in titles)
        assert field in " ".join(titles).lower()
        text = profile_text(profile).lower()
        assert "associate professor" not in text and "demo" not in text


def test_institute_ranks_are_positions_the_ui_translates() -> None:
    """A Chinese Academy of Sciences institute's demo researchers hold research ranks
    (研究员, 副研究员), shown in the reader's language like every known position."""
    from django.utils import translation

    from innobridge.core.language import position_name

    with translation.override("zh-hans"):
        for english, chinese in demo.INSTITUTE_POSITIONS.values():
            assert "Professor" not in english
            assert position_name(english) == chinese, english
