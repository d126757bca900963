"""Publication records and their file formats: ORCID works JSON, OpenAlex works JSON, CSV.

Parsers are pure functions (no database): they turn a file into a list of
``PublicationData`` or raise ``PublicationFormatError`` with every problem found,
each naming the record or row and what is wrong. Nothing is written here; the
service ``add_publications`` validates and writes all records in one transaction.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

FORMATS = ("orcid", "openalex", "csv")
CSV_COLUMNS = (
    "title",
    "abstract",
    "year",
    "venue",
    "doi",
    "authors",
    "keywords",
    "url",
    "language",
)
MAX_RECORDS = 5000

_DOI_PREFIXES = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi:\s*|info:doi/)", re.IGNORECASE
)


@dataclass
class PublicationData:
    """One publication as read from a source, before it is stored."""

    title: str
    abstract: str = ""
    year: int | None = None
    venue: str = ""
    doi: str | None = None
    language: str = ""
    keywords: list[str] = field(default_factory=list)
    author_names: list[str] = field(default_factory=list)
    url: str = ""
    source: str = "manual"
    source_id: str = ""
    licence: str = ""


class PublicationFormatError(ValueError):
    """A file that cannot be read as the chosen format; ``errors`` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def normalise_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1234/ABC`` → ``10.1234/abc``; blank → None."""
    if value is None:
        return None
    doi = _DOI_PREFIXES.sub("", str(value).strip()).strip()
    return doi.lower() or None


def normalise_title(title: str) -> str:
    """For de-duplication: NFKC, case folded, punctuation and spacing removed."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def split_list(value: str, sep: str = ";") -> list[str]:
    return [part.strip() for part in value.split(sep) if part.strip()]


def _decode(data: bytes | str) -> str:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PublicationFormatError(
                [_("The file is not UTF-8 text (byte %(pos)d).") % {"pos": exc.start}]
            ) from exc
    return data.removeprefix("\ufeff")


