"""Reads of organisations: the directory's search and figures, and names resolved as typed."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from innobridge.core.language import fold
from innobridge.core.models import Region

from ..models import (
    ROR_ID_RE,
    Organisation,
    OrganisationStatus,
    Publication,
    ResearcherProfile,
)
from .researchers import visible_researchers


def directory_stats() -> dict[str, Any]:
    """Public aggregates: counts by region, nothing personal."""
    orgs = dict(
        Organisation.objects.values_list("region")
        .annotate(n=Count("id"))
        .values_list("region", "n")
    )
    researchers = dict(
        ResearcherProfile.objects.filter(is_public=True)
        .values_list("region")
        .annotate(n=Count("id"))
        .values_list("region", "n")
    )
    return {
        "organisations": sum(orgs.values()),
        "researchers": sum(researchers.values()),
        "publications": Publication.objects.count(),
        "regions": [
            {
                "code": region.value,
                "label": region.label,
                "organisations": orgs.get(region.value, 0),
                "researchers": researchers.get(region.value, 0),
            }
            for region in Region
        ],
    }


def _organisation_query(q: str) -> str:
    """The query folded like ``search_text`` (NFKC, case, Traditional→Simplified),
    without the ``|`` that separates names there."""
    return " ".join(fold(q).replace("|", " ").split())


def search_organisations(
    *,
    q: str = "",
    region: str = "",
    type: str = "",
    city: str = "",
    include_inactive: bool = False,
) -> QuerySet[Organisation]:
    """Organisations matching a query in any name, script or case: every folded term
    must occur in ``search_text``. Ranked: a whole name or acronym equal to the query
    first, then names starting with it, then names with a word starting with it, then
    the rest; by name within each rank (plain LIKE and CASE, so SQLite and PostgreSQL
    agree)."""
    qs = Organisation.objects.all()
    if not include_inactive:
        qs = qs.filter(status=OrganisationStatus.ACTIVE)
    if region:
        qs = qs.filter(region=region)
    if type:
        qs = qs.filter(primary_type=type)
    if city:
        qs = qs.filter(city__iexact=city.strip())
    folded = _organisation_query(q)
    if not folded:
        return qs.order_by("name", "pk")
    for term in folded.split():
        qs = qs.filter(search_text__contains=term)
    qs = qs.annotate(
        rank=Case(
            When(search_text__contains=f"| {folded} |", then=Value(0)),
            When(search_text__contains=f"| {folded}", then=Value(1)),
            When(search_text__contains=f" {folded}", then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )
    return qs.order_by("rank", "name", "pk")


def organisation_cities(region: str = "") -> list[str]:
    """Distinct cities of the directory (for the city filter's suggestions)."""
    qs = Organisation.objects.exclude(city="")
    if region:
        qs = qs.filter(region=region)
    return list(qs.order_by("city").values_list("city", flat=True).distinct())


def organisation_detail(pk: int) -> Organisation:
    """One organisation with its links loaded; raises ``Organisation.DoesNotExist``."""
    return Organisation.objects.prefetch_related("parents", "children", "related").get(pk=pk)


def organisation_researchers(org: Organisation, viewer: Any = None) -> QuerySet[ResearcherProfile]:
    """The researchers of ``org`` that ``viewer`` may see."""
    return (
        visible_researchers(viewer)
        .filter(organisation=org)
        .order_by("person__display_name", "person__username")
    )


def organisations_by_ror_id(ror_ids: list[str]) -> dict[str, Organisation]:
    """Organisations of the directory among ``ror_ids``, by ROR id."""
    if not ror_ids:
        return {}
    return {o.ror_id: o for o in Organisation.objects.filter(ror_id__in=ror_ids) if o.ror_id}


def organisations_with_researchers(viewer: Any = None) -> QuerySet[Organisation]:
    """Organisations that have at least one visible researcher (for filter menus)."""
    return Organisation.objects.filter(
        Exists(visible_researchers(viewer).filter(organisation=OuterRef("pk")))
    ).order_by("name", "pk")


def organisation_named(*names: str) -> Organisation | None:
    """An organisation whose English or Chinese name is one of ``names`` (any case,
    spaces as typed collapsed), else None."""
    wanted = [" ".join(n.split()) for n in names if n and n.strip()]
    if not wanted:
        return None
    match = Q()
    for n in wanted:
        match |= Q(name__iexact=n) | Q(name_zh__iexact=n)
    return Organisation.objects.filter(match).order_by("pk").first()


def resolve_organisation(text: str) -> tuple[Organisation | None, list[Organisation]]:
    """The one organisation meant by ``text`` (a ROR id or URL, or a name in any
    script), else None and up to five candidates (empty when nothing matches)."""
    text = text.strip()
    ror = text.rsplit("/", 1)[-1].lower() if "ror.org/" in text.lower() else text.lower()
    if ROR_ID_RE.match(ror):
        found = Organisation.objects.filter(ror_id=ror).first()
        if found is not None:
            return found, []
    candidates = list(search_organisations(q=text, include_inactive=True)[:6])
    exact = [o for o in candidates if getattr(o, "rank", 3) == 0]
    if len(exact) == 1:
        return exact[0], []
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates[:5]
