"""Each funder's reviewer pool, kept by its own officers (pages and API)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from innobridge.core.models import AuditEvent
from innobridge.funding import services
from innobridge.funding.models import ReviewAssignment

from .steps import eligible


@pytest.fixture
def newcomer(make_researcher, world):
    return make_researcher("newcomer", world.hk_org2, keywords=["graphene"])


def test_officers_keep_their_own_pool(world, newcomer, make_person):
    services.add_to_pool(world.hk_officer, world.hk_funder, newcomer)
    assert world.hk_funder.reviewer_pool.filter(pk=newcomer.pk).exists()
    assert AuditEvent.objects.filter(action="funding.pool.added").count() == 1
    with pytest.raises(ValidationError, match="already in the pool"):
        services.add_to_pool(world.hk_officer, world.hk_funder, newcomer)
    for wrong in (world.cn_officer, world.lead, newcomer):
        with pytest.raises(PermissionDenied):
            services.add_to_pool(wrong, world.hk_funder, world.outsider)
        with pytest.raises(PermissionDenied):
            services.remove_from_pool(wrong, world.hk_funder, newcomer)
    no_profile = make_person("noprofile", roles=("reviewer",))
    with pytest.raises(ValidationError, match="with a profile"):
        services.add_to_pool(world.hk_officer, world.hk_funder, no_profile)
    assert not world.hk_funder.reviewer_pool.filter(pk=no_profile.pk).exists()


def test_removal_drops_unsent_and_keeps_sent_assignments(world, submitted):
    p = eligible(world, submitted)
    services.run_assignment(world.hk_officer, world.call)
    a = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder).first()
    b = ReviewAssignment.objects.filter(proposal=p, funder=world.hk_funder).exclude(pk=a.pk).get()
    assert services.remove_from_pool(world.hk_officer, world.hk_funder, a.reviewer) == 0
    assert not ReviewAssignment.objects.filter(pk=a.pk).exists()  # proposed: dropped
    services.send_invitations(world.hk_officer, world.call)
    assert services.remove_from_pool(world.hk_officer, world.hk_funder, b.reviewer) == 1
    b.refresh_from_db()
    assert b.status == "invited"  # a sent invitation stays
    with pytest.raises(ValidationError, match="not in the pool"):
        services.remove_from_pool(world.hk_officer, world.hk_funder, b.reviewer)
    assert AuditEvent.objects.filter(action="funding.pool.removed").count() == 2


def test_pool_page(client, world, newcomer):
    url = reverse("funding:funder_pool", args=[world.cn_funder.pk])
    client.force_login(world.cn_officer)
    home = client.get(reverse("funding:home")).content
    assert url.encode() in home
    assert reverse("funding:funder_pool", args=[world.hk_funder.pk]).encode() not in home
    r = client.get(url)
    assert r.status_code == 200 and r.content.count(b'data-testid="pool-member"') == 3
    r = client.post(url, {"person": "newcomer@example.org"}, follow=True)
    assert b"Added to the pool." in r.content
    assert r.content.count(b'data-testid="pool-member"') == 4
    r = client.post(url, {"person": "nobody-here"}, follow=True)
    assert b"No account with that user name or e-mail." in r.content
    r = client.post(url, {"remove": newcomer.pk}, follow=True)
    assert b"left the pool" in r.content
    assert not world.cn_funder.reviewer_pool.filter(pk=newcomer.pk).exists()
    client.force_login(world.hk_officer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"person": "newcomer"}).status_code == 403
    client.force_login(world.lead)
    assert client.get(url).status_code == 403
    assert reverse("funding:funder_pool", args=[world.cn_funder.pk]).encode() not in (
        client.get(reverse("funding:home")).content
    )


def test_pool_api(client, world, newcomer):
    url = f"/api/funding/funders/{world.hk_funder.pk}/pool"
    assert client.get(url).status_code == 401
    client.force_login(world.hk_officer)
    assert len(client.get(url).json()) == 3
    r = client.post(url, json.dumps({"person": "newcomer"}), content_type="application/json")
    assert r.status_code == 201 and "newcomer" in {x["username"] for x in r.json()}
    r = client.post(url, json.dumps({"person": "newcomer"}), content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["person"]
    r = client.post(url, json.dumps({"person": "ghost"}), content_type="application/json")
    assert r.status_code == 422
    r = client.delete(f"{url}/{newcomer.pk}")
    assert r.status_code == 200 and r.json() == {"open_assignments": 0}
    client.force_login(world.cn_officer)
    assert client.get(url).status_code == 403
    r = client.post(url, json.dumps({"person": "newcomer"}), content_type="application/json")
    assert r.status_code == 403
    assert not world.hk_funder.reviewer_pool.filter(pk=newcomer.pk).exists()
