"""benchmarks/transfer.py's "first live claim" view: the first claim that is not only
cancelled or withdrawn claims, read from the Pap2Pat source a record names (no model)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks.transfer import (
    LIVE,
    claim_has_text,
    live_claim,
    live_claim_patents,
    pap2pat_claims,
    patent_view,
)
from innobridge.transfer.matching import listing_text

ANTIBODY = "81. Antibody molecule wherein said antibody molecule is obtainable by hybridoma."


@pytest.mark.parametrize(
    ("claims", "live"),
    [
        (["1-80. (canceled)", ANTIBODY, "82. The antibody molecule of claim 81."], ANTIBODY),
        (
            ["1. (canceled)", "2. (canceled)", "3. A method of detecting X."],
            "3. A method of detecting X.",
        ),
        (["1-84. (cancelled)", "85. A mutated viral sequence."], "85. A mutated viral sequence."),
        (
            ["1.-27. (Canceled)", "28. A method for testing cells."],
            "28. A method for testing cells.",
        ),
        (
            ["1. to 36. (canceled)", "37. A composition of two drugs."],
            "37. A composition of two drugs.",
        ),
        (
            ["1-5. (withdrawn)", "6. (Withdrawn)", "7. A device with a frame."],
            "7. A device with a frame.",
        ),
        (
            ["1. A method of heating a sample.", "2. The method of claim 1."],
            "1. A method of heating a sample.",
        ),
        (["1. (canceled)", "2. A kit\ncomprising:\n   a probe."], "2. A kit comprising: a probe."),
        (["1-3. (canceled)"], None),
        ([], None),
    ],
)
def test_live_claim_is_the_first_claim_with_text(claims: list[str], live: str | None) -> None:
    assert live_claim(claims) == live


def test_the_marks_alone_are_no_text() -> None:
    for empty in ("1-80. (canceled)", "1. (cancelled)", "5-9. (withdrawn)", "1. to 36. (canceled)"):
        assert not claim_has_text(empty)
    assert claim_has_text("1. A method comprising heating a sample.")


def test_the_adapter_reads_a_late_claim_like_claim_1() -> None:
    """The live claim keeps its own number (81.) and may refer to other claims: the
    adapter's listing_text drops both, as for a claim 1."""
    assert listing_text(ANTIBODY) == ANTIBODY.removeprefix("81. ")
    assert listing_text("82. The antibody molecule according to claim 81, wherein it binds.") == (
        "The antibody molecule, wherein it binds."
    )
    assert listing_text("14: A topical formulation of claim 3.") == "A topical formulation."


def _record(pid: str, commit: str, claims_first: str) -> dict[str, Any]:
    return {
        "id": pid,
        "title": f"Title of {pid}",
        "abstract": f"Abstract of {pid}.",
        "claims_first": claims_first,
        "source": f"github:boschresearch/Pap2Pat@{commit}:Pap2Pat/data/W1-{pid}/patent.json",
    }


def _source(tmp_path: Path) -> tuple[Path, str]:
    """A Pap2Pat-like repository with three records, and its commit."""
    work = tmp_path / "Pap2Pat"
    for pid, claims in {
        "US1": ["1-80. (canceled)", f"{ANTIBODY}\n", "82. The antibody of claim 81."],
        "US2": ["1. (canceled)", "2. (canceled)"],
        "US3": ["1. A method comprising heating a sample.", "2. The method of claim 1."],
    }.items():
        d = work / "Pap2Pat" / "data" / f"W1-{pid}"
        d.mkdir(parents=True)
        (d / "patent.json").write_text(json.dumps({"id": pid, "claims": claims}))
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "data"], check=True)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return work, commit


@pytest.mark.parametrize("kind", ["bare git", "files"])
def test_live_claim_patents_replaces_only_the_cancelled_first_claims(
    tmp_path: Path, kind: str
) -> None:
    work, commit = _source(tmp_path)
    if kind == "bare git":
        source = tmp_path / "Pap2Pat.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(work), str(source)], check=True)
    else:
        source = tmp_path / "copy"  # the repository's files, no git
        shutil.copytree(work / "Pap2Pat", source / "Pap2Pat")
    patents = {
        "US1": _record("US1", commit, "1-80. (canceled)"),
        "US2": _record("US2", commit, "1. (canceled)"),
        "US3": _record("US3", commit, "1. A method comprising heating a sample."),
        "US4": _record("US4", commit, "1-9. (canceled)"),  # not in the source
        "NASA1": {
            "id": "NASA1",
            "title": "A NASA patent",
            "abstract": "Its abstract.",
            "source": "github:cew821/nasa_patent_parser@0:x.json",
        },
    }
    shown, info = live_claim_patents(patents, source)
    assert shown["US1"]["claims_first"] == ANTIBODY
    assert patent_view(shown["US1"], LIVE) == ("", ANTIBODY)
    for kept in ("US2", "US3", "US4", "NASA1"):
        assert shown[kept] == patents[kept]
    assert patent_view(shown["NASA1"], LIVE) == ("A NASA patent", "Its abstract.")
    assert patents["US1"]["claims_first"] == "1-80. (canceled)"  # the data is not changed
    assert info["pap2pat records whose claims_first has no text"] == 3
    assert info["replaced by their first live claim"] == 1
    assert info["source has no live claim"] == ["US2"]
    assert info["not found in the source"] == ["US4"]
    assert info["source's first claim is not claims_first (whitespace collapsed)"] == []
    assert info["commits named by the records"] == [commit]


def test_a_git_source_is_read_at_the_commit_the_record_names(tmp_path: Path) -> None:
    work, commit = _source(tmp_path)
    d = work / "Pap2Pat" / "data" / "W1-US2"
    (d / "patent.json").write_text(json.dumps({"claims": ["1. (canceled)", "2. A later claim."]}))
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "commit", "-qam", "later"], check=True)
    claims = pap2pat_claims(work, [_record("US2", commit, "1. (canceled)")])
    assert claims == [["1. (canceled)", "2. (canceled)"]]
