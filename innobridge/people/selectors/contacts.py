"""Reads of contacts: introductions, the shortlist, notices and disclosures."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Q,
)
from django.urls import reverse

from innobridge.core.caching import person_fact
from innobridge.core.models import Notice
from innobridge.core.permissions import Role, can_act_as

from ..models import (
    ContactBlock,
    ContactDisclosure,
    Introduction,
    IntroductionStatus,
    Person,
    ResearcherProfile,
    ShortlistEntry,
)


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
