"""``innobridge assign``: optimal reviewer assignment from CSV files.

Runs without Django; ``innobridge/cli.py`` dispatches ``innobridge assign ...`` here.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from innobridge.matching.assign import Assignment, InfeasibleAssignment, assign

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3

DESCRIPTION = """\
Assign reviewers to items (proposals) optimally: every item gets exactly K reviewers,
every reviewer gets between --min-load and --max-load items, conflicts are never used,
and the total affinity is maximal (exact min-cost flow; with --fair, the worst-served
item's total affinity is maximised first, then the total).
"""

EPILOG = """\
file formats (UTF-8 CSV, first line is the header, column order as shown):
  --affinity   item,reviewer,affinity   one row per allowed pair; affinity is a number.
                                        Pairs not listed (or with an empty/NaN affinity)
                                        are not allowed. The items and reviewers are the
                                        ids that appear in this file.
  --conflicts  item,reviewer            forbidden pairs (conflicts of interest); ids not in
                                        the affinity file are ignored.
  --cross-border
               reviewer,region          region label per reviewer (e.g. HK, Mainland);
                                        every item then needs at least one reviewer from
                                        each region listed in this file. Reviewers not in
                                        the file have no region.
  output       item,reviewer,affinity   one row per assigned pair, sorted by item, written
                                        to --output or standard output.

exit status: 0 success, 2 malformed input or bad options, 3 infeasible instance (the reason,
naming the items that cannot be covered, is printed on standard error).

example:
  innobridge assign --affinity aff.csv --k 3 --max-load 6 --conflicts coi.csv \\
      --cross-border regions.csv --fair --output assignment.csv
"""


class InputError(Exception):
    """Malformed input file (message is shown to the user)."""


def _reader(path: str, expected: Sequence[str]) -> tuple[list[list[str]], str]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text") from exc
    rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
    if not rows:
        raise InputError(f"{path} is empty (expected header {','.join(expected)})")
    header = [c.strip().lower() for c in rows[0]]
    if header[: len(expected)] != list(expected):
        raise InputError(f"{path}: expected header {','.join(expected)}, got {','.join(rows[0])}")
    body = rows[1:]
    for n, row in enumerate(body, start=2):
        if len(row) < len(expected):
            raise InputError(f"{path} line {n}: expected {len(expected)} columns, got {len(row)}")
        if any(not c.strip() for c in row[:2]):
            raise InputError(f"{path} line {n}: empty {expected[0]} or {expected[1]}")
    return body, path


def read_affinity(path: str) -> tuple[np.ndarray, list[str], list[str]]:
    """Long-format affinity CSV -> (items x reviewers matrix with NaN gaps, item ids,
    reviewer ids), ids in first-appearance order."""
    rows, _ = _reader(path, ("item", "reviewer", "affinity"))
    items: dict[str, int] = {}
    revs: dict[str, int] = {}
    triples: list[tuple[int, int, float]] = []
    for n, row in enumerate(rows, start=2):
        it, rv, val = row[0].strip(), row[1].strip(), row[2].strip()
        if val == "":
            a = math.nan
        else:
            try:
                a = float(val)
            except ValueError:
                raise InputError(f"{path} line {n}: affinity {val!r} is not a number") from None
            if math.isinf(a):
                raise InputError(f"{path} line {n}: affinity must be finite")
        i = items.setdefault(it, len(items))
        r = revs.setdefault(rv, len(revs))
        triples.append((i, r, a))
    if not triples:
        raise InputError(f"{path} has a header but no rows")
    aff = np.full((len(items), len(revs)), np.nan)
    seen = np.zeros(aff.shape, dtype=bool)
    for n, (i, r, a) in enumerate(triples, start=2):
        if seen[i, r]:
            raise InputError(f"{path} line {n}: duplicate pair {rows[n - 2][0]},{rows[n - 2][1]}")
        seen[i, r] = True
        aff[i, r] = a
    return aff, list(items), list(revs)


def read_conflicts(path: str, items: list[str], revs: list[str]) -> list[tuple[int, int]]:
    """Conflicts CSV -> index pairs (unknown ids are ignored)."""
    rows, _ = _reader(path, ("item", "reviewer"))
    ii = {x: j for j, x in enumerate(items)}
    rr = {x: j for j, x in enumerate(revs)}
    out = []
    for row in rows:
        i, r = ii.get(row[0].strip()), rr.get(row[1].strip())
        if i is not None and r is not None:
            out.append((i, r))
    return out


def read_regions(path: str, revs: list[str]) -> tuple[list[str | None], list[str]]:
    """Regions CSV -> (label per reviewer, required regions in first-appearance order)."""
    rows, _ = _reader(path, ("reviewer", "region"))
    label: dict[str, str] = {}
    required: dict[str, None] = {}
    for n, row in enumerate(rows, start=2):
        rv, g = row[0].strip(), row[1].strip()
        if not g:
            raise InputError(f"{path} line {n}: empty region for reviewer {rv}")
        if rv in label and label[rv] != g:
            raise InputError(f"{path} line {n}: reviewer {rv} has two regions")
        label[rv] = g
        required.setdefault(g, None)
    return [label.get(r) for r in revs], list(required)


def write_assignment(result: Assignment, out: TextIO) -> None:
    """Write ``item,reviewer,affinity`` rows."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["item", "reviewer", "affinity"])
    for it, rv, a in result.labeled_pairs():
        w.writerow([it, rv, f"{a:.6g}"])


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="innobridge assign",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--affinity", required=True, metavar="AFF.csv", help="item,reviewer,affinity")
    ap.add_argument("--k", type=int, required=True, help="reviewers per item")
    ap.add_argument("--min-load", type=int, default=0, help="minimum items per reviewer (0)")
    ap.add_argument("--max-load", type=int, required=True, help="maximum items per reviewer")
    ap.add_argument("--conflicts", metavar="C.csv", help="item,reviewer pairs never to use")
    ap.add_argument(
        "--fair", action="store_true", help="maximise the worst-served item's affinity first"
    )
    ap.add_argument(
        "--cross-border",
        metavar="REGIONS.csv",
        help="reviewer,region; each item gets one reviewer from every region",
    )
    ap.add_argument("--output", "-o", metavar="OUT.csv", help="write here instead of stdout")
    ap.add_argument("--time-limit", type=float, default=None, help="seconds (--fair MILP)")
    ap.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    return ap


def main(argv: list[str]) -> int:
    """Entry point; returns the exit status (0, 2 bad input, 3 infeasible)."""
    ap = _parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage/error already
        return int(exc.code) if isinstance(exc.code, int) else EXIT_INPUT
    err = sys.stderr
    try:
        if args.k < 1:
            raise InputError("--k must be at least 1")
        if args.min_load < 0 or args.max_load < 0:
            raise InputError("loads must not be negative")
        aff, items, revs = read_affinity(args.affinity)
        conflicts = read_conflicts(args.conflicts, items, revs) if args.conflicts else None
        regions: list[str | None] | None = None
        required: list[str] | None = None
        if args.cross_border:
            regions, required = read_regions(args.cross_border, revs)
        result = assign(
            aff,
            args.k,
            min_load=args.min_load,
            max_load=args.max_load,
            conflicts=conflicts,
            fair=args.fair,
            regions=regions,
            required_regions=required,
            item_ids=items,
            reviewer_ids=revs,
            time_limit=args.time_limit,
        )
    except InputError as exc:
        print(f"innobridge assign: error: {exc}", file=err)
        return EXIT_INPUT
    except InfeasibleAssignment as exc:
        print("innobridge assign: infeasible: no assignment satisfies the constraints", file=err)
        for o in exc.obstacles:
            print(f"  - {o.message}", file=err)
        return EXIT_INFEASIBLE
    except TimeoutError as exc:
        print(f"innobridge assign: {exc}", file=err)
        return EXIT_INFEASIBLE + 1
    except ValueError as exc:
        print(f"innobridge assign: error: {exc}", file=err)
        return EXIT_INPUT
    try:
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as fh:
                write_assignment(result, fh)
        else:
            write_assignment(result, sys.stdout)
    except OSError as exc:
        print(f"innobridge assign: cannot write {args.output}: {exc.strerror or exc}", file=err)
        return EXIT_INPUT
    if not args.quiet:
        print(
            f"assigned {len(result.pairs)} pairs to {len(items)} items: total affinity "
            f"{result.total_affinity:.4f}, worst item {result.worst_item_id} "
            f"({result.worst_affinity:.4f}), {result.method}, {result.solve_seconds:.2f} s",
            file=err,
        )
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
