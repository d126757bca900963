"""Roles a person holds (Django groups named after ``core.permissions.Role``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, forget_roles, require_act_as
from innobridge.core.services import record_event

from ..audit import PeopleAction
from ..models import Person


def person_roles(person: Person) -> list[str]:
    """The role (group) names a person holds, in the order of ``Role``."""
    held = set(person.groups.values_list("name", flat=True))
    return [role.value for role in Role if role.value in held]


def assign_roles(actor: Any, person: Person, roles: Iterable[str]) -> list[str]:
    """Make ``roles`` exactly the roles ``person`` holds. Administrators only; an
    administrator does not remove their own administrator role (another one does), so
    the platform is never left without one by a slip."""
    require_act_as(actor, Role.ADMINISTRATOR)
    wanted = list(dict.fromkeys(roles))
    valid = {r.value for r in Role}
    unknown = [r for r in wanted if r not in valid]
    if unknown:
        raise ValidationError(
            {"roles": [_("Unknown role: %(role)s") % {"role": r} for r in unknown]}
        )
    if (
        getattr(actor, "pk", None) == person.pk
        and Role.ADMINISTRATOR not in wanted
        and Role.ADMINISTRATOR in person_roles(person)
    ):
        raise ValidationError(
            {
                "roles": _(
                    "You cannot remove your own administrator role: another administrator can."
                )
            }
        )
    with transaction.atomic():
        before = person_roles(person)
        role_groups = Group.objects.filter(name__in=valid)
        person.groups.remove(*[g for g in role_groups if g.name not in wanted])
        person.groups.add(*[g for g in role_groups if g.name in wanted])
        forget_roles(person)
        after = person_roles(person)
        record_event(
            actor,
            PeopleAction.PERSON_ROLES_ASSIGNED,
            person,
            before={"roles": before},
            after={"roles": after},
        )
    return after


def grant_role(actor: Any, person: Person, role: str) -> list[str]:
    return assign_roles(actor, person, [*person_roles(person), role])


def remove_role(actor: Any, person: Person, role: str) -> list[str]:
    return assign_roles(actor, person, [r for r in person_roles(person) if r != role])
