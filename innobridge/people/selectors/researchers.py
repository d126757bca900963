"""Reads of researchers and their publications, as the reader may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from innobridge.core.language import fold, to_script

from ..importers import normalise_doi
from ..models import (
    Authorship,
    Publication,
    ResearcherProfile,
)


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
    keyword: str = "",
    has_orcid: bool | None = None,
) -> QuerySet[ResearcherProfile]:
    """Visible profiles matching every filter. ``q`` matches names, keywords,
    position and organisation names in any script or case (香港科技大學 finds 香港科技大学)."""
    qs = visible_researchers(viewer)
    if region:
        qs = qs.filter(region=region)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if career_stage:
        qs = qs.filter(career_stage=career_stage)
    if keyword:
        qs = qs.filter(search_text__contains=fold(keyword).strip())
    if has_orcid is True:
        qs = qs.filter(orcid__isnull=False)
    elif has_orcid is False:
        qs = qs.filter(orcid__isnull=True)
    for term in fold(q).strip().split():
        qs = qs.filter(search_text__contains=term)
    return qs.order_by("person__display_name", "person__username", "pk")


def researcher_publications(profile: ResearcherProfile) -> QuerySet[Publication]:
    """A profile's publications, newest first."""
    return Publication.objects.filter(authorship__researcher=profile).order_by(
        F("year").desc(nulls_last=True), "title", "pk"
    )


def publications_for(
    viewer: Any = None,
    *,
    q: str = "",
    year: int | None = None,
    researcher: int | None = None,
    doi: str = "",
) -> QuerySet[Publication]:
    """Publications of researchers the viewer may see, filtered. ``q`` matches the
    title in its own script or the other Chinese script."""
    visible = visible_researchers(viewer)
    if researcher:
        visible = visible.filter(pk=researcher)
    qs = Publication.objects.filter(
        Exists(
            Authorship.objects.filter(
                publication=OuterRef("pk"), researcher__in=visible.values("pk")
            )
        )
    )
    if year:
        qs = qs.filter(year=year)
    if doi:
        qs = qs.filter(doi=normalise_doi(doi))
    for term in q.split():
        variants = {term, to_script(term, "zh-hans"), to_script(term, "zh-hant")}
        cond = Q()
        for variant in variants:
            cond |= Q(title__icontains=variant) | Q(venue__icontains=variant)
        qs = qs.filter(cond)
    return qs.order_by(F("year").desc(nulls_last=True), "title", "pk")
