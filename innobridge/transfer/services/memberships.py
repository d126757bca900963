"""Who acts for which organisation in transfer (TTO officers, enterprise staff): the links
an administrator adds or removes, and the requests people send to be linked (to an
organisation of the directory, or to a company they register), approved or declined by an
administrator."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, forget_roles
from innobridge.core.services import apply_transition, record_event, snapshot
from innobridge.people.models import Person
from innobridge.people.selectors import organisation_named
from innobridge.people.services import register_organisation

from ..audit import TransferAction
from ..models import Membership, MembershipKind, MembershipRequest, MembershipRequestState
from ..workflow import MEMBERSHIP_REQUEST_FLOW


def _forget_links(person: Any) -> None:
    """Drop what this Person object remembered of its roles and organisations."""
    forget_roles(person)
    if hasattr(person, "_transfer_tto_orgs"):
        del person._transfer_tto_orgs


@transaction.atomic
def add_membership(actor: Any, person: Any, organisation: Any, kind: str) -> Membership:
    """Make ``person`` a TTO officer (the role is added beside their others) or a staff
    member of an enterprise."""
    obj, created = Membership.objects.get_or_create(
        person=person, organisation=organisation, kind=kind
    )
    role = Role.TECH_TRANSFER_OFFICER if kind == MembershipKind.TTO else Role.ENTERPRISE
    person.groups.add(Group.objects.get_or_create(name=role.value)[0])
    _forget_links(person)
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
    _forget_links(person)


# ---------------------------------------------------------------- requests to be linked
# What a requester writes beside the kind, the organisation and the message.
REQUEST_TEXT_FIELDS = (
    "company_name",
    "company_name_zh",
    "region",
    "city",
    "website",
    "registration_number",
    "job_title",
)
REQUEST_FIELDS = ("kind", "organisation", *REQUEST_TEXT_FIELDS, "message")


def _clean_text(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


@transaction.atomic
def request_membership(actor: Any, data: dict[str, Any]) -> MembershipRequest:
    """``actor`` asks to act for an organisation: one of the directory's (``organisation``)
    as its enterprise staff or its TTO officer, or a company the directory does not hold
    (``company_name``, ``region`` and the rest) as its staff. Administrators are told; one
    request waits at a time per person."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to ask."))
    # Lock the person's row: two requests sent at once wait for each other here, and the
    # second finds the first (the constraint stops it too, as a database error).
    Person.objects.select_for_update().get(pk=actor.pk)
    if MembershipRequest.objects.filter(
        requester=actor, state=MembershipRequestState.SUBMITTED
    ).exists():
        raise ValidationError(
            _("Your earlier request is still waiting: withdraw it to send another.")
        )
    req = MembershipRequest(requester=actor)
    for key in REQUEST_FIELDS:
        if key in data and data[key] is not None:
            value = data[key]
            setattr(req, key, value if key == "message" else _clean_text(value))
    req.message = (req.message or "").strip()
    errors: dict[str, list[str]] = {}
    if req.organisation_id is None and not req.company_name:
        errors["organisation"] = [
            _("Choose your organisation, or give the name of a company to register.")
        ]
    if req.organisation_id is not None and req.company_name:
        errors["company_name"] = [
            _("Either choose an organisation of the directory or register a new company.")
        ]
    if req.kind == MembershipKind.TTO and req.organisation_id is None:
        errors["organisation"] = [
            _("A technology-transfer office belongs to an organisation of the directory.")
        ]
    if req.company_name and not req.region:
        errors["region"] = [_("Say where the company is registered.")]
    if (
        req.organisation_id is not None
        and Membership.objects.filter(
            person=actor, organisation_id=req.organisation_id, kind=req.kind
        ).exists()
    ):
        errors["organisation"] = [_("You already act for this organisation.")]
    if req.company_name and not errors:
        known = organisation_named(req.company_name, req.company_name_zh)
        if known is not None:
            errors["company_name"] = [
                _("The directory already holds “%(name)s”: choose it instead.") % {"name": known}
            ]
    try:
        req.full_clean(exclude=["requester", "decided_by"])
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(v)
    if errors:
        raise ValidationError(errors)
    req.save()
    record_event(actor, TransferAction.MEMBERSHIP_REQUEST_SUBMITTED, req, after=snapshot(req))
    from ..notifications import membership_request_submitted

    membership_request_submitted(req)
    return req


def approve_membership_request(
    actor: Any, req: MembershipRequest, *, note: str = ""
) -> MembershipRequest:
    """An administrator approves: a new company is registered in the directory, and the
    requester is linked to the organisation (with the role that goes with it)."""
    with transaction.atomic():
        locked = MembershipRequest.objects.select_for_update().get(pk=req.pk)
        MEMBERSHIP_REQUEST_FLOW.check(actor, locked, "approve")
        organisation = locked.organisation
        if organisation is None:
            organisation = register_organisation(
                actor,
                name=locked.company_name,
                name_zh=locked.company_name_zh,
                region=locked.region,
                city=locked.city,
                website=locked.website,
                audit_extra={
                    "membership_request": locked.pk,
                    "registration_number": locked.registration_number,
                },
            )
        membership = add_membership(actor, locked.requester, organisation, locked.kind)
        moved = apply_transition(
            actor,
            locked,
            MEMBERSHIP_REQUEST_FLOW,
            "approve",
            audit_action=TransferAction.MEMBERSHIP_REQUEST_APPROVED,
            audit_extra={"membership": membership.pk},
            organisation=organisation,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note.strip()[:2000],
        )
        from ..notifications import membership_request_decided

        membership_request_decided(moved)
    req.refresh_from_db()
    return moved  # type: ignore[return-value]


def decline_membership_request(
    actor: Any, req: MembershipRequest, *, note: str
) -> MembershipRequest:
    """An administrator declines, saying why (the requester reads it)."""
    if not note.strip():
        raise ValidationError({"note": [_("Say why, so that the requester can put it right.")]})
    with transaction.atomic():
        moved = apply_transition(
            actor,
            req,
            MEMBERSHIP_REQUEST_FLOW,
            "decline",
            audit_action=TransferAction.MEMBERSHIP_REQUEST_DECLINED,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note.strip()[:2000],
        )
        from ..notifications import membership_request_decided

        membership_request_decided(moved)
    return moved  # type: ignore[return-value]


def withdraw_membership_request(actor: Any, req: MembershipRequest) -> MembershipRequest:
    """The requester takes back a request that waits."""
    return apply_transition(  # type: ignore[return-value]
        actor,
        req,
        MEMBERSHIP_REQUEST_FLOW,
        "withdraw",
        audit_action=TransferAction.MEMBERSHIP_REQUEST_WITHDRAWN,
    )
