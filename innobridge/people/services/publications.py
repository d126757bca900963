"""Publications: import (ORCID, OpenAlex, CSV) and link to a profile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.language import fold
from innobridge.core.services import record_event

from ..audit import PeopleAction
from ..importers import PublicationData as _PublicationData
from ..importers import (
    PublicationFormatError,
    normalise_doi,
    normalise_title,
    parse_publications,
)
from ..models import (
    DOI_RE,
    Authorship,
    Publication,
    PublicationSource,
    ResearcherProfile,
    validate_doi,
)
from ..permissions import require_edit_profile
from .profiles import researcher_search_text

PublicationData = _PublicationData  # re-exported: callers build records from services


@dataclass
class PublicationImportResult:
    """What ``add_publications`` did: new records, existing records newly linked to
    the profile, and records the profile already had (a re-import changes nothing)."""

    created: int = 0
    linked: int = 0
    unchanged: int = 0
    publications: list[Publication] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.linked + self.unchanged


# One validator for every record (building it per record cost a tenth of a bulk import).
_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
_FIELDS = tuple(f.name for f in fields(PublicationData))


def publication_kwargs(record: PublicationData) -> dict[str, Any]:
    """``Publication(**…)`` arguments of a cleaned record: a shallow copy of its fields
    (``dataclasses.asdict`` deep-copies every list and cost a sixth of a bulk import)."""
    return {name: getattr(record, name) for name in _FIELDS}


def _clean_record(record: PublicationData, where: str) -> tuple[PublicationData, list[str]]:
    """A normalised copy of ``record`` and the problems found in it."""
    errors: list[str] = []
    title = " ".join((record.title or "").split())
    if not title:
        errors.append(_("%(where)s: the title is empty") % {"where": where})
    doi = normalise_doi(record.doi)
    if doi and not DOI_RE.match(doi):
        # Sources sometimes give several DOIs or wrap one in text: keep the first.
        found = re.search(r"10\.\d{4,9}/[^\s,;]+", doi)
        doi = found.group(0).rstrip(".") if found else doi
    if doi:
        try:
            validate_doi(doi)
        except ValidationError:
            errors.append(
                _("%(where)s: “%(doi)s” is not a DOI (10.1234/…)") % {"where": where, "doi": doi}
            )
        if len(doi) > 255:
            errors.append(_("%(where)s: the DOI is too long") % {"where": where})
    year = record.year
    if year is not None and not (isinstance(year, int) and 1000 <= year <= 2100):
        errors.append(
            _("%(where)s: year %(year)s is out of range") % {"where": where, "year": year}
        )
    url = (record.url or "").strip()
    if url:
        try:
            if len(url) > 500:
                raise ValidationError("too long")
            _URL_VALIDATOR(url)
        except ValidationError:
            url = ""  # a broken link is dropped, not fatal
    source = record.source or "manual"
    if source not in PublicationSource.values:
        errors.append(_("%(where)s: unknown source “%(s)s”") % {"where": where, "s": source})
    language = (record.language or "").strip().lower()
    if len(language) > 10:
        language = ""
    cleaned = PublicationData(
        title=title,
        abstract=(record.abstract or "").strip(),
        year=year,
        venue=" ".join((record.venue or "").split())[:500],
        doi=doi,
        language=language,
        keywords=[k.strip()[:100] for k in record.keywords if k and k.strip()][:50],
        author_names=[a.strip()[:300] for a in record.author_names if a and a.strip()],
        url=url,
        source=source,
        source_id=(record.source_id or "").strip()[:200],
        licence=(record.licence or "").strip()[:200],
    )
    return cleaned, errors


def _find_existing(
    record: PublicationData, own: dict[tuple[str, int | None], Publication]
) -> Publication | None:
    if record.doi:
        found = Publication.objects.filter(doi=record.doi).first()
        if found is not None:
            return found
    if record.source_id and record.source != "manual":
        found = (
            Publication.objects.filter(source=record.source, source_id=record.source_id)
            .order_by("pk")
            .first()
        )
        if found is not None and (not record.doi or not found.doi):
            return found
    key = (normalise_title(record.title), record.year)
    if key in own and (not record.doi or not own[key].doi):
        return own[key]
    if record.doi:
        return None
    candidates = Publication.objects.filter(year=record.year, title__iexact=record.title)
    for candidate in candidates.order_by("pk")[:5]:
        if normalise_title(candidate.title) == key[0]:
            return candidate
    return None


def _author_position(profile: ResearcherProfile, names: list[str]) -> int | None:
    person = profile.person
    mine = {
        fold(n)
        for n in (
            person.display_name,
            f"{person.first_name} {person.last_name}",
            f"{person.last_name}, {person.first_name}",
            f"{person.last_name} {person.first_name}",
        )
        if n.strip(", ")
    }
    for i, name in enumerate(names, start=1):
        if fold(name) in mine:
            return i
    return None


_FILLABLE = ("abstract", "year", "venue", "language", "keywords", "author_names", "url", "licence")


def _fill_blanks(publication: Publication, record: PublicationData) -> None:
    """Complete an existing publication's empty fields; never overwrite."""
    changed = [
        name for name in _FILLABLE if not getattr(publication, name) and getattr(record, name)
    ]
    for name in changed:
        setattr(publication, name, getattr(record, name))
    if record.doi and not publication.doi:
        publication.doi = record.doi
        changed.append("doi")
    if changed:
        publication.save(update_fields=[*changed, "updated_at"])


