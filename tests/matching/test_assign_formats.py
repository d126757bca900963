"""``innobridge assign`` input formats at volume: JSON Lines, dense .npy/.npz matrices,
chunked CSV reading (ids coded across chunks, errors naming the line in any chunk)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from innobridge.matching import tables
from innobridge.matching.cli_assign import main, read_affinity

AFF_ROWS = [
    ("P1", "R1", 0.9),
    ("P1", "R2", 0.5),
    ("P1", "R3", 0.1),
    ("P2", "R1", 0.2),
    ("P2", "R2", 0.8),
    ("P2", "R3", 0.3),
]


def csv_file(tmp: Path, rows: list[tuple[str, str, float]], name: str = "aff.csv") -> str:
    p = tmp / name
    p.write_text(
        "item,reviewer,affinity\n" + "".join(f"{i},{r},{a}\n" for i, r, a in rows),
        encoding="utf-8",
    )
    return str(p)


def jsonl_file(tmp: Path, rows: list[tuple[str, str, float]], name: str = "aff.jsonl") -> str:
    p = tmp / name
    p.write_text(
        "".join(json.dumps({"item": i, "reviewer": r, "affinity": a}) + "\n" for i, r, a in rows),
        encoding="utf-8",
    )
    return str(p)


def out_pairs(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text().splitlines()))


def test_jsonl_and_dense_inputs_give_the_csv_result(tmp_path: Path) -> None:
    args = ["--k", "1", "--max-load", "1", "-q", "--output"]
    assert main(["--affinity", csv_file(tmp_path, AFF_ROWS), *args, str(tmp_path / "a.csv")]) == 0
    expected = out_pairs(tmp_path / "a.csv")
    assert expected[1:] == [["P1", "R1", "0.9"], ["P2", "R2", "0.8"]]

    assert main(["--affinity", jsonl_file(tmp_path, AFF_ROWS), *args, str(tmp_path / "b.csv")]) == 0
    assert out_pairs(tmp_path / "b.csv") == expected

    aff, items, revs = read_affinity(csv_file(tmp_path, AFF_ROWS))
    np.savez(tmp_path / "aff.npz", affinity=aff, items=np.array(items), reviewers=np.array(revs))
    assert main(["--affinity", str(tmp_path / "aff.npz"), *args, str(tmp_path / "c.csv")]) == 0
    assert out_pairs(tmp_path / "c.csv") == expected

    np.save(tmp_path / "aff.npy", aff)  # ids are the row and column numbers
    assert main(["--affinity", str(tmp_path / "aff.npy"), *args, str(tmp_path / "d.csv")]) == 0
    assert out_pairs(tmp_path / "d.csv")[1:] == [["0", "0", "0.9"], ["1", "1", "0.8"]]


def test_jsonl_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aff = jsonl_file(tmp_path, AFF_ROWS)
    assert main(["--affinity", aff, "--k", "1", "--max-load", "1", "-q", "--jsonl"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines == [
        {"item": "P1", "reviewer": "R1", "affinity": 0.9},
        {"item": "P2", "reviewer": "R2", "affinity": 0.8},
    ]
    out = tmp_path / "o.jsonl"
    assert main(["--affinity", aff, "--k", "1", "--max-load", "1", "-q", "-o", str(out)]) == 0
    assert [json.loads(x) for x in out.read_text().splitlines()] == lines


def test_jsonl_numbers_nulls_and_conflicts(tmp_path: Path) -> None:
    p = tmp_path / "aff.jsonl"
    p.write_text(
        '{"item": 1, "reviewer": "R1", "affinity": 0.9}\n'
        "\n"
        '{"item": 1, "reviewer": "R2", "affinity": null}\n'
        '{"item": 2, "reviewer": "R1", "affinity": "0.4"}\n'
        '{"item": 2, "reviewer": "R2", "affinity": 0.7}\n',
        encoding="utf-8",
    )
    aff, items, revs = read_affinity(str(p))
    assert items == ["1", "2"] and revs == ["R1", "R2"]
    assert np.isnan(aff[0, 1]) and aff[1, 0] == pytest.approx(0.4)
    conf = tmp_path / "c.jsonl"
    conf.write_text('{"item": 2, "reviewer": "R2"}\n', encoding="utf-8")
    out = tmp_path / "o.csv"
    argv = ["--affinity", str(p), "--conflicts", str(conf), "--k", "1", "--max-load", "2"]
    assert main([*argv, "-q", "-o", str(out)]) == 0
    assert out_pairs(out)[1:] == [["1", "R1", "0.9"], ["2", "R1", "0.4"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"item": "P1", "reviewer": "R1", "affinity": 0.5}\n{"item": "P1",\n', "line 2: invalid"),
        ('{"item": "P1", "reviewer": "R1", "affinity": "high"}\n', "line 1: affinity 'high'"),
        ('{"item": "P1", "reviewer": "R1", "affinity": 1}\n[1, 2]\n', "line 2: expected a JSON"),
        ('{"item": "", "reviewer": "R1", "affinity": 1}\n', 'line 1: missing or empty "item"'),
        ('{"item": "P1", "affinity": 1}\n', 'missing "reviewer"'),
        (
            '{"item": "P1", "reviewer": "R1", "affinity": 1}\n\n'
            '{"item": "P1", "reviewer": "R1", "affinity": 2}\n',
            "line 3: duplicate pair P1,R1",
        ),
    ],
)
def test_malformed_jsonl(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    p = tmp_path / "aff.jsonl"
    p.write_text(text, encoding="utf-8")
    assert main(["--affinity", str(p), "--k", "1", "--max-load", "1"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_malformed_dense(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    np.savez(tmp_path / "a.npz", affinity=np.ones((2, 2)), items=np.array(["A", "B"]))
    np.savez(
        tmp_path / "b.npz",
        affinity=np.ones((2, 2)),
        items=np.array(["A"]),
        reviewers=np.array(["x", "y"]),
    )
    np.save(tmp_path / "c.npy", np.array([[1.0, np.inf]]))
    (tmp_path / "d.npy").write_text("not numpy")
    for name, message in [
        ("a.npz", "missing arrays reviewers"),
        ("b.npz", "1 items and 2 reviewers"),
        ("c.npy", "must be finite"),
        ("d.npy", "not a NumPy"),
    ]:
        assert main(["--affinity", str(tmp_path / name), "--k", "1", "--max-load", "1"]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err


def test_chunked_reading_codes_ids_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many chunks (of 7 rows): ids keep their first-appearance order across chunks, the
    matrix equals a row-by-row reading, and errors in a later chunk name the right line."""
    monkeypatch.setattr(tables, "CHUNK_ROWS", 7)
    rng = np.random.default_rng(3)
    pairs = [(f"P{i}", f"R{r}") for i in range(9) for r in range(6)]
    order = rng.permutation(len(pairs))
    rows = [(*pairs[j], round(float(rng.random()), 4)) for j in order]
    for path in (csv_file(tmp_path, rows), jsonl_file(tmp_path, rows)):
        aff, items, revs = read_affinity(path)
        exp_items = list(dict.fromkeys(i for i, _, _ in rows))
        exp_revs = list(dict.fromkeys(r for _, r, _ in rows))
        assert items == exp_items and revs == exp_revs
        for i, r, a in rows:
            assert aff[items.index(i), revs.index(r)] == a

    i0, r0, _ = rows[0]
    path = csv_file(tmp_path, [*rows[:20], (i0, r0, 0.5)])  # a duplicate in the third chunk
    with pytest.raises(Exception, match=rf"line 22: duplicate pair {i0},{r0}"):
        read_affinity(path)
    short = tmp_path / "short.csv"
    short.write_text(
        "item,reviewer,affinity\n" + "".join(f"{i},{r},{a}\n" for i, r, a in rows[:15]) + "PX,RX\n"
    )
    with pytest.raises(Exception, match=r"line 17: expected 3 columns, got 2"):
        read_affinity(str(short))
    blank = tmp_path / "blank.csv"  # an empty affinity is "not allowed", not an error
    blank.write_text("item,reviewer,affinity\nP1,R1,\nP1,R2,0.5\n")
    aff, _, _ = read_affinity(str(blank))
    assert np.isnan(aff[0, 0]) and aff[0, 1] == 0.5
