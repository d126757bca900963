"""Reading Research Organization Registry (ROR) data in every shape an operator meets.

Pure functions, no database: the import service (``services.import_ror_records``)
writes what these return.

Accepted inputs
- the shared normalised JSON Lines file (``../shared/data/ror/ror_cn_hk_mo.jsonl``: ``id``,
  ``name``, ``labels``, ``aliases``, ``acronyms``, ``country_code``, ``city``, ...);
- a ROR data dump: a JSON array of records in schema v2 (``names[]`` with ``types``
  and ``lang``, ``locations[].geonames_details``, ``links[]``, ``external_ids``,
  ``admin.last_modified``) or schema v1 (``name``, ``labels[]``, ``aliases``,
  ``acronyms``, ``addresses[]``, ``country``, ``links``);
- a ``.zip`` of such a dump (as published on Zenodo), or JSON Lines of any of the above;
- a ROR API answer (``{"items": [...]}``) or a single record.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .models import ROR_ID_RE, OrganisationStatus

ROR_PREFIX_RE = re.compile(r"^(?:https?://)?(?:www\.)?ror\.org/", re.IGNORECASE)
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WIKIDATA_RE = re.compile(r"^Q\d+$")
KNOWN_TYPES = {
    "education",
    "facility",
    "funder",
    "government",
    "healthcare",
    "company",
    "nonprofit",
    "archive",
    "other",
}
KNOWN_STATUSES = set(OrganisationStatus.values)
RELATIONSHIP_TYPES = {"parent", "child", "related", "predecessor", "successor"}
# Official Chinese names of a few universities whose ROR records (in the shared
# snapshot) carry none, so that the directory finds them by 香港大學 / 香港大学 too.
# Used only when the record itself has no Chinese name; not ROR data.
ZH_NAME_SUPPLEMENT = {
    "02zhqgq86": "香港大學",  # University of Hong Kong
    "00q4vv597": "香港科技大學",  # Hong Kong University of Science and Technology
    "03q8dnn23": "香港城市大學",  # City University of Hong Kong
    "0145fw131": "香港浸會大學",  # Hong Kong Baptist University
    "0563pg902": "嶺南大學",  # Lingnan University
    "01r4q9n85": "澳門大學",  # University of Macau
    "03jqs2n27": "澳門科技大學",  # Macau University of Science and Technology
}
# Where this record lives in its input, for error messages; set by the readers.
SOURCE_KEY = "__source__"


class RorFormatError(ValueError):
    """The input is not ROR data we can read; the message names the file, line or record."""


@dataclass
class RorRecord:
    """One organisation in a single shape, whatever the input format was."""

    ror_id: str
    name: str
    name_zh: str = ""
    other_names: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    status: str = OrganisationStatus.ACTIVE
    established: int | None = None
    country_code: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    website: str = ""
    wikidata: str = ""
    # [{"type", "ror_id", "label"}], type lower-case
    relationships: list[dict[str, str]] = field(default_factory=list)
    last_modified: dt.date | None = None


# --- reading files -------------------------------------------------------------


def read_ror_path(path: str | Path) -> Iterator[dict[str, Any]]:
    """Yield raw records from a ``.jsonl``, ``.json`` or ``.zip`` file. Each record
    carries its location under ``SOURCE_KEY`` for error messages."""
    path = Path(path)
    if not path.exists():
        raise RorFormatError(_("%(path)s: no such file.") % {"path": path})
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        yield from _read_zip(path)
        return
    with path.open("rb") as fh:
        yield from read_ror_stream(fh, str(path))


def _read_zip(path: Path) -> Iterator[dict[str, Any]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise RorFormatError(_("%(path)s: not a readable zip file.") % {"path": path}) from exc
    with archive:
        member = choose_zip_member(archive.namelist())
        if member is None:
            raise RorFormatError(
                _("%(path)s: the zip file holds no .json or .jsonl file.") % {"path": path}
            )
        with archive.open(member) as fh:
            yield from read_ror_stream(fh, f"{path}!{member}")


def choose_zip_member(names: list[str]) -> str | None:
    """The dump's JSON file. ROR's zips hold the same data in schema v1 and v2 (and CSV);
    prefer the schema-v2 JSON."""
    candidates = [
        n
        for n in names
        if n.lower().endswith((".json", ".jsonl"))
        and not n.startswith("__MACOSX/")
        and not n.endswith("/")
    ]
    if not candidates:
        return None

    def preference(name: str) -> tuple[int, str]:
        low = name.lower()
        if "schema_v2" in low or "v2" in low.rsplit("/", 1)[-1].split("-", 1)[0]:
            return (0, name)
        if "schema_v1" in low:
            return (2, name)
        return (1, name)

    return sorted(candidates, key=preference)[0]


def read_ror_stream(fh: io.BufferedIOBase | Any, source: str) -> Iterator[dict[str, Any]]:
    """JSON (an array, ``{"items": [...]}`` or one record) or JSON Lines, sniffed from
    the first non-blank character and the shape of the content."""
    data = fh.read()
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else str(data)
    except UnicodeDecodeError as exc:
        raise RorFormatError(
            _("%(source)s: not UTF-8 text (%(error)s).") % {"source": source, "error": exc}
        ) from exc
    stripped = text.lstrip()
    if not stripped:
        return
    if stripped.startswith("["):
        yield from _read_json_document(text, source)
        return
    # An object: JSON Lines, or a whole JSON document (one record, an API answer),
    # possibly pretty-printed over many lines.
    if source.lower().endswith((".jsonl", ".ndjson")):
        yield from _read_json_lines(text, source)
        return
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several documents: JSON Lines
            yield from _read_json_lines(text, source)
            return
    yield from _read_json_document(text, source)


def _read_json_document(text: str, source: str) -> Iterator[dict[str, Any]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RorFormatError(
            _("%(source)s, line %(line)s: invalid JSON (%(error)s).")
            % {"source": source, "line": exc.lineno, "error": exc.msg}
        ) from exc
    if isinstance(doc, dict) and isinstance(doc.get("items"), list):
        doc = doc["items"]
    if isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list):
        raise RorFormatError(
            _("%(source)s: expected a JSON array of ROR records.") % {"source": source}
        )
    for index, item in enumerate(doc, start=1):
        if not isinstance(item, dict):
            raise RorFormatError(
                _("%(source)s, record %(index)s: not a JSON object.")
                % {"source": source, "index": index}
            )
        item[SOURCE_KEY] = _("%(source)s, record %(index)s") % {"source": source, "index": index}
        yield item


def _read_json_lines(text: str, source: str) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RorFormatError(
                _("%(source)s, line %(line)s: invalid JSON (%(error)s).")
                % {"source": source, "line": number, "error": exc.msg}
            ) from exc
        if not isinstance(item, dict):
            raise RorFormatError(
                _("%(source)s, line %(line)s: not a JSON object.")
                % {"source": source, "line": number}
            )
        item[SOURCE_KEY] = _("%(source)s, line %(line)s") % {"source": source, "line": number}
        yield item


# --- normalising records ------------------------------------------------------------


def clean_ror_id(value: Any) -> str:
    """``https://ror.org/00q4vv597`` → ``00q4vv597``; empty if it is not a ROR id."""
    if not isinstance(value, str):
        return ""
    ror_id = ROR_PREFIX_RE.sub("", value.strip()).strip("/").lower()
    return ror_id if ROR_ID_RE.match(ror_id) else ""


