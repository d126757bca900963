"""Reads of the people app: every query that depends on who asks or on filters."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from innobridge.core.language import fold
from innobridge.core.models import Region

from .models import Organisation, Publication, ResearcherProfile


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


# --- Organisations -----------------------------------------------------------


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
        qs = qs.filter(status="active")
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


# --- Researchers and publications -------------------------------------------


def visible_researchers(viewer: Any = None) -> QuerySet[ResearcherProfile]:
    """Profiles listed in the directory, plus the viewer's own."""
    cond = Q(is_public=True)
    if viewer is not None and getattr(viewer, "is_authenticated", False):
        cond |= Q(person=viewer)
    return ResearcherProfile.objects.filter(cond).select_related("person", "organisation")


def search_researchers(
    viewer: Any = None,
    *,
    q: str = "",
    region: str = "",
    organisation: int | None = None,
    career_stage: str = "",
) -> QuerySet[ResearcherProfile]:
    qs = visible_researchers(viewer)
    if region:
        qs = qs.filter(region=region)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if career_stage:
        qs = qs.filter(career_stage=career_stage)
    for term in fold(q).strip().split():
        qs = qs.filter(search_text__contains=term)
    return qs.order_by("person__display_name", "person__username")
