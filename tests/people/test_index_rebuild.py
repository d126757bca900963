"""The researcher index at rebuild time: the index in use keeps serving until the new one
is complete, a half-written index is never used, an interrupted build resumes without
embedding again what it had embedded, and `rebuild_index` shows a progress bar."""

from __future__ import annotations

from io import StringIO
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command

from innobridge.matching import SearchIndex
from innobridge.people import matching
from innobridge.people.models import Authorship, Organisation, Publication, ResearcherProfile
from tests.matching import _counting

COUNTING = "tests.matching._counting.CountingEmbedder"


@pytest.fixture
def people(db: Any, make_person: Any) -> list[ResearcherProfile]:
    org = Organisation.objects.create(name="HKUST", region="HK", primary_type="education")
    topics = ["protein structure", "machine translation", "graph theory", "battery materials"]
    out = []
    for n in range(8):
        person = make_person(f"r{n}", roles=("researcher",), display_name=f"R{n}")
        profile = ResearcherProfile.objects.create(
            person=person, organisation=org, region="HK", keywords=[topics[n % 4]]
        )
        for k in range(2):
            pub = Publication.objects.create(
                title=f"{topics[n % 4].title()} study {n}.{k}",
                abstract=f"We study {topics[n % 4]}. Result number {n} {k}.",
                year=2020,
            )
            Authorship.objects.create(researcher=profile, publication=pub)
        out.append(profile)
    return out


def test_the_index_in_use_serves_until_the_new_one_is_complete(people, monkeypatch) -> None:
    assert matching.rebuild(batch=3) == 8
    first = matching._read_version()
    assert first and (matching.index_dir() / first / "config.json").is_file()
    seen: list[tuple[int, Any, Any]] = []
    real_warm = matching._warm

    def warm_and_search(docs: Any, embedder: Any) -> None:
        real_warm(docs, embedder)
        # the old, complete index answers; the build is not shown as "partial results"
        seen.append(
            (len(matching.get_index()), matching.build_progress(), matching.rebuild_progress())
        )

    monkeypatch.setattr(matching, "_warm", warm_and_search)
    assert matching.rebuild(batch=3) == 8
    assert seen == [(8, None, (0, 8)), (8, None, (3, 8)), (8, None, (6, 8))]
    second = matching._read_version()
    assert second != first
    assert matching.rebuild_progress() is None
    # the previous version is kept for a reader still loading it; older ones are removed
    matching.rebuild(batch=8)
    third = matching._read_version()
    kept = sorted(p.name for p in matching.index_dir().glob("v-*"))
    assert kept == sorted([second, third])


def test_a_half_written_index_is_never_used(people, monkeypatch) -> None:
    matching.rebuild()
    before = matching._read_version()
    real_save = SearchIndex.save

    def crash_while_saving(self: SearchIndex, directory: Any) -> None:
        real_save(self, directory)
        (directory / "documents.jsonl").write_text("{truncated")
        raise OSError("disk full")

    monkeypatch.setattr(SearchIndex, "save", crash_while_saving)
    with pytest.raises(OSError):
        matching.rebuild()
    monkeypatch.undo()
    assert matching._read_version() == before
    matching.reset_for_tests()  # a new process loads the complete index in use
    assert len(matching.get_index()) == 8
    assert matching.search("protein structure", top_k=1)


def test_an_interrupted_build_resumes_without_embedding_again(people, settings) -> None:
    settings.MATCHING_EMBEDDER = COUNTING
    _counting.EMBEDDED.clear()

    def stop_after_two_batches(done: int, total: int) -> None:
        if done >= 4:
            raise KeyboardInterrupt

    docs = [matching.researcher_document(p) for p in matching._indexable()]
    with pytest.raises(KeyboardInterrupt):
        matching._build([d for d in docs if d], 2, stop_after_two_batches)
    assert matching._read_version() is None  # nothing half-built was saved
    assert matching.build_progress() is None and matching.rebuild_progress() is None
    first_run = list(_counting.EMBEDDED)
    assert first_run
    matching.reset_for_tests()
    _counting.EMBEDDED.clear()
    assert matching.rebuild(batch=2) == 8
    # the second run embedded only what the first had not: no text twice
    assert not set(first_run) & set(_counting.EMBEDDED)
    _counting.EMBEDDED.clear()
    matching.reset_for_tests()
    assert matching.rebuild() == 8
    assert _counting.EMBEDDED == []  # unchanged texts are never embedded again


def test_rebuild_index_command_shows_progress(people, capsys) -> None:
    out = StringIO()
    call_command("rebuild_index", "--batch", "3", stdout=out)
    assert "Indexed 8 researchers" in out.getvalue()
    err = capsys.readouterr().err
    assert "index researchers" in err and "8/8" in err and "researcher/s" in err


def test_an_index_of_other_units_is_rebuilt_when_the_engine_default_changes(
    people, settings
) -> None:
    """Issue 17 dropped the whole-text unit from the engine's default (half the model's
    tokens): an index built with the unit (before the upgrade) is not current, and a rebuild
    gives the new units, embedding only what is new (here: nothing)."""
    from innobridge.matching import DEFAULT_CONFIG

    settings.MATCHING_EMBEDDER = COUNTING
    assert not DEFAULT_CONFIG.whole_text_unit
    try:
        object.__setattr__(DEFAULT_CONFIG, "whole_text_unit", True)  # the old default
        matching.rebuild()
        old = matching.get_index()
        assert matching.index_is_current() and old.config.whole_text_unit
        old_counts = np.concatenate([u.counts for u in old._units.values()])
        assert old_counts.max() > 2  # texts of several sentences, each with its whole-text unit
    finally:
        object.__setattr__(DEFAULT_CONFIG, "whole_text_unit", False)
    assert not matching.index_is_current()
    _counting.EMBEDDED.clear()
    matching.rebuild()
    new = matching.get_index()
    assert matching.index_is_current() and not new.config.whole_text_unit
    new_counts = np.concatenate([u.counts for u in new._units.values()])
    # the same texts, each without its whole-text unit
    assert new_counts.tolist() == [c - 1 if c > 1 else c for c in old_counts.tolist()]
    assert _counting.EMBEDDED == []  # the sentences come from the cache


def test_an_index_saved_in_an_older_format_is_rebuilt_on_first_use(people) -> None:
    """A saved index whose format the engine no longer reads (an index format change) is
    not used: the first search after the upgrade builds a current one from the database."""
    import json

    from innobridge.matching import rank

    matching.rebuild()
    old = matching._read_version()
    assert old
    config = matching.index_dir() / old / "config.json"
    cfg = json.loads(config.read_text(encoding="utf-8"))
    cfg["format"] = rank.FORMAT - 1
    config.write_text(json.dumps(cfg), encoding="utf-8")
    matching.reset_for_tests()  # a new process after the upgrade
    assert not matching.index_is_current()
    assert len(matching.get_index()) == 8
    new = matching._read_version()
    assert new and new != old
    saved = json.loads((matching.index_dir() / new / "config.json").read_text(encoding="utf-8"))
    assert saved["format"] == rank.FORMAT
    assert matching.index_is_current()
    assert matching.search("protein structure", top_k=1)