def add_publications(
    actor: Any, profile: ResearcherProfile, records: list[PublicationData]
) -> PublicationImportResult:
    """Add publications to a profile, all or nothing. A record whose DOI (else
    source id, else title + year) is already stored is linked, not duplicated; its
    empty fields are filled from the record."""
    require_edit_profile(actor, profile)
    cleaned: list[PublicationData] = []
    errors: list[str] = []
    for i, record in enumerate(records, start=1):
        item, problems = _clean_record(record, _("record %(n)d") % {"n": i})
        cleaned.append(item)
        errors.extend(problems)
    if errors:
        raise ValidationError(errors)
    result = PublicationImportResult()
    with transaction.atomic():
        # Lock the profile so two imports for one person do not interleave.
        ResearcherProfile.objects.select_for_update().filter(pk=profile.pk).first()
        own = {
            (normalise_title(p.title), p.year): p
            for p in Publication.objects.filter(authorship__researcher=profile).order_by("pk")
        }
        linked_before = {p.pk for p in own.values()}
        seen: set[int] = set()
        for record in cleaned:
            publication = _find_existing(record, own)
            if publication is None:
                publication = Publication(**publication_kwargs(record))
                publication.full_clean()
                publication.save()
                result.created += 1
            else:
                _fill_blanks(publication, record)
                if publication.pk in linked_before:
                    result.unchanged += 1
                elif publication.pk not in seen:
                    result.linked += 1
            if publication.pk not in linked_before and publication.pk not in seen:
                Authorship.objects.create(
                    researcher=profile,
                    publication=publication,
                    position=_author_position(profile, record.author_names),
                )
                own[(normalise_title(publication.title), publication.year)] = publication
            if publication.pk not in seen:
                seen.add(publication.pk)
                result.publications.append(publication)
        profile.search_text = researcher_search_text(profile)
        ResearcherProfile.objects.filter(pk=profile.pk).update(
            search_text=profile.search_text, updated_at=timezone.now()
        )
        record_event(
            actor,
            PeopleAction.PUBLICATIONS_ADDED,
            profile,
            after={
                "created": result.created,
                "linked": result.linked,
                "unchanged": result.unchanged,
                "publication_ids": [p.pk for p in result.publications],
            },
        )
    return result


def import_publications(
    actor: Any,
    profile: ResearcherProfile,
    data: bytes | str,
    format: Literal["orcid", "openalex", "csv"],
) -> PublicationImportResult:
    """Read a file (ORCID works JSON, OpenAlex works JSON or CSV) and add its
    publications; a malformed file raises ValidationError listing every problem and
    writes nothing."""
    require_edit_profile(actor, profile)
    try:
        records = parse_publications(data, format)
    except PublicationFormatError as exc:
        raise ValidationError(exc.errors) from exc
    return add_publications(actor, profile, records)
