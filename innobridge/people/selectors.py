"""Reads of the people app: every query that depends on who asks or on filters."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse

from innobridge.core.caching import person_fact
from innobridge.core.figures import Dim, Row, grouped, region_label
from innobridge.core.language import fold, to_script
from innobridge.core.models import Notice, Region
from innobridge.core.permissions import Role, can_act_as

from .importers import normalise_doi
from .models import (
    ROR_ID_RE,
    ApiToken,
    Authorship,
    ContactBlock,
    ContactDisclosure,
    Introduction,
    IntroductionStatus,
    Organisation,
    OrganisationStatus,
    Person,
    Publication,
    ResearcherProfile,
    ShortlistEntry,
)


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


# --- Accounts, roles and API tokens ------------------------------------------


def roles_held(person: Any) -> list[Role]:
    """The roles a person holds (as ``Role`` members, whose labels are translated)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    held = set(person.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in held]


def active_api_tokens(person: Any) -> QuerySet[ApiToken]:
    """The person's tokens that still work, newest first."""
    return ApiToken.objects.filter(person=person, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def api_token_of(person: Any, token_id: int) -> ApiToken:
    """One of the person's own tokens (raises ApiToken.DoesNotExist otherwise)."""
    return ApiToken.objects.get(person=person, pk=token_id)


# --- Partner search (through the matching engine) ----------------------------


OTHER_SIDE = {"HK": ["CN"], "CN": ["HK"], "MO": ["CN", "HK"], "INT": ["HK", "CN"]}


def partner_query_for(profile: ResearcherProfile) -> str:
    """A researcher's own expertise as a query: keywords and recent titles."""
    from .matching import expertise_keywords

    titles = list(profile.publications.order_by("-year", "-id").values_list("title", flat=True)[:8])
    # the position ("Associate Professor") is not expertise: it is no evidence of a match
    parts = [", ".join(expertise_keywords(profile.keywords)), *titles]
    return "\n".join(p for p in parts if p)


# What the partner search page shows of a hit (its name, demo badge, region and
# organisation; the contact buttons need the person's id): reading only these of 20
# profiles with their people and organisations costs 1.3 ms instead of 2.1 (issue #17).
PARTNER_PAGE_FIELDS = (
    "id",
    "region",
    "person__id",
    "person__username",
    "person__first_name",
    "person__last_name",
    "person__display_name",
    "person__is_demo",
    "organisation__id",
    "organisation__name",
    "organisation__name_zh",
)


def find_partners(
    viewer: Any,
    *,
    q: str = "",
    use_profile: bool = False,
    regions: list[str] | None = None,
    organisation_type: str = "",
    career_stage: str = "",
    top_k: int = 20,
    fields: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Researchers (and their organisations) whose work matches a topic, on the other
    side of the boundary by default, ranked, with why each one matches. ``fields``: read
    only these of each hit's profile (with its person and organisation), e.g.
    :data:`PARTNER_PAGE_FIELDS`; all of them when None.

    ``regions`` None means "the other side" of the viewer's own region (Mainland for a
    Hong Kong researcher, Hong Kong for a Mainland one; both for others)."""
    from innobridge.core.language import script_for_language

    from . import matching
    from .matching import WEAK, grade, level, query_kind

    own = getattr(viewer, "researcher_profile", None) if viewer.is_authenticated else None
    if use_profile and own is not None:
        q = partner_query_for(own)
    q = q.strip()
    regions_defaulted = regions is None
    if regions is None:
        regions = OTHER_SIDE.get(own.region, ["HK", "CN"]) if own else ["HK", "CN"]
    result: dict[str, Any] = {
        "query": q,
        "regions": regions,
        "other_side": regions_defaulted and own is not None,
        "researchers": [],
        "organisations": [],
        "indexing": matching.build_progress(),
        "match_count": 0,
        "strong_count": 0,
        "no_strong": False,
        "not_matching": 0,
    }
    if not q or result["indexing"] is not None:
        # While the first index is built a ranking would be of a few researchers only:
        # the page says the index is being built instead of showing it.
        return result
    filters: dict[str, Any] = {"region": regions or None}
    if organisation_type:
        filters["organisation_type"] = organisation_type
    if career_stage:
        filters["career_stage"] = career_stage
    if own is not None:
        filters["exclude_ids"] = [str(own.pk)]
    hits = matching.search(q, top_k=top_k, filters=filters, script=script_for_language())
    found = visible_researchers(viewer)
    if fields is not None:
        found = found.only(*fields)
    profiles = found.in_bulk([int(h.id) for h in hits])
    hits = [h for h in hits if int(h.id) in profiles]  # hidden since it was indexed
    graded = grade(hits, lambda h: h.score, query_kind(q))
    # Nearer to the opposite of the query than to it: ranked, but never shown.
    result["not_matching"] = (
        len(hits) - len(graded.strong) - len(graded.possible) - len(graded.weak)
    )
    kind = query_kind(q)
    rows: list[dict[str, Any]] = []
    for hit in graded.shown():
        why = hit.why
        rows.append(
            {
                "profile": profiles[int(hit.id)],
                "score": hit.score,
                "level": level(hit.score, kind),
                "shared_terms": why.shared_terms[:8],
                "closest_text": why.closest_text,
                "closest_is_publication": why.closest_index > 0,
            }
        )
    result["researchers"] = rows
    result["match_count"] = graded.count
    result["strong_count"] = len(graded.strong)
    result["no_strong"] = not graded.has_strong
    # Organisations ranked by the strength of their matching researchers (matches only):
    # the best researcher counts fully, each further one adds a little.
    by_org: dict[int, dict[str, Any]] = {}
    for row in rows:
        org = row["profile"].organisation
        if org is None or row["level"] == WEAK:
            continue
        entry = by_org.setdefault(org.pk, {"organisation": org, "score": 0.0, "researchers": []})
        weight = 1.0 if not entry["researchers"] else 0.25
        entry["score"] += weight * row["score"]
        entry["researchers"].append(row["profile"])
    result["organisations"] = sorted(
        by_org.values(), key=lambda e: (-e["score"], e["organisation"].name)
    )
    return result


def person_by_handle(handle: str) -> Any:
    """The person a user typed: their user name, else their e-mail (case-insensitive).
    ``None`` when nobody has it. The one place that resolves a typed handle."""
    key = (handle or "").strip()
    # Longer than any user name or e-mail address: nobody (and no 50,000-character
    # LIKE pattern for the database). Both are unique whatever their case, so at most
    # one person matches each.
    if not key or len(key) > 254:
        return None
    return (
        Person.objects.filter(username__iexact=key).first()
        or Person.objects.filter(email__iexact=key).first()
    )


# ------------------------------------------- figures for the Action Plan dashboard (plan)


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


# --- Two-factor sign-in ----------------------------------------------------------

# INNOBRIDGE_2FA_REQUIRED_ROLES unset: these roles ("staff": Django staff and superusers).
DEFAULT_2FA_REQUIRED_ROLES = (
    Role.PROGRAMME_OFFICER.value,
    Role.REVIEWER.value,
    Role.ADMINISTRATOR.value,
    "staff",
)


def two_factor_required_roles() -> tuple[str, ...]:
    """The roles that must use two-factor sign-in: the setting, or by default the
    officers', reviewers', administrators' and staff's — none in the demo, whose
    accounts' passwords are published (see settings.INNOBRIDGE_2FA_REQUIRED_ROLES)."""
    from django.conf import settings

    roles = getattr(settings, "INNOBRIDGE_2FA_REQUIRED_ROLES", None)
    if roles is None:
        return () if settings.INNOBRIDGE_DEMO else DEFAULT_2FA_REQUIRED_ROLES
    return tuple(roles)


def two_factor_required(person: Any) -> bool:
    """Whether ``person`` holds a role that must use two-factor sign-in."""
    from innobridge.core.permissions import can_act_as

    if not getattr(person, "is_authenticated", False):
        return False
    required = two_factor_required_roles()
    if "staff" in required and (person.is_staff or person.is_superuser):
        return True
    return any(can_act_as(person, role) for role in required if role != "staff")


def two_factor_available(person: Any) -> bool:
    """Whether ``person`` may turn two-factor sign-in on: not the demo's shared accounts,
    whose passwords are published (one visitor's authenticator would lock out the rest)."""
    from django.conf import settings

    return not (settings.INNOBRIDGE_DEMO and getattr(person, "is_demo", False))


def has_two_factor(person: Any) -> bool:
    """Whether ``person`` has turned two-factor sign-in on (a confirmed authenticator)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not getattr(person, "is_authenticated", False):
        return False
    # Read on every signed-in request: kept in the shared cache, emptied when a device of
    # the person is saved or deleted (core/caching.py).
    return bool(
        person_fact(
            person.pk,
            "two_factor",
            lambda: TOTPDevice.objects.filter(user_id=person.pk, confirmed=True).exists(),
        )
    )


def recovery_codes_left(person: Any) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user_id=person.pk, device__confirmed=True).count()


def session_verified(user: Any) -> bool:
    """Whether this request's session passed the second step (django-otp's middleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def two_factor_owed(person: Any) -> str | None:
    """What a signed-in session of ``person`` owes before it may use the site, unless it
    passed the second step already: ``"verify"`` (two-factor sign-in is on),
    ``"setup"`` (their role requires it and it is off) or None."""
    if has_two_factor(person):
        return "verify"
    if two_factor_required(person):
        return "setup"
    return None


# --- Contacts: introductions, the shortlist, notices, disclosures --------------------


def introductions_of(user: Any) -> dict[str, Any]:
    """The signed-in person's introductions: received and waiting, sent, and accepted
    (their contacts)."""
    if not getattr(user, "is_authenticated", False):
        return {"received": [], "sent": [], "contacts": []}
    mine = Introduction.objects.select_related(
        "requester__researcher_profile__organisation",
        "recipient__researcher_profile__organisation",
    )
    return {
        "received": list(mine.filter(recipient=user, state=IntroductionStatus.PENDING)),
        "sent": list(mine.filter(requester=user).exclude(state=IntroductionStatus.ACCEPTED)),
        "contacts": list(
            mine.filter(Q(requester=user) | Q(recipient=user), state=IntroductionStatus.ACCEPTED)
        ),
    }


def visible_introduction(user: Any, pk: int) -> Any:
    """One introduction the user is a party to (``Introduction.DoesNotExist`` otherwise)."""
    return Introduction.objects.select_related("requester", "recipient").get(
        Q(requester_id=getattr(user, "pk", None)) | Q(recipient_id=getattr(user, "pk", None)),
        pk=pk,
    )


def other_party(user: Any, intro: Any) -> Any:
    return intro.recipient if intro.requester_id == user.pk else intro.requester


def relationship(viewer: Any, person: Any) -> dict[str, Any]:
    """What ``viewer`` has to do with ``person``, for the buttons on a profile or a hit:
    shortlisted, an open request either way, in contact, blocked."""
    if not getattr(viewer, "is_authenticated", False) or viewer.pk == person.pk:
        return {"self": getattr(viewer, "pk", None) == person.pk, "signed_in": False}
    pending = Introduction.objects.filter(state=IntroductionStatus.PENDING)
    return {
        "self": False,
        "signed_in": True,
        "shortlisted": ShortlistEntry.objects.filter(owner=viewer, person=person).exists(),
        "sent": pending.filter(requester=viewer, recipient=person).first(),
        "received": pending.filter(requester=person, recipient=viewer).first(),
        "contact": Introduction.objects.filter(
            Q(requester=viewer, recipient=person) | Q(requester=person, recipient=viewer),
            state=IntroductionStatus.ACCEPTED,
        ).first(),
        "blocked": ContactBlock.objects.filter(blocker=viewer, blocked=person).exists(),
    }


def shortlisted_ids(viewer: Any) -> set[int]:
    """Whom ``viewer`` has on their shortlist (a search page marks them): kept per person
    in the shared cache (issue #17) and emptied when an entry of theirs is added or removed
    (``people/signals.py``)."""
    if not getattr(viewer, "is_authenticated", False):
        return set()

    def compute() -> list[int]:
        return list(ShortlistEntry.objects.filter(owner=viewer).values_list("person_id", flat=True))

    return set(person_fact(viewer.pk, "shortlist", compute))


def shortlist_of(user: Any) -> Any:
    return ShortlistEntry.objects.filter(owner_id=getattr(user, "pk", None)).select_related(
        "person__researcher_profile__organisation"
    )


def contact_choices(user: Any) -> list[Any]:
    """People the user has found: their shortlist and their accepted introductions, for
    pickers (e.g. inviting someone to a proposal) — by person, not by typed handle."""
    if not getattr(user, "is_authenticated", False):
        return []
    listed = shortlist_of(user).values_list("person_id", flat=True)
    accepted = Introduction.objects.filter(
        Q(requester=user) | Q(recipient=user), state=IntroductionStatus.ACCEPTED
    ).values_list("requester_id", "recipient_id")
    ids = set(listed) | {pk for pair in accepted for pk in pair}
    ids.discard(user.pk)
    people = Person.objects.filter(pk__in=ids, is_active=True).select_related(
        "researcher_profile__organisation"
    )
    return sorted(people, key=lambda p: str(p).casefold())


# Roles whose holders have their own work on the platform, for whom a researcher profile is
# not the point of their account (an enterprise user, a technology-transfer officer, a
# programme officer …); a reviewer is a researcher who reviews.
NON_RESEARCHER_ROLES = frozenset(Role) - {Role.RESEARCHER, Role.REVIEWER}


def researcher_profile_fits(user: Any) -> bool:
    """Whether a researcher profile makes sense for ``user``: a researcher, or someone
    without a more specific role (roles read once per person, from the shared cache)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_act_as(user, Role.RESEARCHER):
        return True
    return not any(can_act_as(user, role) for role in NON_RESEARCHER_ROLES)


def own_profile_url(user: Any) -> str:
    """The address of ``user``'s researcher profile, or "" (none, or not signed in)."""
    if not getattr(user, "is_authenticated", False):
        return ""

    def compute() -> str:
        pk = ResearcherProfile.objects.filter(person_id=user.pk).values_list("pk", flat=True)
        found = pk.first()
        return reverse("people:researcher", args=[found]) if found is not None else ""

    return str(person_fact(user.pk, "profile_url", compute))


def unread_notice_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    # The header's count on every signed-in page: kept in the shared cache, emptied when a
    # notice of the person is created, deleted or marked read (core/caching.py).
    return int(
        person_fact(
            user.pk,
            "unread_notices",
            lambda: Notice.objects.filter(recipient=user, read_at__isnull=True).count(),
        )
    )


def notices_of(user: Any) -> Any:
    return Notice.objects.filter(recipient_id=getattr(user, "pk", None))


def my_disclosures(user: Any) -> Any:
    """What of the user's personal data was shared, with whom and when."""
    return ContactDisclosure.objects.filter(subject_id=getattr(user, "pk", None)).select_related(
        "recipient"
    )


def disclosure_register(
    *, cross_boundary_only: bool = True, region: str = "", since: Any = None, until: Any = None
) -> Any:
    """The register for the data protection officer (the caller checks the permission)."""
    qs = ContactDisclosure.objects.select_related("subject", "recipient")
    if cross_boundary_only:
        qs = qs.filter(cross_boundary=True)
    if region:
        qs = qs.filter(Q(subject_region=region) | Q(recipient_region=region))
    if since:
        qs = qs.filter(disclosed_at__date__gte=since)
    if until:
        qs = qs.filter(disclosed_at__date__lte=until)
    return qs
