"""``innobridge import_works``: OpenAlex snapshot JSON Lines and ORCID works files in bulk —
de-duplicated by DOI, one transaction, bad lines stop the run or are skipped by option,
a report of what was created, updated, skipped and why."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from innobridge.core.models import AuditEvent
from innobridge.people.models import Authorship, Publication, ResearcherProfile

from .openalex_gen import work, write_works

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "openalex_snapshot_sample.jsonl"  # two real OpenAlex works, one per line


def run(*argv: str) -> str:
    out = StringIO()
    call_command("import_works", *argv, stdout=out, verbosity=0)
    return out.getvalue()


@pytest.mark.django_db
def test_a_real_format_sample_then_a_reimport_changes_nothing() -> None:
    assert "2 read: 2 created, 0 updated, 0 unchanged, 0 skipped" in run("--openalex", str(SAMPLE))
    numpy = Publication.objects.get(doi="10.1038/s41586-020-2649-2")
    assert numpy.title == "Array programming with NumPy" and numpy.venue == "Nature"
    assert numpy.abstract.startswith("Array programming provides")
    assert numpy.author_names[0] == "Charles R. Harris" and numpy.source == "openalex"
    assert "2 read: 0 created, 0 updated, 2 unchanged" in run("--openalex", str(SAMPLE))
    assert Publication.objects.count() == 2
    event = (
        AuditEvent.objects.filter(action="people.publications.bulk_imported").order_by("pk").last()
    )
    assert event is not None and event.after["created"] == 0


@pytest.mark.django_db
def test_dois_de_duplicated_and_existing_records_completed(tmp_path: Path) -> None:
    Publication.objects.create(title="Old record", doi="10.5555/gen.1", abstract="")
    works = tmp_path / "w.jsonl"
    write_works(works, 3)
    with works.open("a", encoding="utf-8") as fh:  # the same DOI again, another title
        w = work(2, __import__("random").Random(1))
        w["title"] = w["display_name"] = "A second copy"
        fh.write(json.dumps(w) + "\n")
    report = tmp_path / "report.json"
    out = run("--openalex", str(works), "--report", str(report))
    assert "4 read: 2 created, 1 updated, 0 unchanged, 1 skipped" in out
    assert "w.jsonl line 4: duplicate DOI: 10.5555/gen.2 (first at w.jsonl line 3)" in out
    old = Publication.objects.get(doi="10.5555/gen.1")
    assert old.title == "Old record" and old.abstract  # filled, never overwritten
    data = json.loads(report.read_text())
    assert data["skipped_by_reason"] == {"duplicate DOI": 1}
    assert data["skipped_lines"][0]["where"] == "w.jsonl line 4"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ('{"id": "https://openalex.org/W1", "display_name": "x"', "invalid JSON"),
        ('{"id": "https://openalex.org/W1", "display_name": ""}', "no display_name or title"),
        ('{"display_name": "x", "doi": "not a doi at all"}', "is not a DOI"),
        ("[1, 2]", "not a JSON object"),
        ("[" * 100_000 + "]" * 100_000, "line 3"),
    ],
)
def test_a_bad_line_stops_the_run_and_nothing_is_imported(
    tmp_path: Path, bad: str, reason: str
) -> None:
    works = write_works(tmp_path / "w.jsonl", 2)
    with works.open("a", encoding="utf-8") as fh:
        fh.write(bad + "\n")
        fh.write(json.dumps(work(99, __import__("random").Random(2))) + "\n")
    with pytest.raises(CommandError, match=r"w\.jsonl line 3") as exc:
        run("--openalex", str(works))
    assert reason in str(exc.value) and "nothing was imported" in str(exc.value)
    assert Publication.objects.count() == 0
    out = run("--openalex", str(works), "--on-error", "skip")
    assert "4 read: 3 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert "skipped w.jsonl line 3: invalid" in out


@pytest.mark.django_db
def test_works_are_linked_to_researchers_by_orcid(tmp_path: Path, make_person: Any) -> None:
    person = make_person("orc", roles=("researcher",))
    profile = ResearcherProfile.objects.create(person=person, orcid="0000-0002-1825-0097")
    works = tmp_path / "w.jsonl"
    rng = __import__("random").Random(3)
    works.write_text(
        json.dumps(work(1, rng, orcids=["0000-0002-1825-0097"]))
        + "\n"
        + json.dumps(work(2, rng))
        + "\n",
        encoding="utf-8",
    )
    assert "1 linked to researchers" in run("--openalex", str(works))
    assert list(Authorship.objects.values_list("researcher_id", flat=True)) == [profile.pk]
    # ORCID works files named by ORCID iD: linked to their owner, DOI de-duplicated
    d = tmp_path / "orcid"
    d.mkdir()
    shutil.copy(DATA / "orcid_works.json", d / "0000-0002-1825-0097.json")
    out = run("--orcid-dir", str(d))
    assert "linked to researchers" in out and "0 skipped" in out
    assert profile.publications.count() > 1


@pytest.mark.django_db
def test_volume_in_one_transaction(tmp_path: Path, django_assert_max_num_queries: Any) -> None:
    works = write_works(tmp_path / "w.jsonl", 5000)
    with django_assert_max_num_queries(150):  # bulk: a few queries per batch, not per work
        out = run("--openalex", str(works))
    assert "5000 read: 5000 created" in out
    assert Publication.objects.count() == 5000
