"""``innobridge assign``: optimal reviewer assignment from CSV files.

Runs without Django; ``innobridge/cli.py`` dispatches ``innobridge assign ...`` here.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

import numpy as np

from innobridge.matching.assign import Assignment, InfeasibleAssignment, assign
from innobridge.matching.tables import (
    Codes,
    TableError,
    ids_column,
    is_jsonl,
    line_of_row,
    numbers_column,
    read_chunks,
)

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
file formats: CSV (UTF-8, first line is the header, column order as shown) or JSON Lines
(a file named *.jsonl or *.ndjson: one object per line with the same keys, e.g.
{"item": "P1", "reviewer": "R7", "affinity": 0.83}); files are read in chunks by a
vectorised parser (millions of rows in seconds).
  --affinity   item,reviewer,affinity   one row per allowed pair; affinity is a number.
                                        Pairs not listed (or with an empty/NaN/null
                                        affinity) are not allowed. The items and reviewers
                                        are the ids that appear in this file.
               or a dense matrix        AFF.npz with arrays affinity (items x reviewers,
                                        NaN = not allowed), items and reviewers (ids); or
                                        AFF.npy, a bare matrix whose ids are its row and
                                        column numbers 0, 1, ...
  --conflicts  item,reviewer            forbidden pairs (conflicts of interest); ids not in
                                        the affinity file are ignored.
  --cross-border
               reviewer,region          region label per reviewer (e.g. HK, Mainland);
                                        every item then needs at least one reviewer from
                                        each region listed in this file. Reviewers not in
                                        the file have no region.
  output       item,reviewer,affinity   one row per assigned pair, sorted by item, written
                                        to --output (JSON Lines if it ends in .jsonl) or
                                        standard output (JSON Lines with --jsonl).

exit status: 0 success, 2 malformed input or bad options, 3 infeasible instance (the reason,
naming the items that cannot be covered, is printed on standard error).

example:
  innobridge assign --affinity aff.csv --k 3 --max-load 6 --conflicts coi.csv \\
      --cross-border regions.csv --fair --output assignment.csv
"""


class InputError(Exception):
    """Malformed input file (message is shown to the user)."""


def _table(path: str, columns: Sequence[str]) -> Iterator[Any]:
    try:
        yield from read_chunks(path, columns)
    except TableError as exc:
        raise InputError(str(exc)) from None


def read_dense(path: str) -> tuple[np.ndarray, list[str], list[str]]:
    """A dense affinity matrix: ``.npz`` with ``affinity`` (items x reviewers, NaN = not
    allowed), ``items`` and ``reviewers`` (id arrays); or a bare ``.npy`` matrix whose ids
    are its row and column numbers (0, 1, ...)."""
    try:
        if path.lower().endswith(".npz"):
            with np.load(path, allow_pickle=False) as z:
                missing = {"affinity", "items", "reviewers"} - set(z.files)
                if missing:
                    raise InputError(f"{path}: missing arrays {', '.join(sorted(missing))}")
                aff = np.asarray(z["affinity"], dtype=np.float64)
                items = [str(x) for x in z["items"].tolist()]
                revs = [str(x) for x in z["reviewers"].tolist()]
        else:
            aff = np.asarray(np.load(path, allow_pickle=False), dtype=np.float64)
            items = [str(i) for i in range(aff.shape[0])] if aff.ndim == 2 else []
            revs = [str(r) for r in range(aff.shape[1])] if aff.ndim == 2 else []
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise InputError(f"{path}: not a NumPy .npy/.npz file of numbers ({exc})") from None
    if aff.ndim != 2 or aff.size == 0:
        raise InputError(f"{path}: affinity must be a non-empty items x reviewers matrix")
    if (len(items), len(revs)) != aff.shape:
        raise InputError(
            f"{path}: {len(items)} items and {len(revs)} reviewers for a matrix of shape "
            f"{aff.shape}"
        )
    for kind, ids in (("item", items), ("reviewer", revs)):
        if len(set(ids)) != len(ids):
            raise InputError(f"{path}: duplicate {kind} ids")
    if np.isinf(aff).any():
        raise InputError(f"{path}: affinity must be finite")
    return aff, items, revs


