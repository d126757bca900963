"""Who acts for which organisation in transfer (TTO officers, enterprise staff)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from innobridge.core.permissions import Role
from innobridge.core.services import record_event

from ..audit import TransferAction
from ..models import Membership, MembershipKind


@transaction.atomic
def add_membership(actor: Any, person: Any, organisation: Any, kind: str) -> Membership:
    """Make ``person`` a TTO officer (the role is added beside their others) or a staff
    member of an enterprise."""
    obj, created = Membership.objects.get_or_create(
        person=person, organisation=organisation, kind=kind
    )
    role = Role.TECH_TRANSFER_OFFICER if kind == MembershipKind.TTO else Role.ENTERPRISE
    person.groups.add(Group.objects.get_or_create(name=role.value)[0])
    for attr in ("_role_cache", "_transfer_tto_orgs"):
        if hasattr(person, attr):
            delattr(person, attr)
    if created:
        record_event(actor, TransferAction.MEMBERSHIP_ADDED, obj, after={"kind": kind})
    return obj


@transaction.atomic
def remove_membership(actor: Any, membership: Membership) -> None:
    """Unlink ``membership``'s person from its organisation (someone who left the company
    or the office). Their roles stay: a role is what they signed up as, and a TTO's or an
    enterprise member's powers over an organisation come from this link alone."""
    person = membership.person
    record_event(
        actor,
        TransferAction.MEMBERSHIP_REMOVED,
        membership,
        before={"kind": membership.kind, "organisation": membership.organisation_id},
    )
    membership.delete()
    for attr in ("_role_cache", "_transfer_tto_orgs"):
        if hasattr(person, attr):
            delattr(person, attr)
