"""The people app's API: organisations, researchers, publications."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError

from innobridge.core.caching import public_result
from innobridge.core.models import Region
from innobridge.core.schemas import MAX_PAGE_OFFSET, TEXT_MAX, FromModel

from . import selectors, services
from .auth import api_auth
from .models import (
    CareerStage,
    Organisation,
    OrganisationType,
    Person,
    Publication,
    ResearcherProfile,
)
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
@public_result("people.organisations")
def list_organisations(
    request: HttpRequest,
    filters: Query[OrganisationFilters],
    limit: int = Query(25, ge=1, le=100),
    offset: int = Query(0, ge=0, le=MAX_PAGE_OFFSET),
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


# --- Researchers and publications -------------------------------------------


class PublicationOut(Schema):
    id: int
    doi: str | None
    doi_url: str
    title: str
    abstract: str
    year: int | None
    venue: str
    language: str
    keywords: list[str]
    author_names: list[str]
    url: str
    source: str
    source_id: str
    licence: str


class ResearcherRef(Schema):
    id: int
    name: str
    is_demo: bool


class PublicationDetailOut(PublicationOut):
    researchers: list[ResearcherRef]


class ResearcherOut(Schema):
    id: int
    name: str
    is_demo: bool
    orcid: str | None
    orcid_url: str
    organisation: OrganisationRef | None
    region: str
    career_stage: str
    position: str
    keywords: list[str]
    web_url: str


class ResearcherDetailOut(ResearcherOut):
    biography: str
    biography_language: str
    is_public: bool
    publications: list[PublicationOut]


class ResearcherPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ResearcherOut]


class PublicationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PublicationOut]


class ResearcherFilters(Schema):
    q: str = ""
    region: str = ""
    organisation: int | None = None
    career_stage: str = ""
    keyword: str = ""
    has_orcid: bool | None = None


class PublicationFilters(Schema):
    q: str = ""
    year: int | None = None
    researcher: int | None = None
    doi: str = ""


# A keyword list as the API takes it: at most MAX_KEYWORDS keywords of at most 100
# characters (the service's own limits, so a longer list is a 422 naming the field).
Keywords = Annotated[
    list[Annotated[str, Field(max_length=100)]], Field(max_length=services.MAX_KEYWORDS)
]


class ResearcherIn(Schema):
    """Fields of a profile; on PATCH only the fields sent are changed."""

    display_name: Annotated[str, FromModel(Person, "display_name")] | None = None
    orcid: Annotated[str, FromModel(ResearcherProfile, "orcid", max_length=60)] | None = None
    organisation: int | None = None
    region: Annotated[str, FromModel(ResearcherProfile, "region")] | None = None
    career_stage: Annotated[str, FromModel(ResearcherProfile, "career_stage")] | None = None
    position: Annotated[str, FromModel(ResearcherProfile, "position")] | None = None
    keywords: Keywords | None = None
    biography: (
        Annotated[str, FromModel(ResearcherProfile, "biography", max_length=TEXT_MAX)] | None
    ) = None
    biography_language: (
        Annotated[str, FromModel(ResearcherProfile, "biography_language")] | None
    ) = None
    is_public: bool | None = None


class PublicationIn(Schema):
    title: Annotated[str, FromModel(Publication, "title")]
    abstract: Annotated[str, FromModel(Publication, "abstract", max_length=TEXT_MAX)] = ""
    year: Annotated[int, FromModel(Publication, "year")] | None = None
    venue: Annotated[str, FromModel(Publication, "venue")] = ""
    doi: Annotated[str, FromModel(Publication, "doi", max_length=300)] | None = None
    language: Annotated[str, FromModel(Publication, "language")] = ""
    keywords: Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=200)] = []
    author_names: Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=500)] = []
    url: Annotated[str, FromModel(Publication, "url")] = ""
    licence: Annotated[str, FromModel(Publication, "licence")] = ""


class PublicationImportOut(Schema):
    created: int
    linked: int
    unchanged: int
    total: int
    publications: list[PublicationOut]


def _researcher_out(profile: ResearcherProfile) -> dict[str, Any]:
    org = profile.organisation
    return {
        "id": profile.pk,
        "name": str(profile.person),
        "is_demo": profile.person.is_demo,
        "orcid": profile.orcid,
        "orcid_url": f"https://orcid.org/{profile.orcid}" if profile.orcid else "",
        "organisation": (
            {"id": org.pk, "ror_id": org.ror_id, "name": org.name, "name_zh": org.name_zh}
            if org
            else None
        ),
        "region": profile.region,
        "career_stage": profile.career_stage,
        "position": profile.position,
        "keywords": profile.keywords,
        "web_url": profile.get_absolute_url(),
    }


def _researcher_detail(profile: ResearcherProfile) -> dict[str, Any]:
    data = _researcher_out(profile)
    data.update(
        {
            "biography": profile.biography,
            "biography_language": profile.biography_language,
            "is_public": profile.is_public,
            "publications": list(selectors.researcher_publications(profile)),
        }
    )
    return data


def _visible_profile(request: HttpRequest, researcher_id: int) -> ResearcherProfile:
    profile = selectors.visible_researchers(request.user).filter(pk=researcher_id).first()
    if profile is None:
        raise HttpError(404, _("No researcher with id %(id)s.") % {"id": researcher_id})
    return profile


def _page(qs: Any, limit: int, offset: int, convert: Any = None) -> dict[str, Any]:
    items = list(qs[offset : offset + limit])
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": [convert(i) for i in items] if convert else items,
    }


@router.get("/researchers", response=ResearcherPage, summary="Search researchers")
def list_researchers(
    request: HttpRequest,
    filters: Query[ResearcherFilters],
    limit: int = Query(25, ge=1, le=100),
    offset: int = Query(0, ge=0, le=MAX_PAGE_OFFSET),
) -> dict[str, Any]:
    """Researchers listed in the directory. ``q`` matches names, keywords, position and
    organisation names in any script; ``region`` HK, CN, MO or INT; ``organisation`` an
    organisation id; ``career_stage`` student, early, mid, senior or industry."""
    _check_choice("region", filters.region, list(Region.values))
    _check_choice("career_stage", filters.career_stage, list(CareerStage.values))
    qs = selectors.search_researchers(
        request.user,
        q=filters.q[:200],
        region=filters.region,
        organisation=filters.organisation,
        career_stage=filters.career_stage,
        keyword=filters.keyword[:100],
        has_orcid=filters.has_orcid,
    )
    return _page(qs, limit, offset, _researcher_out)


@router.post(
    "/researchers",
    response={201: ResearcherDetailOut},
    auth=api_auth,
    summary="Create my researcher profile",
)
def create_researcher_profile(request: HttpRequest, payload: ResearcherIn) -> Any:
    """Create the caller's own researcher profile (one per account; 422 if it exists)."""
    changes = payload.model_dump(exclude_unset=True)
    profile = services.create_profile(request.user, request.user, **changes)  # type: ignore[arg-type]
    return Status(201, _researcher_detail(profile))


