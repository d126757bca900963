"""Inviting a partner by person, not by typed handle: "Invite to a proposal" on a
researcher's profile (offered by funding through ``core.hooks``, so ``people`` never
imports ``funding``) with a picker of the lead's own drafts, and the proposal's own
invite form offering the lead's shortlist and accepted introductions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from innobridge.funding import services
from innobridge.funding.models import InvitationStatus, TeamMember
from innobridge.people import services as people_services

pytestmark = pytest.mark.django_db


def _as(person: Any) -> Client:
    c = Client()
    c.force_login(person)
    return c


def test_profile_offers_invite_only_to_a_lead_with_a_draft(world: Any) -> None:
    profile_url = world.partner.researcher_profile.get_absolute_url()
    invite_url = reverse("funding:invite_person", args=[world.partner.pk])
    assert invite_url not in _as(world.lead).get(profile_url).content.decode()
    services.create_proposal(world.lead, world.call, title_en="Graphene batteries")
    page = _as(world.lead).get(profile_url).content.decode()
    assert invite_url in page and 'data-testid="action-invite-proposal"' in page
    # Someone with no draft is not offered it.
    assert invite_url not in _as(world.outsider).get(profile_url).content.decode()


def test_invite_person_page_picks_own_draft(world: Any) -> None:
    p = services.create_proposal(world.lead, world.call, title_en="Graphene batteries")
    other = services.create_proposal(world.outsider, world.call, title_en="Not yours")
    url = reverse("funding:invite_person", args=[world.partner.pk])
    page = _as(world.lead).get(url).content.decode()
    assert "Graphene batteries" in page and "Not yours" not in page
    # Someone else's proposal is not a valid choice.
    r = _as(world.lead).post(url, {"proposal": other.pk, "role": "partner_lead"})
    assert r.status_code == 200 and not TeamMember.objects.filter(person=world.partner).exists()
    r = _as(world.lead).post(url, {"proposal": p.pk, "role": "partner_lead"})
    assert r.status_code == 302 and r["Location"] == p.get_absolute_url()
    m = TeamMember.objects.get(proposal=p, person=world.partner)
    assert m.status == InvitationStatus.INVITED and m.side == "CN"
    # Inviting twice is a form error, not a 500.
    again = _as(world.lead).post(url, {"proposal": p.pk, "role": "partner_lead"})
    assert again.status_code == 200 and "already on the team" in again.content.decode()


def test_proposal_invite_offers_shortlist_and_contacts(world: Any) -> None:
    p = services.create_proposal(world.lead, world.call, title_en="Graphene batteries")
    people_services.add_to_shortlist(world.lead, world.partner)
    page = _as(world.lead).get(p.get_absolute_url()).content.decode()
    assert 'data-testid="invite-contact"' in page
    assert f'<option value="{world.partner.pk}">' in page
    # A person not among the lead's contacts cannot be slipped in by id.
    r = _as(world.lead).post(
        reverse("funding:member_invite", args=[p.pk]), {"person_id": world.outsider.pk}
    )
    assert r.status_code == 302 and not TeamMember.objects.filter(person=world.outsider).exists()
    _as(world.lead).post(
        reverse("funding:member_invite", args=[p.pk]),
        {"person_id": world.partner.pk, "role": "partner_lead"},
    )
    assert TeamMember.objects.filter(proposal=p, person=world.partner).exists()
    # The typed handle still works beside the picker.
    _as(world.lead).post(
        reverse("funding:member_invite", args=[p.pk]),
        {"person": world.outsider.username, "role": "member"},
    )
    assert TeamMember.objects.filter(proposal=p, person=world.outsider).exists()


def test_api_invites_by_person_id(world: Any) -> None:
    p = services.create_proposal(world.lead, world.call, title_en="Graphene batteries")
    c = _as(world.lead)
    url = f"/api/funding/proposals/{p.pk}/members"
    r = c.post(url, {"person_id": world.partner.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert TeamMember.objects.get(pk=r.json()["id"]).person == world.partner
    assert c.post(url, {"person_id": 999999}, content_type="application/json").status_code == 404
    assert c.post(url, {}, content_type="application/json").status_code == 422


def test_the_invite_action_follows_the_leads_drafts_and_their_calls(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from innobridge.funding import hooks

    def offered() -> bool:
        lead = type(world.lead).objects.get(pk=world.lead.pk)  # a new request's user
        return bool(hooks.invite_to_proposal(lead, world.partner))

    assert not offered()
    p = services.create_proposal(world.lead, world.call, title_en="Graphene batteries")
    assert offered()  # at once: the lead's drafts are read again
    with CaptureQueriesContext(connection) as read:
        hooks.draft_closing_times(world.lead)
    assert not read.captured_queries  # kept per person (issue #17)
    later = timezone.now() + dt.timedelta(days=11)
    monkeypatch.setattr(hooks.timezone, "now", lambda: later)
    assert not offered()  # the call has closed since: no write needed
    monkeypatch.undo()
    assert offered()
    # A data fix brings the close forward to within the hour (the services refuse to change
    # an open call's dates): two hours on, no invitation.
    call = type(world.call).objects.get(pk=world.call.pk)
    call.closes_at = timezone.now() + dt.timedelta(hours=1)
    call.save()
    two_hours_on = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(hooks.timezone, "now", lambda: two_hours_on)
    assert not offered()
    monkeypatch.undo()
    assert offered()
    services.withdraw_proposal(world.lead, p)
    assert not offered()