def _load_json(data: bytes | str, kind: str) -> Any:
    text = _decode(data)
    if not text.strip():
        raise PublicationFormatError([_("The file is empty.")])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PublicationFormatError(
            [
                _("not %(kind)s: invalid JSON at line %(line)d, column %(col)d: %(msg)s")
                % {"kind": kind, "line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ]
        ) from exc


def _value(obj: Any, *path: str) -> Any:
    """Follow keys through nested dicts; None as soon as one is missing."""
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float):
        return str(value)
    return ""


def _year(value: Any, where: str, errors: list[str]) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        errors.append(
            _("%(where)s: year '%(value)s' is not a number") % {"where": where, "value": value}
        )
        return None
    if not 1000 <= year <= 2100:
        errors.append(
            _("%(where)s: year %(value)s is out of range") % {"where": where, "value": year}
        )
        return None
    return year


def _check_count(n: int) -> None:
    if n == 0:
        raise PublicationFormatError([_("The file holds no publications.")])
    if n > MAX_RECORDS:
        raise PublicationFormatError(
            [
                _("The file holds %(n)d publications; at most %(max)d at a time.")
                % {"n": n, "max": MAX_RECORDS}
            ]
        )


# --- ORCID ----------------------------------------------------------------------


def _orcid_work(work: dict[str, Any], where: str, errors: list[str]) -> PublicationData | None:
    title = _str(_value(work, "title", "title", "value"))
    if not title:
        errors.append(_("%(where)s: the work has no title (title.title.value)") % {"where": where})
        return None
    doi = None
    ext_ids = _value(work, "external-ids", "external-id") or []
    if not isinstance(ext_ids, list):
        errors.append(_("%(where)s: external-ids.external-id is not a list") % {"where": where})
        ext_ids = []
    for ext in ext_ids:
        if isinstance(ext, dict) and _str(ext.get("external-id-type")).lower() == "doi":
            if ext.get("external-id-relationship", "self") not in ("self", None):
                continue
            doi = normalise_doi(
                _str(_value(ext, "external-id-normalized", "value"))
                or _str(ext.get("external-id-value"))
            )
            if doi:
                break
    contributors = _value(work, "contributors", "contributor") or []
    authors = []
    if isinstance(contributors, list):
        for contributor in contributors:
            name = _str(_value(contributor, "credit-name", "value"))
            if name:
                authors.append(name)
    put_code = work.get("put-code")
    return PublicationData(
        title=title,
        abstract=_str(work.get("short-description")),
        year=_year(_value(work, "publication-date", "year", "value"), where, errors),
        venue=_str(_value(work, "journal-title", "value")),
        doi=doi,
        language=_str(work.get("language-code"))[:10],
        author_names=authors,
        url=_str(_value(work, "url", "value")),
        source="orcid",
        source_id=str(put_code) if put_code is not None else "",
    )


def parse_orcid(data: bytes | str) -> list[PublicationData]:
    """ORCID public API v3.0: a ``/works`` response (``group[].work-summary[]``), a
    single work record (``/work/{put-code}``), a ``/works/{put-codes}`` bulk answer
    (``bulk[].work``) or a JSON list of works."""
    doc = _load_json(data, "ORCID works JSON")
    errors: list[str] = []
    works: list[tuple[str, Any]] = []
    if isinstance(doc, dict) and "group" in doc:
        groups = doc["group"]
        if not isinstance(groups, list):
            raise PublicationFormatError([_("not ORCID works JSON: 'group' is not a list")])
        for gi, group in enumerate(groups, start=1):
            summaries = _value(group, "work-summary")
            if not isinstance(summaries, list) or not summaries:
                errors.append(_("group %(n)d: no 'work-summary' list") % {"n": gi})
                continue
            # The first summary is the preferred version of the work (ORCID's display order).
            works.append((_("group %(n)d") % {"n": gi}, summaries[0]))
    elif isinstance(doc, dict) and isinstance(doc.get("bulk"), list):
        for i, item in enumerate(doc["bulk"], start=1):
            works.append((_("work %(n)d") % {"n": i}, _value(item, "work") or item))
    elif isinstance(doc, dict) and "title" in doc and "put-code" in doc:
        works.append((_("work 1"), doc))
    elif isinstance(doc, list):
        for i, item in enumerate(doc, start=1):
            if isinstance(item, dict) and isinstance(item.get("work"), dict):
                item = item["work"]
            works.append((_("work %(n)d") % {"n": i}, item))
    else:
        raise PublicationFormatError([_("not ORCID works JSON: no 'group' list")])
    _check_count(len(works) + len(errors))
    records = []
    for where, work in works:
        if not isinstance(work, dict):
            errors.append(_("%(where)s: not a JSON object") % {"where": where})
            continue
        record = _orcid_work(work, where, errors)
        if record:
            records.append(record)
    if errors:
        raise PublicationFormatError(errors)
    return records


# --- OpenAlex -------------------------------------------------------------------


def reconstruct_abstract(inverted: Any) -> str:
    """OpenAlex's ``abstract_inverted_index`` ({word: [positions]}) back to text."""
    if not isinstance(inverted, dict):
        return ""
    positions: dict[int, str] = {}
    for word, places in inverted.items():
        if isinstance(places, list):
            for place in places:
                if isinstance(place, int):
                    positions[place] = word
    return " ".join(positions[i] for i in sorted(positions))


def _openalex_work(work: dict[str, Any], where: str, errors: list[str]) -> PublicationData | None:
    title = _str(work.get("display_name")) or _str(work.get("title"))
    if not title:
        errors.append(_("%(where)s: the work has no display_name or title") % {"where": where})
        return None
    authors = []
    authorships = work.get("authorships") or []
    if not isinstance(authorships, list):
        errors.append(_("%(where)s: 'authorships' is not a list") % {"where": where})
        authorships = []
    for authorship in authorships:
        name = _str(_value(authorship, "author", "display_name")) or _str(
            _value(authorship, "raw_author_name")
        )
        if name:
            authors.append(name)
    keywords: list[str] = []
    for key in ("keywords", "concepts"):
        items = work.get(key) or []
        if isinstance(items, list):
            for item in items:
                name = _str(item.get("display_name")) if isinstance(item, dict) else _str(item)
                if name and name not in keywords:
                    keywords.append(name)
    if len(keywords) > 20:
        keywords = keywords[:20]
    licence = _str(_value(work, "primary_location", "license")) or _str(
        _value(work, "best_oa_location", "license")
    )
    url = _str(_value(work, "primary_location", "landing_page_url")) or _str(
        _value(work, "open_access", "oa_url")
    )
    source_id = _str(work.get("id")).rsplit("/", 1)[-1]
    return PublicationData(
        title=title,
        abstract=reconstruct_abstract(work.get("abstract_inverted_index")),
        year=_year(work.get("publication_year"), where, errors),
        venue=_str(_value(work, "primary_location", "source", "display_name")),
        doi=normalise_doi(_str(work.get("doi"))),
        language=_str(work.get("language"))[:10],
        keywords=keywords,
        author_names=authors,
        url=url,
        source="openalex",
        source_id=source_id,
        licence=licence,
    )


def parse_openalex(data: bytes | str) -> list[PublicationData]:
    """OpenAlex works: one work object, a list of them, or an API page ``{"results": [...]}``."""
    doc = _load_json(data, "OpenAlex works JSON")
    if isinstance(doc, dict) and "results" in doc:
        items = doc["results"]
        if not isinstance(items, list):
            raise PublicationFormatError([_("not OpenAlex works JSON: 'results' is not a list")])
    elif isinstance(doc, dict) and ("display_name" in doc or "title" in doc):
        items = [doc]
    elif isinstance(doc, list):
        items = doc
    else:
        raise PublicationFormatError(
            [_('not OpenAlex works JSON: expected a work, a list of works or {"results": [...]}')]
        )
    _check_count(len(items))
    errors: list[str] = []
    records = []
    for i, item in enumerate(items, start=1):
        where = _("work %(n)d") % {"n": i}
        if not isinstance(item, dict):
            errors.append(_("%(where)s: not a JSON object") % {"where": where})
            continue
        record = _openalex_work(item, where, errors)
        if record:
            records.append(record)
    if errors:
        raise PublicationFormatError(errors)
    return records


# --- CSV ------------------------------------------------------------------------


def parse_csv(data: bytes | str) -> list[PublicationData]:
    """CSV with a header row: title, abstract, year, venue, doi, authors (";"),
    keywords (";"), url, language. Only ``title`` is required."""
    text = _decode(data)
    if not text.strip():
        raise PublicationFormatError([_("The file is empty.")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise PublicationFormatError([_("row 1: %(msg)s") % {"msg": exc}]) from exc
    if "title" not in header:
        raise PublicationFormatError(
            [
                _("row 1: the header has no 'title' column (expected: %(cols)s)")
                % {"cols": ", ".join(CSV_COLUMNS)}
            ]
        )
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    if unknown:
        raise PublicationFormatError(
            [
                _("row 1: unknown column(s) %(unknown)s (expected: %(cols)s)")
                % {"unknown": ", ".join(unknown), "cols": ", ".join(CSV_COLUMNS)}
            ]
        )
    errors: list[str] = []
    records = []
    row_number = 1
    try:
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            where = _("row %(n)d") % {"n": row_number}
            if len(row) > len(header):
                errors.append(
                    _("%(where)s: %(n)d fields, but the header has %(m)d")
                    % {"where": where, "n": len(row), "m": len(header)}
                )
                continue
            values = dict(zip(header, (cell.strip() for cell in row), strict=False))
            title = values.get("title", "")
            if not title:
                errors.append(_("%(where)s: the title is empty") % {"where": where})
                continue
            records.append(
                PublicationData(
                    title=title,
                    abstract=values.get("abstract", ""),
                    year=_year(values.get("year"), where, errors),
                    venue=values.get("venue", ""),
                    doi=normalise_doi(values.get("doi")),
                    language=values.get("language", ""),
                    keywords=split_list(values.get("keywords", "")),
                    author_names=split_list(values.get("authors", "")),
                    url=values.get("url", ""),
                    source="csv",
                )
            )
            if len(records) > MAX_RECORDS:
                break
    except csv.Error as exc:
        errors.append(_("row %(n)d: %(msg)s") % {"n": row_number + 1, "msg": exc})
    if errors:
        raise PublicationFormatError(errors)
    _check_count(len(records))
    return records


PARSERS = {"orcid": parse_orcid, "openalex": parse_openalex, "csv": parse_csv}


def parse_publications(data: bytes | str, format: str) -> list[PublicationData]:
    parser = PARSERS.get(format)
    if parser is None:
        raise PublicationFormatError(
            [_("Unknown format “%(format)s” (orcid, openalex or csv).") % {"format": format}]
        )
    return parser(data)