@router.get("/researchers/{researcher_id}", response=ResearcherDetailOut, summary="Researcher")
def get_researcher(request: HttpRequest, researcher_id: int) -> dict[str, Any]:
    """One researcher with their publications."""
    return _researcher_detail(_visible_profile(request, researcher_id))


@router.patch(
    "/researchers/{researcher_id}",
    response=ResearcherDetailOut,
    auth=api_auth,
    summary="Update a researcher profile (owner)",
)
def patch_researcher(
    request: HttpRequest, researcher_id: int, payload: ResearcherIn
) -> dict[str, Any]:
    """Change the fields sent; only the profile's owner (or an administrator) may.
    ``keywords`` is a list; ``organisation`` an organisation id (its region becomes the
    profile's unless ``region`` is sent too); ``orcid`` is checked with its check digit."""
    profile = _visible_profile(request, researcher_id)
    changes = payload.model_dump(exclude_unset=True)
    if "display_name" in changes and changes["display_name"] is None:
        changes.pop("display_name")
    profile = services.update_profile(request.user, profile, **changes)
    return _researcher_detail(profile)


@router.post(
    "/researchers/{researcher_id}/publications",
    response={201: PublicationImportOut},
    auth=api_auth,
    summary="Add one publication (owner)",
)
def add_publication(request: HttpRequest, researcher_id: int, payload: PublicationIn) -> Any:
    """Add a publication to the caller's profile. A DOI already stored is linked, not
    duplicated (``linked`` = 1)."""
    profile = _visible_profile(request, researcher_id)
    record = services.PublicationData(**payload.model_dump(), source="manual")
    result = services.add_publications(request.user, profile, [record])
    return Status(201, _import_out(result))


@router.post(
    "/researchers/{researcher_id}/publications/import",
    response={201: PublicationImportOut},
    auth=api_auth,
    summary="Import publications from a file (owner)",
)
def import_publications(
    request: HttpRequest,
    researcher_id: int,
    format: Form[Literal["orcid", "openalex", "csv"]],
    file: File[UploadedFile],
) -> Any:
    """Upload ORCID works JSON, OpenAlex works JSON or CSV (multipart form: ``file`` and
    ``format``). All or nothing: any error → 422 listing each record's problem."""
    profile = _visible_profile(request, researcher_id)
    if file.size is not None and file.size > 5 * 1024 * 1024:
        raise ValidationError({"file": _("The file is larger than 5 MB.")})
    result = services.import_publications(request.user, profile, file.read(), format)
    return Status(201, _import_out(result))


def _import_out(result: services.PublicationImportResult) -> dict[str, Any]:
    return {
        "created": result.created,
        "linked": result.linked,
        "unchanged": result.unchanged,
        "total": result.total,
        "publications": result.publications,
    }


