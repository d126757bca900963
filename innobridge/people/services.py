"""Writes of the people app. Each public function checks permission, validates,
changes state and records its audit event in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.language import fold
from innobridge.core.models import Region
from innobridge.core.permissions import Role, has_role, require_role
from innobridge.core.services import record_event, snapshot

from .importers import PublicationData as _PublicationData
from .importers import (
    PublicationFormatError,
    normalise_doi,
    normalise_title,
    parse_publications,
)
from .models import (
    DOI_RE,
    ApiToken,
    Authorship,
    Organisation,
    OrganisationType,
    Person,
    Publication,
    PublicationSource,
    ResearcherProfile,
    validate_doi,
)
from .ror import RorRecord, normalise_record


def organisation_search_text(org: Organisation) -> str:
    """Every name folded, each between `` | `` (so a selector can tell an exact or a
    prefix match of a whole name from a match inside one), then city and ROR id."""
    names = " | ".join(fold(n) for n in org.all_names())
    return f"| {names} | {fold(org.city)} {org.ror_id or ''}".strip()


def researcher_search_text(profile: ResearcherProfile) -> str:
    person = profile.person
    parts = [
        person.display_name,
        person.first_name,
        person.last_name,
        person.username if not person.is_demo else "",
        " ".join(profile.keywords),
        profile.position,
        profile.organisation.name if profile.organisation else "",
        profile.organisation.name_zh if profile.organisation else "",
    ]
    return fold(" ".join(p for p in parts if p))


# --- Organisations (ROR) -----------------------------------------------------

ROR_IMPORT_FIELDS = [
    "name",
    "name_zh",
    "other_names",
    "acronyms",
    "types",
    "primary_type",
    "status",
    "region",
    "country_code",
    "city",
    "established",
    "latitude",
    "longitude",
    "website",
    "wikidata",
    "external_relationships",
    "ror_last_modified",
    "search_text",
]
ROR_DEFAULT_COUNTRIES = ("CN", "HK", "MO")
_LINK_TYPES = {"parent", "child", "related"}
_BATCH = 500


def region_for_country(country_code: str) -> str:
    """HK → Hong Kong, MO → Macao, CN → Mainland; every other country (TW included)
    → International."""
    return {"HK": Region.HONG_KONG, "MO": Region.MACAO, "CN": Region.MAINLAND}.get(
        (country_code or "").upper(), Region.INTERNATIONAL
    ).value


@dataclass
class RorImportReport:
    """What one run of the ROR import did."""

    read: int = 0
    skipped: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_added: int = 0
    links_removed: int = 0
    parent_links: int = 0
    related_links: int = 0
    external_links: int = 0
    relinked: int = 0
    regions: dict[str, int] = field(default_factory=dict)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.updated or self.links_added or self.links_removed or self.relinked
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["imported"] = self.imported
        data["changed"] = self.changed
        return data

    def summary(self) -> str:
        text = _(
            "%(imported)s organisations: %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged (%(skipped)s of other countries skipped). "
            "Links: %(parent)s parent/child and %(related)s related among them, "
            "%(external)s to organisations not in the database; "
            "%(added)s links added, %(removed)s removed."
        ) % {
            "imported": self.imported,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "parent": self.parent_links,
            "related": self.related_links,
            "external": self.external_links,
            "added": self.links_added,
            "removed": self.links_removed,
        }
        if not self.changed:
            text += " " + _("Nothing changed.")
        return text


def _ror_values(record: RorRecord, known_ids: set[str]) -> dict[str, Any]:
    """Model field values of one record; relationships to organisations outside
    ``known_ids`` (and predecessor/successor links) are kept as external ones."""
    types = record.types
    primary = types[0] if types else OrganisationType.OTHER.value
    if primary not in OrganisationType.values:
        primary = OrganisationType.OTHER.value
    external = [
        rel
        for rel in record.relationships
        if rel["type"] not in _LINK_TYPES or rel["ror_id"] not in known_ids
    ]
    return {
        "name": record.name[:300],
        "name_zh": record.name_zh[:300],
        "other_names": record.other_names,
        "acronyms": record.acronyms,
        "types": types,
        "primary_type": primary,
        "status": record.status,
        "region": region_for_country(record.country_code),
        "country_code": record.country_code[:2],
        "city": record.city[:120],
        "established": record.established,
        "latitude": record.latitude,
        "longitude": record.longitude,
        "website": record.website,
        "wikidata": record.wikidata[:20],
        "external_relationships": external,
        "ror_last_modified": record.last_modified,
    }


def _chunks(items: list[Any], size: int = _BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_ror_records(
    records: Iterable[dict[str, Any] | RorRecord],
    *,
    actor: Any = None,
    countries: Iterable[str] | None = ROR_DEFAULT_COUNTRIES,
) -> RorImportReport:
    """Create or update organisations from ROR records (any format ``people.ror`` reads),
    matched by ROR id, and their parent/child/related links. ``countries=None`` imports
    every country. All records are read and checked before anything is written; the
    writes and one summarising audit event happen in one transaction. Raises
    ``RorFormatError`` (a ``ValueError``) naming the record for unreadable input."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        require_role(actor, Role.ADMINISTRATOR)
    wanted = {c.strip().upper() for c in countries} if countries is not None else None
    report = RorImportReport()
    batch: dict[str, RorRecord] = {}
    for raw in records:
        record = raw if isinstance(raw, RorRecord) else normalise_record(raw)
        report.read += 1
        if wanted is not None and record.country_code not in wanted:
            report.skipped += 1
            continue
        batch[record.ror_id] = record  # a later copy of the same id wins

    with transaction.atomic():
        existing: dict[str, Organisation] = {
            o.ror_id: o for o in Organisation.objects.filter(ror_id__isnull=False) if o.ror_id
        }
        known_ids = set(existing) | set(batch)
        now = timezone.now()
        to_create: list[Organisation] = []
        to_update: list[Organisation] = []
        for ror_id, record in batch.items():
            values = _ror_values(record, known_ids)
            report.regions[values["region"]] = report.regions.get(values["region"], 0) + 1
            report.external_links += len(values["external_relationships"])
            org = existing.get(ror_id)
            if org is None:
                org = Organisation(ror_id=ror_id, **values)
                org.search_text = organisation_search_text(org)
                to_create.append(org)
                continue
            before = {f: getattr(org, f) for f in ROR_IMPORT_FIELDS}
            for name, value in values.items():
                setattr(org, name, value)
            org.search_text = organisation_search_text(org)
            if any(getattr(org, f) != before[f] for f in ROR_IMPORT_FIELDS):
                org.updated_at = now
                to_update.append(org)
            else:
                report.unchanged += 1
        Organisation.objects.bulk_create(to_create, batch_size=_BATCH)
        Organisation.objects.bulk_update(
            to_update, [*ROR_IMPORT_FIELDS, "updated_at"], batch_size=_BATCH
        )
        report.created, report.updated = len(to_create), len(to_update)

        pk_of = dict(Organisation.objects.filter(ror_id__isnull=False).values_list("ror_id", "pk"))
        batch_pks = {pk_of[ror_id] for ror_id in batch}
        want_parent: set[tuple[int, int]] = set()  # (child, parent)
        want_related: set[tuple[int, int]] = set()  # (smaller pk, larger pk)

        def want(me: int, rel_type: str, other: int) -> None:
            if me == other:
                return
            if rel_type == "parent":
                want_parent.add((me, other))
            elif rel_type == "child":
                want_parent.add((other, me))
            elif rel_type == "related":
                want_related.add((min(me, other), max(me, other)))

        for ror_id, record in batch.items():
            for rel in record.relationships:
                if rel["ror_id"] in pk_of:
                    want(pk_of[ror_id], rel["type"], pk_of[rel["ror_id"]])
        # Organisations imported earlier that pointed at one of these as external.
        relinked: list[Organisation] = []
        for known_id, org in existing.items():
            if known_id in batch or not org.external_relationships:
                continue
            keep = []
            for rel in org.external_relationships:
                other_id = rel.get("ror_id") if isinstance(rel, dict) else None
                if other_id in batch and rel.get("type") in _LINK_TYPES:
                    want(org.pk, rel["type"], pk_of[other_id])
                else:
                    keep.append(rel)
            if len(keep) != len(org.external_relationships):
                org.external_relationships = keep
                org.updated_at = now
                relinked.append(org)
        Organisation.objects.bulk_update(
            relinked, ["external_relationships", "updated_at"], batch_size=_BATCH
        )
        report.relinked = len(relinked)

        Parent = Organisation.parents.through
        have_parent = {
            (f, t): pk
            for pk, f, t in Parent.objects.values_list(
                "pk", "from_organisation_id", "to_organisation_id"
            )
        }
        drop = [
            pk
            for (f, t), pk in have_parent.items()
            if (f in batch_pks or t in batch_pks) and (f, t) not in want_parent
        ]
        add = sorted(want_parent - set(have_parent))
        for chunk in _chunks(drop):
            Parent.objects.filter(pk__in=chunk).delete()
        Parent.objects.bulk_create(
            [Parent(from_organisation_id=f, to_organisation_id=t) for f, t in add],
            batch_size=_BATCH,
        )
        report.links_added, report.links_removed = len(add), len(drop)

        Related = Organisation.related.through
        have_related: dict[tuple[int, int], list[int]] = {}
        for pk, f, t in Related.objects.values_list(
            "pk", "from_organisation_id", "to_organisation_id"
        ):
            have_related.setdefault((min(f, t), max(f, t)), []).append(pk)
        drop_pairs = [
            pair
            for pair in have_related
            if (pair[0] in batch_pks or pair[1] in batch_pks) and pair not in want_related
        ]
        drop = [pk for pair in drop_pairs for pk in have_related[pair]]
        add = sorted(want_related - set(have_related))
        for chunk in _chunks(drop):
            Related.objects.filter(pk__in=chunk).delete()
        Related.objects.bulk_create(
            [Related(from_organisation_id=a, to_organisation_id=b) for a, b in add]
            + [Related(from_organisation_id=b, to_organisation_id=a) for a, b in add],
            batch_size=_BATCH,
        )
        report.links_added += len(add)
        report.links_removed += len(drop_pairs)
        report.parent_links = len(want_parent)
        report.related_links = len(want_related)

        record_event(
            actor or "import_ror",
            "people.organisations.import",
            object_type="people.organisation",
            object_id="ror-import",
            after=report.as_dict(),
        )
    return report


