"""Writes of the people app. Each public function checks permission, validates,
changes state and records its audit event in one transaction."""

from __future__ import annotations

from innobridge.core.language import fold

from .models import Organisation, ResearcherProfile


def organisation_search_text(org: Organisation) -> str:
    return fold(" ".join([*org.all_names(), org.city, org.ror_id or ""]))


def researcher_search_text(profile: ResearcherProfile) -> str:
    person = profile.person
    parts = [
        person.display_name,
        person.first_name,
        person.last_name,
        person.username if not person.is_demo else "",
        " ".join(profile.keywords),
        profile.position,
        profile.organisation.name if profile.organisation else "",
        profile.organisation.name_zh if profile.organisation else "",
    ]
    return fold(" ".join(p for p in parts if p))


# --- Organisations (ROR) -----------------------------------------------------


# --- Researchers and publications -------------------------------------------


# --- Accounts, roles and API tokens ------------------------------------------
