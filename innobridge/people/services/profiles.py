"""Researcher profiles: create, update, keywords and search text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.language import fold
from innobridge.core.permissions import Role, forget_roles
from innobridge.core.services import record_event, snapshot

from ..audit import PeopleAction
from ..models import Organisation, Person, ResearcherProfile
from ..permissions import is_admin, is_system, require_edit_profile


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


PROFILE_FIELDS = (
    "orcid",
    "organisation",
    "region",
    "career_stage",
    "position",
    "keywords",
    "biography",
    "biography_language",
    "is_public",
)
PERSON_FIELDS = ("display_name", "first_name", "last_name")
MAX_KEYWORDS = 30


def clean_keywords(value: Any) -> list[str]:
    """A list of keywords from a list or a comma-separated string (also ，、;)."""
    if value is None:
        return []
    if isinstance(value, str):
        items = re.split(r"[,，、;；\n]", value)
    elif isinstance(value, list | tuple):
        if not all(isinstance(v, str) for v in value):
            raise ValidationError({"keywords": _("Keywords must be text.")})
        items = list(value)
    else:
        raise ValidationError({"keywords": _("Keywords must be a list of words or phrases.")})
    seen: dict[str, str] = {}
    for item in items:
        word = " ".join(item.split())
        if word and fold(word) not in seen:
            if len(word) > 100:
                raise ValidationError({"keywords": _("A keyword may have at most 100 characters.")})
            seen[fold(word)] = word
    if len(seen) > MAX_KEYWORDS:
        raise ValidationError({"keywords": _("At most %(n)d keywords.") % {"n": MAX_KEYWORDS}})
    return list(seen.values())


def _apply_profile_changes(profile: ResearcherProfile, changes: dict[str, Any]) -> None:
    """Set and validate profile + person fields; raise one ValidationError with all."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(changes) - set(PROFILE_FIELDS) - set(PERSON_FIELDS))
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    person = profile.person
    for name in PERSON_FIELDS:
        if name in changes:
            value = " ".join(str(changes[name] or "").split())
            if name == "display_name" and not value:
                errors.setdefault(name, []).append(_("A name is required."))
            setattr(person, name, value)
    if "orcid" in changes:
        orcid = str(changes["orcid"] or "").strip().upper()
        orcid = re.sub(r"^(?:https?://)?orcid\.org/", "", orcid, flags=re.IGNORECASE)
        profile.orcid = orcid or None
    if "keywords" in changes:
        try:
            profile.keywords = clean_keywords(changes["keywords"])
        except ValidationError as exc:
            errors.setdefault("keywords", []).extend(exc.messages)
    if "organisation" in changes:
        org = changes["organisation"]
        if org is not None and not isinstance(org, Organisation):
            org = Organisation.objects.filter(pk=org).first()
            if org is None:
                errors.setdefault("organisation", []).append(_("No such organisation."))
        profile.organisation = org
        if "region" not in changes and org is not None:
            profile.region = org.region
    for name in ("region", "career_stage", "position", "biography", "biography_language"):
        if name in changes:
            setattr(profile, name, str(changes[name] or "").strip())
    if "is_public" in changes:
        profile.is_public = bool(changes["is_public"])
    if not profile.region:
        profile.region = profile.organisation.region if profile.organisation else ""
    try:
        profile.full_clean(exclude=["person"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    try:
        person.full_clean(
            exclude=[f.name for f in person._meta.fields if f.name not in PERSON_FIELDS]
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _save_profile(profile: ResearcherProfile) -> None:
    profile.person.save()
    profile.save()
    profile.search_text = researcher_search_text(profile)
    ResearcherProfile.objects.filter(pk=profile.pk).update(search_text=profile.search_text)


def _profile_snapshot(profile: ResearcherProfile) -> dict[str, Any]:
    data = snapshot(profile, [*PROFILE_FIELDS, "person"])
    data.update(snapshot(profile.person, list(PERSON_FIELDS)))
    return data


def create_researcher(
    actor: Any,
    *,
    username: str,
    email: str = "",
    password: str | None = None,
    display_name: str,
    first_name: str = "",
    last_name: str = "",
    organisation: Organisation | None,
    region: str | None = None,
    career_stage: str = "",
    position: str = "",
    keywords: Iterable[str] = (),
    biography: str = "",
    biography_language: str = "",
    orcid: str | None = None,
    is_demo: bool = False,
    roles: tuple[str, ...] = ("researcher",),
) -> ResearcherProfile:
    """A new account with its researcher profile (for administrators and commands).
    Without a password the account cannot log in until one is set."""
    if not is_system(actor) and not is_admin(actor):
        raise PermissionDenied(_("Only an administrator may create researchers."))
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("A username is required.")})
    if Person.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    known_roles = {r.value for r in Role}
    bad_roles = [r for r in roles if r not in known_roles]
    if bad_roles:
        raise ValidationError({"roles": _("Unknown role: %(r)s") % {"r": ", ".join(bad_roles)}})
    with transaction.atomic():
        person = Person(
            username=username,
            email=email,
            display_name=display_name,
            first_name=first_name,
            last_name=last_name,
            is_demo=is_demo,
        )
        if password is None:
            person.set_unusable_password()
        else:
            person.set_password(password)
        profile = ResearcherProfile(person=person, organisation=organisation)
        _apply_profile_changes(
            profile,
            {
                "display_name": display_name,
                "first_name": first_name,
                "last_name": last_name,
                "organisation": organisation,
                "region": region or (organisation.region if organisation else ""),
                "career_stage": career_stage,
                "position": position,
                "keywords": list(keywords),
                "biography": biography,
                "biography_language": biography_language,
                "orcid": orcid,
            },
        )
        person.save()
        for role in roles:
            person.groups.add(Group.objects.get_or_create(name=role)[0])
        profile.person = person
        _save_profile(profile)
        record_event(
            actor, PeopleAction.RESEARCHER_CREATED, profile, after=_profile_snapshot(profile)
        )
    return profile


def create_profile(actor: Any, person: Person, **fields: Any) -> ResearcherProfile:
    """A researcher profile for an existing account (the person's own "My profile",
    or an administrator's doing). Adds the researcher role."""
    if not (
        is_system(actor)
        or (getattr(actor, "is_authenticated", False) and actor.pk == person.pk)
        or is_admin(actor)
    ):
        raise PermissionDenied(_("You may only create your own researcher profile."))
    if ResearcherProfile.objects.filter(person=person).exists():
        raise ValidationError(_("This person already has a researcher profile."))
    with transaction.atomic():
        profile = ResearcherProfile(person=person)
        fields.setdefault(
            "display_name", person.display_name or person.get_full_name() or person.username
        )
        try:
            _apply_profile_changes(profile, fields)
        except ValidationError:
            # Forget the unsaved profile the constructor cached on the person.
            person._state.fields_cache.pop("researcher_profile", None)
            raise
        _save_profile(profile)
        person.groups.add(Group.objects.get_or_create(name=Role.RESEARCHER)[0])
        forget_roles(person)
        record_event(
            actor, PeopleAction.RESEARCHER_CREATED, profile, after=_profile_snapshot(profile)
        )
    return profile


def update_profile(actor: Any, profile: ResearcherProfile, **changes: Any) -> ResearcherProfile:
    """Change a profile (owner or administrator). Fields: orcid, organisation, region,
    career_stage, position, keywords (list or comma-separated), biography,
    biography_language, is_public, display_name, first_name, last_name."""
    require_edit_profile(actor, profile)
    with transaction.atomic():
        profile = (
            # Lock the profile row only: PostgreSQL cannot lock the nullable side
            # of the outer join to the organisation.
            ResearcherProfile.objects.select_for_update(of=("self",))
            .select_related("person", "organisation")
            .get(pk=profile.pk)
        )
        before = _profile_snapshot(profile)
        _apply_profile_changes(profile, changes)
        _save_profile(profile)
        after = _profile_snapshot(profile)
        if after != before:
            record_event(
                actor, PeopleAction.RESEARCHER_UPDATED, profile, before=before, after=after
            )
    return profile