@router.get("/publications", response=PublicationPage, summary="Search publications")
def list_publications(
    request: HttpRequest,
    filters: Query[PublicationFilters],
    limit: int = Query(25, ge=1, le=100),
    offset: int = Query(0, ge=0, le=MAX_PAGE_OFFSET),
) -> dict[str, Any]:
    """Publications of listed researchers. ``q`` matches title or venue (Traditional or
    Simplified); ``doi`` accepts ``10.…`` or ``https://doi.org/10.…``."""
    qs = selectors.publications_for(
        request.user,
        q=filters.q[:200],
        year=filters.year,
        researcher=filters.researcher,
        doi=filters.doi[:300],
    )
    return _page(qs, limit, offset)


@router.get("/publications/{publication_id}", response=PublicationDetailOut, summary="Publication")
def get_publication(request: HttpRequest, publication_id: int) -> dict[str, Any]:
    """One publication with the listed researchers among its authors."""
    publication = selectors.publications_for(request.user).filter(pk=publication_id).first()
    if publication is None:
        raise HttpError(404, _("No publication with id %(id)s.") % {"id": publication_id})
    researchers = selectors.visible_researchers(request.user).filter(
        authorship__publication=publication
    )
    data = PublicationOut.from_orm(publication).model_dump()
    data["researchers"] = [
        {"id": p.pk, "name": str(p.person), "is_demo": p.person.is_demo}
        for p in researchers.order_by("authorship__position", "pk")
    ]
    return data


# --- Partner search (through the matching engine) ----------------------------


class PartnerFilters(Schema):
    q: str = ""
    region: list[Region] = []
    organisation_type: OrganisationType | Literal[""] = ""
    career_stage: CareerStage | Literal[""] = ""
    top: int = 20


class PartnerWhy(Schema):
    shared_terms: list[str]
    closest_text: str
    closest_is_publication: bool


class PartnerOut(Schema):
    researcher: ResearcherOut
    score: float
    level: Literal["strong", "possible", "weak"] = Field(
        description="Calibrated relevance: strong and possible are matches; weak is only a "
        "closest result (listed when there is no strong match), not a match."
    )
    why: PartnerWhy


class PartnerOrganisationOut(Schema):
    organisation: OrganisationRef
    score: float
    researchers: list[int]


class IndexingProgress(Schema):
    indexed: int
    total: int


class PartnerResults(Schema):
    query: str
    regions: list[str]
    indexing: IndexingProgress | None = Field(
        None,
        description="Set while the index is being built: no results are given until it is "
        "complete.",
    )
    match_count: int = Field(description="Researchers at the strong or possible level.")
    strong_count: int
    researchers: list[PartnerOut]
    organisations: list[PartnerOrganisationOut]


def _partners(request: HttpRequest, filters: PartnerFilters, use_profile: bool) -> dict[str, Any]:
    if not 1 <= filters.top <= 100:
        raise HttpError(422, _("top must be between 1 and 100."))
    result = selectors.find_partners(
        request.user,
        q=filters.q,
        use_profile=use_profile,
        regions=[str(r) for r in filters.region] or None,
        organisation_type=filters.organisation_type,
        career_stage=filters.career_stage,
        top_k=filters.top,
    )
    if not result["query"]:
        raise HttpError(
            422,
            _("Describe a topic (q)")
            if not use_profile
            else _("Your profile has no keywords or publications to search with yet."),
        )
    progress = result.get("indexing")
    return {
        "query": result["query"],
        "regions": result["regions"],
        "indexing": {"indexed": progress[0], "total": progress[1]} if progress else None,
        "match_count": result["match_count"],
        "strong_count": result["strong_count"],
        "researchers": [
            {
                "researcher": _researcher_out(row["profile"]),
                "score": row["score"],
                "level": row["level"],
                "why": {
                    "shared_terms": row["shared_terms"],
                    "closest_text": row["closest_text"],
                    "closest_is_publication": row["closest_is_publication"],
                },
            }
            for row in result["researchers"]
        ],
        "organisations": [
            {
                "organisation": {
                    "id": e["organisation"].pk,
                    "ror_id": e["organisation"].ror_id,
                    "name": e["organisation"].name,
                    "name_zh": e["organisation"].name_zh,
                },
                "score": e["score"],
                "researchers": [p.pk for p in e["researchers"]],
            }
            for e in result["organisations"]
        ],
    }


@router.get("/partners", response=PartnerResults, summary="Find partners across the boundary")
def find_partners(request: HttpRequest, filters: Query[PartnerFilters]) -> dict[str, Any]:
    """Researchers (and their organisations) whose work matches the topic ``q``, in any of
    the three languages, ranked with the reasons for each match. Without ``region`` the
    search covers the other side of the boundary from the caller's own region."""
    return _partners(request, filters, use_profile=False)


@router.get(
    "/partners/mine",
    response=PartnerResults,
    auth=api_auth,
    summary="Find partners for my own profile",
)
def find_partners_for_me(request: HttpRequest, filters: Query[PartnerFilters]) -> dict[str, Any]:
    """Like /partners, with the caller's own profile (keywords and recent titles) as the
    topic."""
    if not hasattr(request.user, "researcher_profile"):
        raise HttpError(422, _("Create your researcher profile first."))
    return _partners(request, filters, use_profile=True)