# --- Researchers and publications -------------------------------------------

PublicationData = _PublicationData  # re-exported: callers build records from services
PROFILE_FIELDS = (
    "orcid",
    "organisation",
    "region",
    "career_stage",
    "position",
    "keywords",
    "biography",
    "biography_language",
    "is_public",
)
PERSON_FIELDS = ("display_name", "first_name", "last_name")
MAX_KEYWORDS = 30


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


def _is_system(actor: Any) -> bool:
    """A management command or seed script (actor None or a label), not a web user."""
    return actor is None or isinstance(actor, str)


def _is_admin(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False)) or has_role(actor, Role.ADMINISTRATOR)


def can_edit_profile(actor: Any, profile: ResearcherProfile) -> bool:
    """The owner or an administrator (or a system command)."""
    if _is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    return actor.pk == profile.person_id or _is_admin(actor)


def _require_edit(actor: Any, profile: ResearcherProfile) -> None:
    if not can_edit_profile(actor, profile):
        raise PermissionDenied(_("Only the owner of this profile may change it."))


def clean_keywords(value: Any) -> list[str]:
    """A list of keywords from a list or a comma-separated string (also ，、;)."""
    if value is None:
        return []
    if isinstance(value, str):
        items = re.split(r"[,，、;；\n]", value)
    elif isinstance(value, list | tuple):
        if not all(isinstance(v, str) for v in value):
            raise ValidationError({"keywords": _("Keywords must be text.")})
        items = list(value)
    else:
        raise ValidationError({"keywords": _("Keywords must be a list of words or phrases.")})
    seen: dict[str, str] = {}
    for item in items:
        word = " ".join(item.split())
        if word and fold(word) not in seen:
            if len(word) > 100:
                raise ValidationError({"keywords": _("A keyword may have at most 100 characters.")})
            seen[fold(word)] = word
    if len(seen) > MAX_KEYWORDS:
        raise ValidationError({"keywords": _("At most %(n)d keywords.") % {"n": MAX_KEYWORDS}})
    return list(seen.values())


