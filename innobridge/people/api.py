"""The people app's API: organisations, researchers, publications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from innobridge.core.models import Region

from . import selectors
from .models import Organisation, OrganisationType
from .ror import clean_ror_id

router = Router(tags=["people"])


# --- Organisations (ROR) -----------------------------------------------------


class OrganisationRef(Schema):
    id: int
    ror_id: str | None
    name: str
    name_zh: str


class ExternalRelationship(Schema):
    type: str
    ror_id: str
    label: str
    ror_url: str


class OrganisationOut(Schema):
    id: int
    ror_id: str | None
    ror_url: str
    name: str
    name_zh: str
    acronyms: list[str]
    primary_type: str
    types: list[str]
    status: str
    region: str
    country_code: str
    city: str
    established: int | None


class OrganisationDetailOut(OrganisationOut):
    other_names: list[str]
    latitude: float | None
    longitude: float | None
    website: str
    wikidata: str
    ror_last_modified: dt.date | None
    parents: list[OrganisationRef]
    children: list[OrganisationRef]
    related: list[OrganisationRef]
    external_relationships: list[ExternalRelationship]
    researchers: int


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganisationOut]


class OrganisationFilters(Schema):
    q: str = ""
    region: str = ""
    type: str = ""
    city: str = ""
    include_inactive: bool = False


def _check_choice(field: str, value: str, allowed: list[str]) -> None:
    if value and value not in allowed:
        raise ValidationError(
            {
                field: _("Unknown %(field)s “%(value)s”; use one of: %(allowed)s.")
                % {"field": field, "value": value, "allowed": ", ".join(allowed)}
            }
        )


def _organisation_detail(request: HttpRequest, org: Organisation) -> dict[str, Any]:
    def ref(o: Organisation) -> dict[str, Any]:
        return {"id": o.pk, "ror_id": o.ror_id, "name": o.name, "name_zh": o.name_zh}

    data = {f: getattr(org, f) for f in OrganisationDetailOut.model_fields if hasattr(org, f)}
    data.update(
        {
            "id": org.pk,
            "parents": [ref(o) for o in sorted(org.parents.all(), key=lambda o: o.name)],
            "children": [ref(o) for o in sorted(org.children.all(), key=lambda o: o.name)],
            "related": [ref(o) for o in sorted(org.related.all(), key=lambda o: o.name)],
            "external_relationships": [
                {
                    "type": r.get("type", ""),
                    "ror_id": r.get("ror_id", ""),
                    "label": r.get("label", ""),
                    "ror_url": f"https://ror.org/{r.get('ror_id', '')}",
                }
                for r in org.external_relationships
                if isinstance(r, dict)
            ],
            "researchers": selectors.organisation_researchers(org, request.user).count(),
        }
    )
    return data


@router.get("/organisations", response=OrganisationPage, summary="Search organisations")
def list_organisations(
    request: HttpRequest,
    filters: Query[OrganisationFilters],
    limit: int = Query(25, ge=1, le=100),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Organisations of the ROR directory. ``q`` matches any name (English or Chinese,
    Traditional or Simplified, acronyms); ``region`` is HK, CN, MO or INT; ``type`` a ROR
    type (education, facility, …); ``city`` an exact city name. Exact name matches
    come first."""
    _check_choice("region", filters.region, list(Region.values))
    _check_choice("type", filters.type, list(OrganisationType.values))
    qs = selectors.search_organisations(
        q=filters.q[:200],
        region=filters.region,
        type=filters.type,
        city=filters.city[:120],
        include_inactive=filters.include_inactive,
    )
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": list(qs[offset : offset + limit]),
    }


@router.get(
    "/organisations/ror/{ror_id}",
    response=OrganisationDetailOut,
    summary="Organisation by ROR id",
)
def organisation_by_ror(request: HttpRequest, ror_id: str) -> dict[str, Any]:
    """One organisation by its ROR id (``00q4vv597``)."""
    cleaned = clean_ror_id(ror_id)
    if not cleaned:
        raise ValidationError({"ror_id": _("“%(value)s” is not a ROR id.") % {"value": ror_id}})
    org = selectors.organisations_by_ror_id([cleaned]).get(cleaned)
    if org is None:
        raise HttpError(404, _("No organisation with ROR id %(id)s.") % {"id": cleaned})
    return _organisation_detail(request, selectors.organisation_detail(org.pk))


@router.get("/organisations/{org_id}", response=OrganisationDetailOut, summary="Organisation")
def get_organisation(request: HttpRequest, org_id: int) -> dict[str, Any]:
    """One organisation with its names, links and number of listed researchers."""
    try:
        org = selectors.organisation_detail(org_id)
    except Organisation.DoesNotExist as exc:
        raise HttpError(404, _("No organisation with id %(id)s.") % {"id": org_id}) from exc
    return _organisation_detail(request, org)