def read_affinity(path: str) -> tuple[np.ndarray, list[str], list[str]]:
    """Affinities -> (items x reviewers matrix with NaN gaps, item ids, reviewer ids), ids in
    first-appearance order.  Long format (CSV or JSON Lines ``item,reviewer,affinity``, read
    in chunks with vectorised parsing) or a dense ``.npy``/``.npz`` matrix."""
    if path.lower().endswith((".npy", ".npz")):
        return read_dense(path)
    items, revs = Codes(), Codes()
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    cols = ("item", "reviewer", "affinity")
    try:
        for df in _table(path, cols):
            i = items.encode(ids_column(df, "item", path))
            r = revs.encode(ids_column(df, "reviewer", path))
            a = numbers_column(df, "affinity", path)
            parts.append((i.astype(np.int32), r.astype(np.int32), a))
    except TableError as exc:
        raise InputError(str(exc)) from None
    ii = np.concatenate([p[0] for p in parts])
    rr = np.concatenate([p[1] for p in parts])
    aa = np.concatenate([p[2] for p in parts])
    del parts
    n_i, n_r = len(items.index), len(revs.index)
    flat = ii.astype(np.int64) * n_r + rr
    counts = np.bincount(flat, minlength=n_i * n_r)
    if (counts > 1).any():
        seen: set[int] = set()
        for row in np.nonzero(counts[flat] > 1)[0].tolist():
            f = int(flat[row])
            if f in seen:
                line = line_of_row(path, row, is_jsonl(path))
                it, rv = items.ids()[int(ii[row])], revs.ids()[int(rr[row])]
                raise InputError(f"{path} line {line}: duplicate pair {it},{rv}")
            seen.add(f)
    aff = np.full((n_i, n_r), np.nan)
    aff.flat[flat] = aa
    return aff, items.ids(), revs.ids()


def read_conflicts(path: str, items: list[str], revs: list[str]) -> np.ndarray:
    """Conflicts (CSV or JSON Lines ``item,reviewer``) -> boolean items x reviewers mask
    (unknown ids are ignored)."""
    import pandas as pd

    mask = np.zeros((len(items), len(revs)), dtype=bool)
    ii, rr = pd.Index(items), pd.Index(revs)
    try:
        for df in _table(path, ("item", "reviewer")):
            i = ii.get_indexer(ids_column(df, "item", path))
            r = rr.get_indexer(ids_column(df, "reviewer", path))
            ok = (i >= 0) & (r >= 0)
            mask[i[ok], r[ok]] = True
    except TableError as exc:
        raise InputError(str(exc)) from None
    return mask


def read_regions(path: str, revs: list[str]) -> tuple[list[str | None], list[str]]:
    """Regions (CSV or JSON Lines ``reviewer,region``) -> (label per reviewer, required
    regions in first-appearance order)."""
    label: dict[str, str] = {}
    required: dict[str, None] = {}
    try:
        for df in _table(path, ("reviewer", "region")):
            rv_col = ids_column(df, "reviewer", path)
            g_col = df["region"].map(lambda v: "" if v is None else str(v).strip())
            for n, (rv, g) in enumerate(zip(rv_col.tolist(), g_col.tolist(), strict=True)):
                line = df.attrs["first_row"] + n
                if not g:
                    at = line_of_row(path, line, is_jsonl(path))
                    raise InputError(f"{path} line {at}: empty region for reviewer {rv}")
                if rv in label and label[rv] != g:
                    at = line_of_row(path, line, is_jsonl(path))
                    raise InputError(f"{path} line {at}: reviewer {rv} has two regions")
                label[rv] = g
                required.setdefault(g, None)
    except TableError as exc:
        raise InputError(str(exc)) from None
    return [label.get(r) for r in revs], list(required)


def write_assignment(result: Assignment, out: TextIO, jsonl: bool = False) -> None:
    """Write ``item,reviewer,affinity`` rows (CSV, or JSON Lines objects)."""
    if jsonl:
        for it, rv, a in result.labeled_pairs():
            rec = {"item": it, "reviewer": rv, "affinity": float(f"{a:.6g}")}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return
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
    ap.add_argument(
        "--affinity",
        required=True,
        metavar="AFF.csv",
        help="item,reviewer,affinity (.csv or .jsonl), or a dense .npy/.npz matrix",
    )
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
    ap.add_argument(
        "--output",
        "-o",
        metavar="OUT.csv",
        help="write here instead of stdout (.jsonl: JSON Lines)",
    )
    ap.add_argument("--jsonl", action="store_true", help="JSON Lines on standard output")
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
        if conflicts is not None and not conflicts.any():
            conflicts = None
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
                write_assignment(result, fh, jsonl=is_jsonl(args.output))
        else:
            write_assignment(result, sys.stdout, jsonl=args.jsonl)
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