def _apply_profile_changes(profile: ResearcherProfile, changes: dict[str, Any]) -> None:
    """Set and validate profile + person fields; raise one ValidationError with all."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(changes) - set(PROFILE_FIELDS) - set(PERSON_FIELDS))
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    person = profile.person
    for name in PERSON_FIELDS:
        if name in changes:
            value = " ".join(str(changes[name] or "").split())
            if name == "display_name" and not value:
                errors.setdefault(name, []).append(_("A name is required."))
            setattr(person, name, value)
    if "orcid" in changes:
        orcid = str(changes["orcid"] or "").strip().upper()
        orcid = re.sub(r"^(?:https?://)?orcid\.org/", "", orcid, flags=re.IGNORECASE)
        profile.orcid = orcid or None
    if "keywords" in changes:
        try:
            profile.keywords = clean_keywords(changes["keywords"])
        except ValidationError as exc:
            errors.setdefault("keywords", []).extend(exc.messages)
    if "organisation" in changes:
        org = changes["organisation"]
        if org is not None and not isinstance(org, Organisation):
            org = Organisation.objects.filter(pk=org).first()
            if org is None:
                errors.setdefault("organisation", []).append(_("No such organisation."))
        profile.organisation = org
        if "region" not in changes and org is not None:
            profile.region = org.region
    for name in ("region", "career_stage", "position", "biography", "biography_language"):
        if name in changes:
            setattr(profile, name, str(changes[name] or "").strip())
    if "is_public" in changes:
        profile.is_public = bool(changes["is_public"])
    if not profile.region:
        profile.region = profile.organisation.region if profile.organisation else ""
    try:
        profile.full_clean(exclude=["person"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    try:
        person.full_clean(
            exclude=[f.name for f in person._meta.fields if f.name not in PERSON_FIELDS]
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _save_profile(profile: ResearcherProfile) -> None:
    profile.person.save()
    profile.save()
    profile.search_text = researcher_search_text(profile)
    ResearcherProfile.objects.filter(pk=profile.pk).update(search_text=profile.search_text)


def _profile_snapshot(profile: ResearcherProfile) -> dict[str, Any]:
    data = snapshot(profile, [*PROFILE_FIELDS, "person"])
    data.update(snapshot(profile.person, list(PERSON_FIELDS)))
    return data


def create_researcher(
    actor: Any,
    *,
    username: str,
    email: str = "",
    password: str | None = None,
    display_name: str,
    first_name: str = "",
    last_name: str = "",
    organisation: Organisation | None,
    region: str | None = None,
    career_stage: str = "",
    position: str = "",
    keywords: Iterable[str] = (),
    biography: str = "",
    biography_language: str = "",
    orcid: str | None = None,
    is_demo: bool = False,
    roles: tuple[str, ...] = ("researcher",),
) -> ResearcherProfile:
    """A new account with its researcher profile (for administrators and commands).
    Without a password the account cannot log in until one is set."""
    if not _is_system(actor) and not _is_admin(actor):
        raise PermissionDenied(_("Only an administrator may create researchers."))
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("A username is required.")})
    if Person.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    known_roles = {r.value for r in Role}
    bad_roles = [r for r in roles if r not in known_roles]
    if bad_roles:
        raise ValidationError({"roles": _("Unknown role: %(r)s") % {"r": ", ".join(bad_roles)}})
    with transaction.atomic():
        person = Person(
            username=username,
            email=email,
            display_name=display_name,
            first_name=first_name,
            last_name=last_name,
            is_demo=is_demo,
        )
        if password is None:
            person.set_unusable_password()
        else:
            person.set_password(password)
        profile = ResearcherProfile(person=person, organisation=organisation)
        _apply_profile_changes(
            profile,
            {
                "display_name": display_name,
                "first_name": first_name,
                "last_name": last_name,
                "organisation": organisation,
                "region": region or (organisation.region if organisation else ""),
                "career_stage": career_stage,
                "position": position,
                "keywords": list(keywords),
                "biography": biography,
                "biography_language": biography_language,
                "orcid": orcid,
            },
        )
        person.save()
        for role in roles:
            person.groups.add(Group.objects.get_or_create(name=role)[0])
        profile.person = person
        _save_profile(profile)
        record_event(actor, "people.researcher.create", profile, after=_profile_snapshot(profile))
    return profile


def create_profile(actor: Any, person: Person, **fields: Any) -> ResearcherProfile:
    """A researcher profile for an existing account (the person's own "My profile",
    or an administrator's doing). Adds the researcher role."""
    if not (
        _is_system(actor)
        or (getattr(actor, "is_authenticated", False) and actor.pk == person.pk)
        or _is_admin(actor)
    ):
        raise PermissionDenied(_("You may only create your own researcher profile."))
    if ResearcherProfile.objects.filter(person=person).exists():
        raise ValidationError(_("This person already has a researcher profile."))
    with transaction.atomic():
        profile = ResearcherProfile(person=person)
        fields.setdefault(
            "display_name", person.display_name or person.get_full_name() or person.username
        )
        try:
            _apply_profile_changes(profile, fields)
        except ValidationError:
            # Forget the unsaved profile the constructor cached on the person.
            person._state.fields_cache.pop("researcher_profile", None)
            raise
        _save_profile(profile)
        person.groups.add(Group.objects.get_or_create(name=Role.RESEARCHER)[0])
        if hasattr(person, "_role_cache"):
            del person._role_cache
        record_event(actor, "people.researcher.create", profile, after=_profile_snapshot(profile))
    return profile


def update_profile(actor: Any, profile: ResearcherProfile, **changes: Any) -> ResearcherProfile:
    """Change a profile (owner or administrator). Fields: orcid, organisation, region,
    career_stage, position, keywords (list or comma-separated), biography,
    biography_language, is_public, display_name, first_name, last_name."""
    _require_edit(actor, profile)
    with transaction.atomic():
        profile = (
            # Lock the profile row only: PostgreSQL cannot lock the nullable side
            # of the outer join to the organisation.
            ResearcherProfile.objects.select_for_update(of=("self",))
            .select_related("person", "organisation")
            .get(pk=profile.pk)
        )
        before = _profile_snapshot(profile)
        _apply_profile_changes(profile, changes)
        _save_profile(profile)
        after = _profile_snapshot(profile)
        if after != before:
            record_event(actor, "people.researcher.update", profile, before=before, after=after)
    return profile


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
            URLValidator(schemes=["http", "https"])(url)
            if len(url) > 500:
                raise ValidationError("too long")
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
    _require_edit(actor, profile)
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
                publication = Publication(**asdict(record))
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
            "people.publications.add",
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
    _require_edit(actor, profile)
    try:
        records = parse_publications(data, format)
    except PublicationFormatError as exc:
        raise ValidationError(exc.errors) from exc
    return add_publications(actor, profile, records)


# --- Accounts, roles and API tokens ------------------------------------------

SELF_SERVICE_ROLES = (Role.RESEARCHER, Role.ENTERPRISE)
MAX_ACTIVE_TOKENS = 20
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


def _valid_language(language: str) -> bool:
    return language in {code for code, _name in settings.LANGUAGES}


def person_roles(person: Person) -> list[str]:
    """The role (group) names a person holds, in the order of ``Role``."""
    held = set(person.groups.values_list("name", flat=True))
    return [role.value for role in Role if role.value in held]


def sign_up(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    preferred_language: str = "en",
    role: str = Role.RESEARCHER,
) -> Person:
    """Create an account holding one self-service role (researcher or enterprise user).

    Other roles are granted by an administrator (``assign_roles``). Raises
    ``ValidationError`` (a dict by field) and writes nothing when any input is wrong.
    """
    username = (username or "").strip()
    email = Person.objects.normalize_email((email or "").strip())
    display_name = (display_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors.setdefault("username", []).append(_("Choose a user name."))
    elif Person.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("This user name is already taken."))
    if not email:
        errors.setdefault("email", []).append(_("Enter your e-mail address."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
        else:
            if Person.objects.filter(email__iexact=email).exists():
                errors.setdefault("email", []).append(
                    _("An account with this e-mail address already exists.")
                )
    if role not in {r.value for r in SELF_SERVICE_ROLES}:
        errors.setdefault("role", []).append(
            _("You can sign up as a researcher or an enterprise user.")
        )
    if not _valid_language(preferred_language):
        errors.setdefault("preferred_language", []).append(_("Unknown language."))
    candidate = Person(username=username, email=email, display_name=display_name)
    try:
        password_validation.validate_password(password or "", candidate)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        person = Person.objects.create_user(
            username=username,
            email=email,
            password=password,
            display_name=display_name,
            preferred_language=preferred_language,
        )
        person.groups.add(Group.objects.get(name=role))
        record_event(
            person,
            "people.person.signed_up",
            person,
            after={**snapshot(person, _PERSON_FIELDS), "roles": [role]},
        )
    return person


_PERSON_FIELDS = ["username", "email", "display_name", "preferred_language", "is_active"]


def assign_roles(actor: Any, person: Person, roles: Iterable[str]) -> list[str]:
    """Make ``roles`` exactly the roles ``person`` holds. Administrators only."""
    require_role(actor, Role.ADMINISTRATOR)
    wanted = list(dict.fromkeys(roles))
    valid = {r.value for r in Role}
    unknown = [r for r in wanted if r not in valid]
    if unknown:
        raise ValidationError(
            {"roles": [_("Unknown role: %(role)s") % {"role": r} for r in unknown]}
        )
    with transaction.atomic():
        before = person_roles(person)
        role_groups = Group.objects.filter(name__in=valid)
        person.groups.remove(*[g for g in role_groups if g.name not in wanted])
        person.groups.add(*[g for g in role_groups if g.name in wanted])
        if hasattr(person, "_role_cache"):
            del person._role_cache
        after = person_roles(person)
        record_event(
            actor,
            "people.person.roles_assigned",
            person,
            before={"roles": before},
            after={"roles": after},
        )
    return after


def grant_role(actor: Any, person: Person, role: str) -> list[str]:
    return assign_roles(actor, person, [*person_roles(person), role])


def remove_role(actor: Any, person: Person, role: str) -> list[str]:
    return assign_roles(actor, person, [r for r in person_roles(person) if r != role])


def set_preferred_language(actor: Any, language: str) -> Person:
    """The signed-in person's UI language, applied at every log-in."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    if not _valid_language(language):
        raise ValidationError({"preferred_language": [_("Unknown language.")]})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=actor.pk)
        if person.preferred_language != language:
            before = snapshot(person, ["preferred_language"])
            person.preferred_language = language
            person.save(update_fields=["preferred_language"])
            record_event(
                actor,
                "people.person.language_set",
                person,
                before=before,
                after=snapshot(person, ["preferred_language"]),
            )
    actor.preferred_language = language
    return person


def create_api_token(actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new personal API token. Returns the token and its key; only a hash of the key
    is stored, so the key can be shown this once only."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name, e.g. the script using it.")]})
    if len(name) > 100:
        raise ValidationError({"name": [_("At most 100 characters.")]})
    with transaction.atomic():
        active = ApiToken.objects.filter(person=actor, revoked_at__isnull=True)
        if active.count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You have %(n)d active tokens; revoke one first.") % {"n": MAX_ACTIVE_TOKENS}
            )
        key = ApiToken.new_key()
        token = ApiToken.objects.create(
            person=actor, name=name, prefix=key[:8], key_hash=ApiToken.hash_key(key)
        )
        record_event(actor, "people.api_token.created", token, after=token.as_dict())
    return token, key


def revoke_api_token(actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner or an administrator."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    if token.person_id != actor.pk and not has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDenied(_("This is not your token."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This token is already revoked."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record_event(
            actor,
            "people.api_token.revoked",
            locked,
            before={"revoked_at": None},
            after={"revoked_at": locked.revoked_at},
        )
    token.revoked_at = locked.revoked_at
    return token


def authenticate_api_key(key: str) -> Person | None:
    """The active person owning the unrevoked token ``key``, or None. Notes the use
    (at most once a minute, so busy scripts do not write on every request)."""
    if not key or not key.startswith("ib_") or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("person")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.matches(key) or not token.person.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    person = token.person
    person.api_token = token  # type: ignore[attr-defined]
    return person
