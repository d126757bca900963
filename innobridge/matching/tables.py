"""Streaming, vectorised readers of the batch commands' tables (no Django).

A table is CSV (UTF-8, a header line naming the columns, in order) or JSON Lines (one
object per line with the columns as keys); the format comes from the file name
(``.jsonl``/``.ndjson`` are JSON Lines, anything else CSV).  Files are read in chunks by
pandas' C parsers, so millions of rows cost seconds, not minutes, and the ids are turned
into integer codes chunk by chunk (first-appearance order) without a Python loop per row.

Errors name the file and the line, as the row-by-row readers did: locating the offending
line is done only when there is an error.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

CHUNK_ROWS = 1_000_000


class TableError(Exception):
    """Malformed input file (the message names the file and the line)."""


def is_jsonl(path: str) -> bool:
    return path.lower().endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"))


def _nonblank_line_numbers(path: str, jsonl: bool) -> Iterator[int]:
    """Line number of each data row (blank lines skipped; the CSV header is not a row)."""
    for n, _ in _data_lines(path, jsonl):
        yield n


def _data_lines(path: str, jsonl: bool) -> Iterator[tuple[int, str]]:
    """(line number, text) of each data row."""
    with open(path, encoding="utf-8-sig") as fh:
        header_seen = jsonl
        for n, line in enumerate(fh, start=1):
            if not line.strip() or (not jsonl and not line.strip(", \t\r\n")):
                continue
            if not header_seen:
                header_seen = True
                continue
            yield n, line


def line_of_row(path: str, row: int, jsonl: bool = False) -> int:
    """The file's line number of data row ``row`` (0-based)."""
    for i, n in enumerate(_nonblank_line_numbers(path, jsonl)):
        if i == row:
            return n
    return row + (1 if jsonl else 2)


def _check_readable(path: str) -> None:
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise TableError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the block's end
            raise TableError(f"{path} is not UTF-8 text") from None


def _csv_header(path: str, expected: Sequence[str]) -> None:
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            if line.strip(", \t\r\n"):
                header = [c.strip().lower() for c in next(__import__("csv").reader([line]))]
                if header[: len(expected)] != list(expected):
                    raise TableError(
                        f"{path}: expected header {','.join(expected)}, got {line.strip()}"
                    )
                return
    raise TableError(f"{path} is empty (expected header {','.join(expected)})")


def read_chunks(path: str, columns: Sequence[str]) -> Iterator[Any]:
    """pandas DataFrames of string columns ``columns`` (missing values as ""), chunk by
    chunk, with a ``row`` offset attribute in ``df.attrs["first_row"]``."""
    import pandas as pd

    _check_readable(path)
    jsonl = is_jsonl(path)
    first = 0
    try:
        if jsonl:
            reader: Any = pd.read_json(
                path,
                lines=True,
                chunksize=CHUNK_ROWS,
                dtype=False,
                encoding="utf-8",
                precise_float=True,
            )
        else:
            _csv_header(path, columns)
            reader = pd.read_csv(
                path,
                chunksize=CHUNK_ROWS,
                dtype=str,
                keep_default_na=False,
                usecols=range(len(columns)),
                names=list(columns),
                header=0,
                skip_blank_lines=True,
                encoding="utf-8-sig",
                skipinitialspace=False,
            )
        with reader:
            for df in reader:
                if jsonl:
                    for c in columns:
                        if c not in df.columns:
                            bad = 0
                            raise TableError(
                                f'{path} line {line_of_row(path, first + bad, True)}: missing "{c}"'
                            )
                    df = df[list(columns)]
                else:
                    _check_short_rows(path, df, first, len(columns))
                df.attrs["first_row"] = first
                first += len(df)
                yield df
    except TableError:
        raise
    except UnicodeDecodeError:
        raise TableError(f"{path} is not UTF-8 text") from None
    except (ValueError, TypeError) as exc:  # pandas: malformed JSON line, too many fields
        raise TableError(_locate_parse_error(path, jsonl, columns) or f"{path}: {exc}") from None
    if first == 0:
        if jsonl:
            raise TableError(f"{path} has no rows")
        raise TableError(f"{path} has a header but no rows")


