"""Reads of the people app: every query that depends on who asks or on filters."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

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


def search_organisations(
    *,
    q: str = "",
    region: str = "",
    type: str = "",
    city: str = "",
    include_inactive: bool = False,
) -> QuerySet[Organisation]:
    """Organisations matching a query in any name, script or case."""
    qs = Organisation.objects.all()
    if not include_inactive:
        qs = qs.filter(status="active")
    if region:
        qs = qs.filter(region=region)
    if type:
        qs = qs.filter(primary_type=type)
    if city:
        qs = qs.filter(city__iexact=city)
    folded = fold(q).strip()
    for term in folded.split():
        qs = qs.filter(search_text__contains=term)
    return qs.order_by("name")


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
