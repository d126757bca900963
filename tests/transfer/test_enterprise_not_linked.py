"""An enterprise user who signed up has no company yet: the demands page showed them a
"Post a technology demand" button that led back with "Only enterprise users of a
registered company post demands." and nothing to do about it, and no page — the admin
included — could link an account to its company. The page now sends them to "My
organisation", where they ask to be linked or register their company
(``test_membership_requests.py``), and the administrator can also link an account in the
admin (through the service: the role and the audit event)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.pages import client_as, delete_selected, page_as

pytestmark = pytest.mark.django_db


def test_an_unlinked_enterprise_user_is_told_what_to_do(make_person: Any) -> None:
    newcomer = make_person("newco", roles=("enterprise",))
    c = Client()
    c.force_login(newcomer)
    page = c.get("/transfer/demands/").content.decode()
    assert 'data-testid="new-demand"' not in page
    assert 'data-testid="demand-not-linked"' in page and "My organisation" in page
    followed = c.get("/transfer/demands/new/", follow=True).content.decode()
    assert "register it" in followed and 'data-testid="membership-request-form"' in followed
    assert "我的機構" in page_as("/transfer/demands/", user=newcomer, language="zh-hant")


def test_members_and_visitors_still_get_the_button(people: Any) -> None:
    assert 'data-testid="new-demand"' in Client().get("/transfer/demands/").content.decode()
    c = Client()
    c.force_login(people["ent"])
    assert 'data-testid="new-demand"' in c.get("/transfer/demands/").content.decode()


def test_the_administrator_links_an_account_to_its_company(
    make_person: Any, shenzhen_co: Any
) -> None:
    from innobridge.core.models import AuditEvent
    from innobridge.transfer.models import Membership
    from innobridge.transfer.permissions import can_post_demand

    newcomer = make_person("newco", roles=("enterprise",))
    root = make_person("root", is_staff=True, is_superuser=True)
    c = Client()
    c.force_login(root)
    response = c.post(
        "/admin/transfer/membership/add/",
        {"person": newcomer.pk, "organisation": shenzhen_co.pk, "kind": "enterprise"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.filter(person=newcomer, organisation=shenzhen_co).exists()
    assert AuditEvent.objects.filter(action="transfer.membership.added").exists()
    newcomer.refresh_from_db()
    assert can_post_demand(newcomer)


def test_the_administrator_unlinks_an_account_through_the_service(
    make_person: Any, shenzhen_co: Any
) -> None:
    """Deleting a link in the admin (one, or several by the list's action) is the
    service's removal: audited, and the person no longer acts for the company."""
    from innobridge.core.models import AuditEvent
    from innobridge.transfer import services
    from innobridge.transfer.models import Membership
    from innobridge.transfer.permissions import can_post_demand

    root = make_person("root", is_staff=True, is_superuser=True)
    left = make_person("left", roles=("enterprise",))
    other = make_person("other", roles=("enterprise",))
    one = services.add_membership(root, left, shenzhen_co, "enterprise")
    two = services.add_membership(root, other, shenzhen_co, "enterprise")
    c = Client()
    c.force_login(root)
    r = c.post(f"/admin/transfer/membership/{one.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    r = c.post(
        "/admin/transfer/membership/",
        {"action": "delete_selected", "_selected_action": [two.pk], "post": "yes"},
    )
    assert r.status_code == 302
    assert not Membership.objects.exists()
    removed = AuditEvent.objects.filter(action="transfer.membership.removed")
    assert removed.count() == 2
    left.refresh_from_db()
    assert not can_post_demand(left)


def test_a_bulk_unlink_the_service_refuses_unlinks_nobody(
    make_person: Any, shenzhen_co: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several links deleted by the list's action are removed in one transaction: when
    the service refuses one, none is removed, and the list says why."""
    from django.core.exceptions import ValidationError

    from innobridge.core.models import AuditEvent
    from innobridge.transfer import services
    from innobridge.transfer.models import Membership

    root = make_person("root", is_staff=True, is_superuser=True)
    people = [make_person(name, roles=("enterprise",)) for name in ("first", "second")]
    links = [services.add_membership(root, p, shenzhen_co, "enterprise") for p in people]
    remove = services.remove_membership

    def refuse_the_second(actor: Any, membership: Any) -> None:
        if membership.pk == links[1].pk:
            raise ValidationError("Not this one.")
        remove(actor, membership)

    monkeypatch.setattr(services, "remove_membership", refuse_the_second)
    c = client_as(root)
    r = delete_selected(c, "/admin/transfer/membership/", [m.pk for m in links])
    assert r.status_code == 302
    assert Membership.objects.count() == 2
    assert not AuditEvent.objects.filter(action="transfer.membership.removed").exists()
    assert "Not this one." in c.get("/admin/transfer/membership/").content.decode()