def _check_short_rows(path: str, df: Any, first: int, ncols: int) -> None:
    """pandas reads a missing last field as "" (like an empty one): look at the raw lines
    of the rows whose last field is empty — usually none — and refuse a short row."""
    import csv

    empty = (df.iloc[:, -1] == "").to_numpy(bool) | df.isna().to_numpy().any(axis=1)
    if not empty.any():
        return
    wanted = {first + int(r) for r in np.nonzero(empty)[0]}
    last = max(wanted)
    for row, (n, line) in enumerate(_data_lines(path, False)):
        if row > last:
            return
        if row in wanted:
            got = len(next(csv.reader([line]), []))
            if got < ncols:
                raise TableError(f"{path} line {n}: expected {ncols} columns, got {got}")


def _locate_parse_error(path: str, jsonl: bool, columns: Sequence[str]) -> str | None:
    """Find the first malformed line the slow way (only called on an error)."""
    import csv

    with open(path, encoding="utf-8-sig") as fh:
        header = not jsonl
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            if header:
                header = False
                continue
            if jsonl:
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    return f"{path} line {n}: invalid JSON ({e.msg})"
                if not isinstance(obj, dict):
                    return f"{path} line {n}: expected a JSON object"
            else:
                row = next(csv.reader(io.StringIO(line)))
                if len(row) < len(columns):
                    return f"{path} line {n}: expected {len(columns)} columns, got {len(row)}"
    return None


def ids_column(df: Any, col: str, path: str) -> Any:
    """The column as stripped strings; an empty id is an error naming the line."""
    s = df[col]
    if s.dtype.kind in "iu":
        s = s.astype(str)
    elif s.dtype.kind == "f" or s.map(type).ne(str).any():
        s = s.map(_id_str)
    s = s.str.strip()
    empty = (s == "").to_numpy(bool)
    if empty.any():
        row = df.attrs["first_row"] + int(np.argmax(empty))
        jsonl = is_jsonl(path)
        line = line_of_row(path, row, jsonl)
        if jsonl:
            raise TableError(f'{path} line {line}: missing or empty "{col}"')
        raise TableError(
            f"{path} line {line}: empty {col} (expected columns {','.join(df.columns)})"
        )
    return s


def _id_str(v: Any) -> str:
    if isinstance(v, bool) or v is None or isinstance(v, (dict, list)):
        return ""
    if isinstance(v, float):
        return "" if math.isnan(v) else str(int(v)) if v.is_integer() else str(v)
    return str(v)


def numbers_column(df: Any, col: str, path: str) -> np.ndarray:
    """The column as float64; "" / null is NaN; anything else not a finite number is an
    error naming the line."""
    import pandas as pd

    s = df[col]
    if s.dtype.kind in "fiu":
        vals = s.to_numpy(dtype=np.float64)
        bad = np.zeros(len(vals), bool)
    else:
        text = s.str.strip() if str(s.dtype) == "str" else s.map(_num_text)
        blank = (text == "").to_numpy(bool)
        try:  # exact decimal parsing (as float()), vectorised
            vals = text.where(~blank, "nan").to_numpy(dtype=object).astype(np.float64)
            bad = np.zeros(len(vals), bool)
        except (ValueError, TypeError):
            vals = pd.to_numeric(text.where(~blank, np.nan), errors="coerce").to_numpy(np.float64)
            bad = np.isnan(vals) & ~blank
    inf = np.isinf(vals)
    if bad.any() or inf.any():
        row = int(np.argmax(bad | inf))
        line = line_of_row(path, df.attrs["first_row"] + row, is_jsonl(path))
        if bad[row]:
            raise TableError(f"{path} line {line}: {col} {s.iloc[row]!r} is not a number")
        raise TableError(f"{path} line {line}: {col} must be finite")
    return vals


def _num_text(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return v.strip() if isinstance(v, str) else v


class Codes:
    """Ids → integer codes in first-appearance order, chunk by chunk."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def encode(self, s: Any) -> np.ndarray:
        import pandas as pd

        local, uniques = pd.factorize(s, sort=False)
        lut = np.fromiter(
            (self.index.setdefault(u, len(self.index)) for u in uniques),
            dtype=np.int64,
            count=len(uniques),
        )
        return lut[local]

    def ids(self) -> list[str]:
        return list(self.index)
