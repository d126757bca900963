"""Bulk import of publications at registry scale: OpenAlex works snapshots (JSON Lines,
one work per line, the format of the OpenAlex snapshot's ``works/*.gz`` parts) and ORCID
works (a directory of ORCID ``/works`` JSON files, one per person, named by ORCID iD).

The whole run is one transaction: either every good record is written or nothing is.
Each record is read and checked first (``on_error="stop"``: the first bad line stops the
run before anything is written; ``"skip"``: bad lines are reported and left out). Then
publications are matched by DOI (else by the source's id) in chunks, new ones inserted
with ``bulk_create`` and existing ones completed (empty fields filled, never overwritten)
with ``bulk_update``; a DOI seen twice in the input is imported once. Works are linked to
the researchers whose ORCID iD they carry (OpenAlex ``authorships[].author.orcid``, or the
file's owner for ORCID).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from innobridge.core.services import record_event

from ..audit import PeopleAction
from ..importers import PublicationData, PublicationFormatError, _openalex_work, parse_orcid
from ..models import Authorship, Publication, ResearcherProfile
from .publications import _FILLABLE, _clean_record, publication_kwargs

ORCID_IN_URL = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
CHUNK = 2000


class BulkImportError(Exception):
    """The run stopped on a bad record; nothing was written."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


@dataclass
class BulkReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)

    def as_dict(self) -> dict[str, Any]:
        reasons: dict[str, int] = {}
        for _, why in self.skipped:
            key = why.split(":")[0]
            reasons[key] = reasons.get(key, 0) + 1
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "linked_to_researchers": self.linked,
            "skipped": len(self.skipped),
            "skipped_by_reason": reasons,
        }


@dataclass
class _Item:
    where: str
    record: PublicationData
    orcids: list[str]


def _open_text(path: Path) -> Any:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def read_openalex_jsonl(path: Path) -> Iterator[tuple[str, _Item | None, str]]:
    """(where, item or None, problem) per non-blank line of an OpenAlex works file."""
    with _open_text(path) as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path.name} line {n}"
            try:
                work = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                yield where, None, f"invalid JSON ({msg})"
                continue
            if not isinstance(work, dict):
                yield where, None, "not a JSON object"
                continue
            errors: list[str] = []
            record = _openalex_work(work, where, errors)
            if record is None or errors:
                yield where, None, "; ".join(e.removeprefix(f"{where}: ") for e in errors)
                continue
            orcids = []
            for a in work.get("authorships") or []:
                o = (a.get("author") or {}).get("orcid") if isinstance(a, dict) else None
                m = ORCID_IN_URL.search(o) if isinstance(o, str) else None
                if m:
                    orcids.append(m.group(1))
            yield where, _Item(where, record, orcids), ""


def read_orcid_dir(directory: Path) -> Iterator[tuple[str, _Item | None, str]]:
    """ORCID ``/works`` JSON files named ``<ORCID iD>.json`` (the owner is linked)."""
    for f in sorted(directory.glob("*.json")):
        m = ORCID_IN_URL.search(f.stem)
        if not m:
            yield f.name, None, "file name is not an ORCID iD (0000-0000-0000-0000.json)"
            continue
        try:
            records = parse_orcid(f.read_bytes())
        except PublicationFormatError as exc:
            yield f.name, None, "; ".join(exc.errors)
            continue
        for i, record in enumerate(records, start=1):
            yield f"{f.name} work {i}", _Item(f"{f.name} work {i}", record, [m.group(1)]), ""


def bulk_import(
    actor: Any,
    items: Iterator[tuple[str, _Item | None, str]],
    *,
    on_error: Literal["stop", "skip"] = "stop",
    progress: Callable[[int], None] | None = None,
    source: str = "",
) -> BulkReport:
    """Check every record, then write them all in one transaction (see the module doc)."""
    report = BulkReport()
    good: list[_Item] = []
    by_doi: dict[str, str] = {}
    for where, item, problem in items:
        report.read += 1
        if progress is not None:
            progress(1)
        if item is not None:
            cleaned, problems = _clean_record(item.record, where)
            if problems:
                item, problem = None, "; ".join(p.removeprefix(f"{where}: ") for p in problems)
            else:
                item.record = cleaned
        if item is None:
            if on_error == "stop":
                raise BulkImportError(where, problem)
            report.skipped.append((where, f"invalid: {problem}"))
            continue
        doi = item.record.doi
        if doi and doi in by_doi:
            report.skipped.append((where, f"duplicate DOI: {doi} (first at {by_doi[doi]})"))
            continue
        if doi:
            by_doi[doi] = where
        good.append(item)
    with transaction.atomic():
        _write(good, report)
        record_event(
            actor,
            PeopleAction.PUBLICATIONS_BULK_IMPORTED,
            object_type="people.publication",
            object_id="",
            after={"source": source, **report.as_dict()},
        )
    return report


def _write(items: list[_Item], report: BulkReport) -> None:
    now = timezone.now()
    pubs_for: list[tuple[Publication, list[str]]] = []
    for a in range(0, len(items), CHUNK):
        chunk = items[a : a + CHUNK]
        dois = [i.record.doi for i in chunk if i.record.doi]
        sids = [i.record.source_id for i in chunk if not i.record.doi and i.record.source_id]
        existing = {p.doi: p for p in Publication.objects.filter(doi__in=dois)}
        by_sid = {
            (p.source, p.source_id): p
            for p in Publication.objects.filter(source_id__in=sids).order_by("pk")
        }
        new: list[Publication] = []
        changed: list[Publication] = []
        changed_fields: set[str] = set()
        for item in chunk:
            r = item.record
            pub = existing.get(r.doi) if r.doi else by_sid.get((r.source, r.source_id))
            if pub is None:
                new.append(Publication(**publication_kwargs(r)))
                pubs_for.append((new[-1], item.orcids))
                continue
            fill = [n for n in _FILLABLE if not getattr(pub, n) and getattr(r, n)]
            for n in fill:
                setattr(pub, n, getattr(r, n))
            if fill:
                pub.updated_at = now
                changed.append(pub)
                changed_fields.update([*fill, "updated_at"])
                report.updated += 1
            else:
                report.unchanged += 1
            pubs_for.append((pub, item.orcids))
        Publication.objects.bulk_create(new, batch_size=CHUNK)
        if changed:
            Publication.objects.bulk_update(changed, sorted(changed_fields), batch_size=CHUNK)
        report.created += len(new)
    _link(pubs_for, report)


def _link(pubs_for: list[tuple[Publication, list[str]]], report: BulkReport) -> None:
    orcids = {o for _, os in pubs_for for o in os}
    if not orcids:
        return
    profiles = {p.orcid: p for p in ResearcherProfile.objects.filter(orcid__in=orcids)}
    if not profiles:
        return
    wanted = []
    for pub, os in pubs_for:
        for o in os:
            if o in profiles and pub.pk is not None:
                wanted.append((profiles[o].pk, pub.pk))
    have = set(
        Authorship.objects.filter(
            researcher_id__in={r for r, _ in wanted}, publication_id__in={p for _, p in wanted}
        ).values_list("researcher_id", "publication_id")
    )
    new = [
        Authorship(researcher_id=r, publication_id=p)
        for r, p in dict.fromkeys(wanted)
        if (r, p) not in have
    ]
    Authorship.objects.bulk_create(new, batch_size=CHUNK)
    report.linked += len(new)
