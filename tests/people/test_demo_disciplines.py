"""Issue 11 §8: "at least one researcher with rich real publications per discipline on
each side". Rich: at least ``RICH_PAPERS`` (5) real publications from the data sets in
``settings.DATA_DIR`` (with their licence note), each with an abstract, in the discipline.
Checked over the demo's disciplines on the full-size demo population."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from innobridge.people import demo, demo_papers
from innobridge.people.models import ResearcherProfile

pytestmark = pytest.mark.skipif(
    not (Path(settings.DATA_DIR) / "csl").exists(), reason="settings.DATA_DIR has no csl/"
)


def rich_researchers() -> dict[str, dict[str, int]]:
    """discipline → side → how many demo researchers are rich in it."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for profile in ResearcherProfile.objects.filter(person__is_demo=True):
        per: Counter[str] = Counter()
        for pub in profile.publications.all():
            if pub.abstract.strip() and pub.licence and pub.source_id:
                per[demo_papers.publication_discipline(pub.licence, pub.venue, pub.keywords)] += 1
        for discipline, n in per.items():
            if discipline and n >= demo_papers.RICH_PAPERS:
                out[discipline][profile.region] += 1
    return out


def test_every_discipline_has_a_rich_researcher_on_each_side(db: Any) -> None:
    assert demo.seed_researchers(scale=1.0) >= 140
    rich = rich_researchers()
    missing = [
        (d, side)
        for d in demo_papers.DEMO_DISCIPLINES
        for side in ("HK", "CN")
        if not rich.get(d, {}).get(side)
    ]
    assert not missing, missing
    # the demo keeps to its disciplines: every researcher's main discipline is one of them
    for profile in ResearcherProfile.objects.filter(person__is_demo=True).prefetch_related(
        "publications"
    ):
        main = Counter(
            demo_papers.publication_discipline(p.licence, p.venue, p.keywords)
            for p in profile.publications.all()
        ).most_common(1)
        assert main and main[0][0] in demo_papers.DEMO_DISCIPLINES, (profile, main)


def test_the_disciplines_of_stored_and_pooled_papers_agree() -> None:
    paper = demo_papers.Paper("arxiv", "astro-ph", "Astrophysics", {})
    assert demo_papers.paper_discipline(paper) == "天文学"
    assert demo_papers.publication_discipline(demo_papers.LICENCE_ARXIV, "", ["hep-th"]) == "物理学"
    assert demo_papers.publication_discipline(demo_papers.LICENCE_CSL, "CSL: 药学", []) == "药学"
    assert demo_papers.publication_discipline("", "", []) == ""
