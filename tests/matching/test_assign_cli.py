"""``innobridge assign`` on small CSV files (no Django)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from innobridge.matching.cli_assign import main

AFF = """item,reviewer,affinity
P1,R1,0.9
P1,R2,0.5
P1,R3,0.1
P2,R1,0.2
P2,R2,0.8
P2,R3,0.3
"""


def write(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(text.splitlines()))


def test_assign_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aff = write(tmp_path, "aff.csv", AFF)
    assert main(["--affinity", aff, "--k", "1", "--max-load", "1"]) == 0
    out, err = capsys.readouterr()
    assert rows(out) == [["item", "reviewer", "affinity"], ["P1", "R1", "0.9"], ["P2", "R2", "0.8"]]
    assert "total affinity 1.7000" in err


def test_cross_border_conflicts_fair_output_file(tmp_path: Path) -> None:
    aff = write(tmp_path, "aff.csv", AFF)
    reg = write(tmp_path, "reg.csv", "reviewer,region\nR1,HK\nR2,HK\nR3,Mainland\n")
    conf = write(tmp_path, "c.csv", "item,reviewer\nP1,R1\n")
    out = tmp_path / "out.csv"
    argv = ["--affinity", aff, "--k", "2", "--max-load", "2", "--cross-border", reg]
    argv += ["--conflicts", conf, "--fair", "--output", str(out), "-q"]
    assert main(argv) == 0
    got = rows(out.read_text())
    assert got[0] == ["item", "reviewer", "affinity"]
    pairs = {(r[0], r[1]) for r in got[1:]}
    assert pairs == {("P1", "R2"), ("P1", "R3"), ("P2", "R2"), ("P2", "R3")}


def test_infeasible_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aff = write(tmp_path, "aff.csv", AFF)
    reg = write(tmp_path, "reg.csv", "reviewer,region\nR1,HK\nR2,HK\nR3,Mainland\n")
    conf = write(tmp_path, "c.csv", "item,reviewer\nP2,R3\n")
    argv = ["--affinity", aff, "--k", "2", "--max-load", "2", "--cross-border", reg]
    assert main([*argv, "--conflicts", conf]) == 3
    err = capsys.readouterr().err
    assert "item P2 needs a reviewer from Mainland but every Mainland reviewer is conflicted" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reviewer,item,affinity\nR1,P1,0.5\n", "expected header item,reviewer,affinity"),
        ("item,reviewer,affinity\nP1,R1,high\n", "line 2: affinity 'high' is not a number"),
        ("item,reviewer,affinity\nP1,R1\n", "line 2: expected 3 columns"),
        ("item,reviewer,affinity\nP1,R1,0.5\nP1,R1,0.6\n", "line 3: duplicate pair P1,R1"),
        ("item,reviewer,affinity\n", "has a header but no rows"),
        ("", "is empty"),
        ("item,reviewer,affinity\nP1,R1,inf\n", "must be finite"),
    ],
)
def test_malformed_affinity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    aff = write(tmp_path, "aff.csv", text)
    assert main(["--affinity", aff, "--k", "1", "--max-load", "1"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_file_and_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--affinity", str(tmp_path / "nope.csv"), "--k", "1", "--max-load", "1"]) == 2
    assert "cannot read" in capsys.readouterr().err
    aff = write(tmp_path, "aff.csv", AFF)
    assert main(["--affinity", aff, "--k", "x", "--max-load", "1"]) == 2
    assert main(["--affinity", aff, "--k", "0", "--max-load", "1"]) == 2
    assert main(["--affinity", aff, "--k", "1"]) == 2
    bad = write(tmp_path, "reg.csv", "reviewer,region\nR1,\n")
    assert main(["--affinity", aff, "--k", "1", "--max-load", "1", "--cross-border", bad]) == 2


def test_help_documents_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for fmt in ("item,reviewer,affinity", "item,reviewer", "reviewer,region", "exit status"):
        assert fmt in out
