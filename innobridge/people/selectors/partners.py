"""Partner search through the matching engine, and people found by handle."""

from __future__ import annotations

from typing import Any

from ..models import (
    Person,
    ResearcherProfile,
)
from .researchers import visible_researchers

OTHER_SIDE = {"HK": ["CN"], "CN": ["HK"], "MO": ["CN", "HK"], "INT": ["HK", "CN"]}


def partner_query_for(profile: ResearcherProfile) -> str:
    """A researcher's own expertise as a query: keywords and recent titles."""
    from ..matching import expertise_keywords

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

    from .. import matching
    from ..matching import WEAK, grade, level, query_kind

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
