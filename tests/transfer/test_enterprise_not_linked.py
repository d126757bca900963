"""An enterprise user who signed up has no company yet: the demands page showed them a
"Post a technology demand" button that led back with "Only enterprise users of a
registered company post demands." and nothing to do about it, and no page — the admin
included — could link an account to its company. The page now says what to do, and the
administrator links the account in the admin (through the service: the role and the
audit event)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.pages import page_as

pytestmark = pytest.mark.django_db


def test_an_unlinked_enterprise_user_is_told_what_to_do(make_person: Any) -> None:
    newcomer = make_person("newco", roles=("enterprise",))
    c = Client()
    c.force_login(newcomer)
    page = c.get("/transfer/demands/").content.decode()
    assert 'data-testid="new-demand"' not in page
    assert 'data-testid="demand-not-linked"' in page and "administrator" in page
    followed = c.get("/transfer/demands/new/", follow=True).content.decode()
    assert "link yours" in followed
    assert "管理員" in page_as("/transfer/demands/", user=newcomer, language="zh-hant")


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