def detect_schema(raw: dict[str, Any]) -> str:
    """``v2`` (ROR schema 2 dump), ``v1`` (ROR schema 1 dump) or ``flat`` (the shared
    normalised file)."""
    if isinstance(raw.get("names"), list) or isinstance(raw.get("locations"), list):
        return "v2"
    if isinstance(raw.get("addresses"), list) or isinstance(raw.get("country"), dict):
        return "v1"
    return "flat"


def normalise_record(raw: dict[str, Any]) -> RorRecord:
    """One raw record of any supported schema as a :class:`RorRecord`.
    Raises :class:`RorFormatError` naming the record when it cannot be read."""
    where = str(raw.get(SOURCE_KEY) or raw.get("id") or "?")
    try:
        schema = detect_schema(raw)
        if schema == "v2":
            record = _from_v2(raw)
        elif schema == "v1":
            record = _from_v1(raw)
        else:
            record = _from_flat(raw)
    except RorFormatError as exc:
        raise RorFormatError(f"{where}: {exc}") from exc
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise RorFormatError(
            _("%(where)s: unexpected structure (%(error)s).") % {"where": where, "error": exc}
        ) from exc
    _check(record, where)
    if not record.name_zh and record.ror_id in ZH_NAME_SUPPLEMENT:
        record.name_zh = ZH_NAME_SUPPLEMENT[record.ror_id]
    return record


