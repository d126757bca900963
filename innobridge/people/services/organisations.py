"""Organisations: their search text, the ROR import, and one registered by hand (a
company the directory does not hold)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.language import fold
from innobridge.core.models import Region
from innobridge.core.permissions import Role, require_act_as
from innobridge.core.services import record_event

from ..audit import PeopleAction
from ..models import Organisation, OrganisationType
from ..ror import RorRecord, normalise_record


def organisation_search_text(org: Organisation) -> str:
    """Every name folded, each between `` | `` (so a selector can tell an exact or a
    prefix match of a whole name from a match inside one), then city and ROR id."""
    names = " | ".join(fold(n) for n in org.all_names())
    return f"| {names} | {fold(org.city)} {org.ror_id or ''}".strip()


def _squash(text: str) -> str:
    return " ".join(text.split())


def _check_and_index(org: Organisation, already_held: str) -> None:
    """Validate an organisation registered by hand, refuse a name another organisation
    holds (either script, any case: ``already_held`` names it), and write its search text."""
    from ..selectors import organisation_named

    org.full_clean(exclude=["ror_id", "search_text"])
    same = organisation_named(org.name, org.name_zh)
    if same is not None and same.pk != org.pk:
        raise ValidationError({"name": [already_held % {"name": same}]})
    org.search_text = organisation_search_text(org)


@transaction.atomic
def register_organisation(
    actor: Any,
    *,
    name: str,
    region: str,
    name_zh: str = "",
    city: str = "",
    website: str = "",
    primary_type: str = OrganisationType.COMPANY,
    audit_extra: dict[str, Any] | None = None,
) -> Organisation:
    """Add an organisation that the ROR directory does not hold (most often a company),
    as an administrator: validated like any other, refused when an organisation of the
    same name is already there (in either script), findable by name at once."""
    from ..permissions import is_admin

    if not is_admin(actor):
        raise PermissionDenied(_("Only an administrator registers an organisation."))
    org = Organisation(
        name=_squash(name),
        name_zh=_squash(name_zh),
        region=region,
        city=_squash(city),
        website=website.strip(),
        primary_type=primary_type,
        types=[primary_type],
    )
    _check_and_index(
        org, _("The directory already holds “%(name)s”: link the person to it instead.")
    )
    org.save()
    record_event(
        actor,
        PeopleAction.ORGANISATION_REGISTERED,
        org,
        after={
            **{f: getattr(org, f) for f in ("name", "name_zh", "region", "city", "website")},
            "primary_type": org.primary_type,
            **(audit_extra or {}),
        },
    )
    return org


# What an administrator may change of an organisation registered by hand (one with a ROR
# id is the import's: its next run would undo an edit).
ORGANISATION_FIELDS = ("name", "name_zh", "primary_type", "status", "region", "city", "website")


@transaction.atomic
def update_organisation(actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    """Change an organisation registered by hand, as an administrator: validated like a
    new one (a name another organisation holds is refused), its search text rewritten,
    audited with what was stored before."""
    from ..permissions import is_admin

    if not is_admin(actor):
        raise PermissionDenied(_("Only an administrator changes an organisation."))
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if org.ror_id:
        raise ValidationError(
            _("This organisation comes from ROR: the next import would undo a change made here.")
        )
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = {f: getattr(org, f) for f in ORGANISATION_FIELDS}
    for name, value in fields.items():
        setattr(org, name, _squash(value) if name in {"name", "name_zh", "city"} else value)
    if "primary_type" in fields:
        org.types = [org.primary_type]
    _check_and_index(org, _("The directory already holds “%(name)s”."))
    org.save()
    after = {f: getattr(org, f) for f in ORGANISATION_FIELDS}
    record_event(actor, PeopleAction.ORGANISATION_UPDATED, org, before=before, after=after)
    organisation.refresh_from_db()
    return org


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
        require_act_as(actor, Role.ADMINISTRATOR)
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
            PeopleAction.ORGANISATIONS_IMPORTED,
            object_type="people.organisation",
            object_id="ror-import",
            after=report.as_dict(),
        )
    return report


# --- Researchers and publications -------------------------------------------
