"""Figures of the people app for the Action Plan dashboard (plan)."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)

from innobridge.core.figures import Dim, Row, grouped, region_label
from innobridge.core.models import Region

from ..models import (
    Authorship,
    Publication,
    ResearcherProfile,
)


def cross_boundary_publications() -> QuerySet[Publication]:
    """Publications with at least one author profile in Hong Kong and one on the Mainland."""
    hk = Authorship.objects.filter(publication=OuterRef("pk"), researcher__region=Region.HONG_KONG)
    cn = Authorship.objects.filter(publication=OuterRef("pk"), researcher__region=Region.MAINLAND)
    return Publication.objects.filter(Exists(hk), Exists(cn))


def cross_boundary_publications_figure(year: int, by: str | None = None) -> list[Row]:
    """Cross-boundary co-authored publications published in or before ``year``, in total
    or by "year"."""
    qs = cross_boundary_publications().filter(year__isnull=False, year__lte=year)
    return grouped(qs, {"year": Dim("year")}, by)


def researchers_with_orcid_figure(as_of: Any, by: str | None = None) -> list[Row]:
    """Researcher profiles with an ORCID iD, created by ``as_of``."""
    qs = ResearcherProfile.objects.filter(orcid__isnull=False, created_at__lte=as_of).exclude(
        orcid=""
    )
    dims = {
        "region": Dim("region", label=region_label),
        "institution": Dim("organisation_id", label_field="organisation__name"),
    }
    return grouped(qs, dims, by)
