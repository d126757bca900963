"""API for getting in touch with a partner: introductions (request, answer, withdraw),
the shortlist, and what of the caller's personal data was shared. Every endpoint acts for
the signed-in caller (``api_auth``); 403/404/422 as everywhere in the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from innobridge.core.schemas import FromModel

from . import selectors, services
from .auth import api_auth
from .models import ContactDisclosure, Introduction, IntroductionStatus, Person, ShortlistEntry
from .workflow import INTRODUCTION_FLOW

router = Router(tags=["contacts"], auth=api_auth)


class PersonBrief(Schema):
    id: int
    name: str
    region: str
    organisation: str
    researcher_id: int | None


class ContactCard(Schema):
    name: str
    email: str = ""
    organisation: str = ""
    position: str = ""
    orcid: str = ""


class IntroductionOut(Schema):
    id: int
    requester: PersonBrief
    recipient: PersonBrief
    message: str
    state: str
    created_at: dt.datetime
    responded_at: dt.datetime | None
    actions: list[str]
    contact: ContactCard | None = None


class IntroductionList(Schema):
    received: list[IntroductionOut]
    sent: list[IntroductionOut]
    contacts: list[IntroductionOut]


class IntroductionIn(Schema):
    recipient_id: int
    message: Annotated[str, FromModel(Introduction, "message")]
    consent: bool


class ShortlistIn(Schema):
    person_id: int
    note: Annotated[str, FromModel(ShortlistEntry, "note")] = ""


class ShortlistNoteIn(Schema):
    note: Annotated[str, FromModel(ShortlistEntry, "note")]


class ShortlistOut(Schema):
    id: int
    person: PersonBrief
    note: str
    created_at: dt.datetime


class DisclosureOut(Schema):
    id: int
    recipient: PersonBrief
    fields: list[str]
    cross_boundary: bool
    legal_basis: str
    consent_at: dt.datetime
    disclosed_at: dt.datetime


def _brief(person: Person) -> dict[str, Any]:
    profile = getattr(person, "researcher_profile", None)
    return {
        "id": person.pk,
        "name": str(person),
        "region": profile.region if profile else "",
        "organisation": str(profile.organisation) if profile and profile.organisation else "",
        "researcher_id": profile.pk if profile else None,
    }


def _intro_out(user: Any, intro: Introduction) -> dict[str, Any]:
    other = selectors.other_party(user, intro)
    accepted = intro.state == IntroductionStatus.ACCEPTED
    return {
        "id": intro.pk,
        "requester": _brief(intro.requester),
        "recipient": _brief(intro.recipient),
        "message": intro.message,
        "state": intro.state,
        "created_at": intro.created_at,
        "responded_at": intro.responded_at,
        "actions": INTRODUCTION_FLOW.allowed_actions(user, intro),
        "contact": services.contact_card(other) if accepted else None,
    }


def _intro(request: HttpRequest, pk: int) -> Introduction:
    """One introduction the caller is a party to (404 otherwise)."""
    return selectors.visible_introduction(request.user, pk)


@router.get("/introductions", response=IntroductionList, summary="My introductions")
def list_introductions(request: HttpRequest) -> dict[str, Any]:
    """Requests waiting for the caller's answer, requests the caller sent (not yet
    accepted), and accepted introductions with the other person's contact details."""
    groups = selectors.introductions_of(request.user)
    return {k: [_intro_out(request.user, i) for i in v] for k, v in groups.items()}


@router.post("/introductions", response={201: IntroductionOut}, summary="Request an introduction")
def request_introduction(request: HttpRequest, payload: IntroductionIn) -> Any:
    """Ask ``recipient_id`` (a person id) for an introduction. ``consent`` must be true:
    the caller's contact details go to the recipient if they accept. 422 for a duplicate
    open request, the daily limit, or someone who takes no requests from the caller."""
    recipient = get_object_or_404(Person, pk=payload.recipient_id, is_active=True)
    intro = services.request_introduction(
        request.user, recipient, message=payload.message, consent=payload.consent
    )
    return Status(201, _intro_out(request.user, intro))


@router.get("/introductions/{intro_id}", response=IntroductionOut, summary="One introduction")
def get_introduction(request: HttpRequest, intro_id: int) -> dict[str, Any]:
    return _intro_out(request.user, _intro(request, intro_id))


@router.post(
    "/introductions/{intro_id}/{action}",
    response=IntroductionOut,
    summary="Accept, decline or withdraw an introduction",
)
def act_on_introduction(
    request: HttpRequest, intro_id: int, action: Literal["accept", "decline", "withdraw"]
) -> dict[str, Any]:
    """``accept``/``decline`` by the recipient, ``withdraw`` by the requester, while it
    waits (422 otherwise, 403 for the wrong party)."""
    intro = services.INTRODUCTION_ACTIONS[action](request.user, _intro(request, intro_id))
    intro.refresh_from_db()
    return _intro_out(request.user, intro)


def _entry_out(entry: ShortlistEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "person": _brief(entry.person),
        "note": entry.note,
        "created_at": entry.created_at,
    }


@router.get("/shortlist", response=list[ShortlistOut], summary="My shortlist")
def list_shortlist(request: HttpRequest) -> list[dict[str, Any]]:
    return [_entry_out(e) for e in selectors.shortlist_of(request.user)]


@router.post("/shortlist", response={201: ShortlistOut}, summary="Add a person to my shortlist")
def add_to_shortlist(request: HttpRequest, payload: ShortlistIn) -> Any:
    """Adding someone already listed returns their entry (a note given replaces the old)."""
    person = get_object_or_404(Person, pk=payload.person_id, is_active=True)
    entry = services.add_to_shortlist(request.user, person, note=payload.note)
    return Status(201, _entry_out(entry))


def _entry(request: HttpRequest, entry_id: int) -> ShortlistEntry:
    return get_object_or_404(ShortlistEntry, pk=entry_id, owner_id=request.user.pk)


@router.patch("/shortlist/{entry_id}", response=ShortlistOut, summary="Change a note")
def update_shortlist_note(
    request: HttpRequest, entry_id: int, payload: ShortlistNoteIn
) -> dict[str, Any]:
    entry = services.update_shortlist_note(
        request.user, _entry(request, entry_id), note=payload.note
    )
    return _entry_out(entry)


@router.delete("/shortlist/{entry_id}", response={204: None}, summary="Remove from my shortlist")
def remove_from_shortlist(request: HttpRequest, entry_id: int) -> Any:
    services.remove_from_shortlist(request.user, _entry(request, entry_id))
    return Status(204, None)


@router.get(
    "/me/disclosures", response=list[DisclosureOut], summary="What of my personal data was shared"
)
def my_disclosures(request: HttpRequest) -> list[dict[str, Any]]:
    rows: list[ContactDisclosure] = list(selectors.my_disclosures(request.user))
    return [
        {
            "id": d.pk,
            "recipient": _brief(d.recipient),
            "fields": d.fields,
            "cross_boundary": d.cross_boundary,
            "legal_basis": d.legal_basis,
            "consent_at": d.consent_at,
            "disclosed_at": d.disclosed_at,
        }
        for d in rows
    ]