def _check(record: RorRecord, where: str) -> None:
    if not record.ror_id:
        raise RorFormatError(_("%(where)s: missing or invalid ROR id.") % {"where": where})
    if not record.name:
        raise RorFormatError(_("%(where)s: the record has no name.") % {"where": where})
    if len(record.name) > 300:
        raise RorFormatError(_("%(where)s: the name is too long.") % {"where": where})
    if record.status not in KNOWN_STATUSES:
        raise RorFormatError(
            _("%(where)s: unknown status “%(status)s”.") % {"where": where, "status": record.status}
        )


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise RorFormatError(_("expected text, found %(value)r") % {"value": value})
    return str(value).strip()


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise RorFormatError(_("expected a list, found %(value)r") % {"value": value})
    return [s for s in (_str(v) for v in value) if s]


def _int_or_none(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise RorFormatError(_("expected a year, found %(value)r") % {"value": value}) from exc
    return number if 0 < number < 32767 else None


def _float_or_none(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise RorFormatError(
            _("expected a coordinate, found %(value)r") % {"value": value}
        ) from exc


def _date_or_none(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise RorFormatError(_("expected a date, found %(value)r") % {"value": value}) from exc


def _is_zh(lang: Any) -> bool:
    return isinstance(lang, str) and lang.lower().startswith("zh")


def _has_cjk(text: str) -> bool:
    return bool(CJK_RE.search(text))


def _dedupe(names: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    seen = {n.casefold() for n in exclude if n}
    out: list[str] = []
    for name in names:
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def _types(value: Any) -> list[str]:
    return _dedupe(t.lower() for t in _str_list(value))


def _relationships(value: Any) -> list[dict[str, str]]:
    rels: list[dict[str, str]] = []
    for rel in value or []:
        if not isinstance(rel, dict):
            raise RorFormatError(_("a relationship is not an object"))
        rel_type = _str(rel.get("type")).lower()
        ror_id = clean_ror_id(rel.get("id"))
        if rel_type not in RELATIONSHIP_TYPES or not ror_id:
            continue
        rels.append({"type": rel_type, "ror_id": ror_id, "label": _str(rel.get("label"))})
    return rels


def _website(value: str) -> str:
    value = value.strip()
    if value and not re.match(r"^https?://", value, re.IGNORECASE):
        value = "http://" + value
    return value if len(value) <= 500 and " " not in value else ""


def _wikidata(value: str) -> str:
    value = value.strip().rsplit("/", 1)[-1]
    return value if WIKIDATA_RE.match(value) else ""


def _finish(
    record: RorRecord, display: str, named: list[tuple[str, str | None]], acronyms: list[str]
) -> RorRecord:
    """Choose the English and Chinese names from ``named`` (value, lang) pairs."""
    english = display
    if _has_cjk(display):
        english = next((v for v, lang in named if lang == "en" and v and not _has_cjk(v)), display)
    name_zh = next((v for v, lang in named if _is_zh(lang) and v), "")
    if not name_zh:
        # Untagged names in Han script (aliases carry no language in some sources).
        name_zh = next((v for v, lang in named if not lang and _has_cjk(v)), "")
    if not name_zh and display != english:
        name_zh = display
    if not name_zh:
        # Some records carry their Chinese name only as an "acronym".
        name_zh = next((a for a in acronyms if _has_cjk(a)), "")
    record.name = english
    record.name_zh = name_zh
    record.acronyms = _dedupe(acronyms)
    record.other_names = _dedupe(
        [display, *(v for v, _lang in named)], exclude=[english, name_zh, *record.acronyms]
    )
    return record


def _from_flat(raw: dict[str, Any]) -> RorRecord:
    named: list[tuple[str, str | None]] = []
    for label in raw.get("labels") or []:
        if not isinstance(label, dict):
            raise RorFormatError(_("a label is not an object"))
        lang = label.get("lang") or label.get("iso639")
        named.append((_str(label.get("value") or label.get("label")), lang or None))
    named += [(a, None) for a in _str_list(raw.get("aliases"))]
    record = RorRecord(
        ror_id=clean_ror_id(raw.get("id")),
        name="",
        types=_types(raw.get("types")),
        status=_str(raw.get("status") or OrganisationStatus.ACTIVE).lower(),
        established=_int_or_none(raw.get("established")),
        country_code=_str(raw.get("country_code")).upper(),
        city=_str(raw.get("city")),
        latitude=_float_or_none(raw.get("lat")),
        longitude=_float_or_none(raw.get("lng")),
        website=_website(_str(raw.get("website"))),
        wikidata=_wikidata(_str(raw.get("wikidata"))),
        relationships=_relationships(raw.get("relationships")),
        last_modified=_date_or_none(raw.get("last_modified")),
    )
    return _finish(record, _str(raw.get("name")), named, _str_list(raw.get("acronyms")))


def _from_v1(raw: dict[str, Any]) -> RorRecord:
    named: list[tuple[str, str | None]] = []
    for label in raw.get("labels") or []:
        if not isinstance(label, dict):
            raise RorFormatError(_("a label is not an object"))
        named.append((_str(label.get("label")), label.get("iso639") or None))
    named += [(a, None) for a in _str_list(raw.get("aliases"))]
    country = raw.get("country") or {}
    addresses = raw.get("addresses") or [{}]
    address = addresses[0] if isinstance(addresses[0], dict) else {}
    geonames_city = address.get("geonames_city") or {}
    external = raw.get("external_ids") or {}
    wikidata = external.get("Wikidata") or external.get("wikidata") or {}
    wikidata_id = wikidata.get("preferred") or next(iter(_str_list(wikidata.get("all"))), "")
    links = _str_list(raw.get("links"))
    record = RorRecord(
        ror_id=clean_ror_id(raw.get("id")),
        name="",
        types=_types(raw.get("types")),
        status=_str(raw.get("status") or OrganisationStatus.ACTIVE).lower(),
        established=_int_or_none(raw.get("established")),
        country_code=_str(country.get("country_code")).upper(),
        city=_str(address.get("city") or geonames_city.get("city")),
        latitude=_float_or_none(address.get("lat")),
        longitude=_float_or_none(address.get("lng")),
        website=_website(links[0] if links else ""),
        wikidata=_wikidata(_str(wikidata_id)),
        relationships=_relationships(raw.get("relationships")),
    )
    return _finish(record, _str(raw.get("name")), named, _str_list(raw.get("acronyms")))


def _from_v2(raw: dict[str, Any]) -> RorRecord:
    display = ""
    named: list[tuple[str, str | None]] = []
    acronyms: list[str] = []
    aliases: list[tuple[str, str | None]] = []
    for entry in raw.get("names") or []:
        if not isinstance(entry, dict):
            raise RorFormatError(_("a name is not an object"))
        value = _str(entry.get("value"))
        kinds = [k.lower() for k in _str_list(entry.get("types"))]
        if not value:
            continue
        if "ror_display" in kinds and not display:
            display = value
        if "acronym" in kinds:
            acronyms.append(value)
        elif "label" in kinds or "ror_display" in kinds:
            if "ror_display" not in kinds or entry.get("lang"):
                named.append((value, entry.get("lang") or None))
        else:
            aliases.append((value, entry.get("lang") or None))
    named += aliases  # official labels before aliases when choosing the Chinese name
    locations = raw.get("locations") or [{}]
    location = locations[0] if isinstance(locations[0], dict) else {}
    geo = location.get("geonames_details") or {}
    website = next(
        (
            _str(link.get("value"))
            for link in raw.get("links") or []
            if isinstance(link, dict) and _str(link.get("type")).lower() == "website"
        ),
        "",
    )
    wikidata = ""
    for ext in raw.get("external_ids") or []:
        if isinstance(ext, dict) and _str(ext.get("type")).lower() == "wikidata":
            wikidata = _str(ext.get("preferred")) or next(iter(_str_list(ext.get("all"))), "")
            break
    admin = raw.get("admin") or {}
    last_modified = (admin.get("last_modified") or {}).get("date")
    record = RorRecord(
        ror_id=clean_ror_id(raw.get("id")),
        name="",
        types=_types(raw.get("types")),
        status=_str(raw.get("status") or OrganisationStatus.ACTIVE).lower(),
        established=_int_or_none(raw.get("established")),
        country_code=_str(geo.get("country_code")).upper(),
        city=_str(geo.get("name")),
        latitude=_float_or_none(geo.get("lat")),
        longitude=_float_or_none(geo.get("lng")),
        website=_website(website),
        wikidata=_wikidata(wikidata),
        relationships=_relationships(raw.get("relationships")),
        last_modified=_date_or_none(last_modified),
    )
    return _finish(record, display, named, acronyms)
