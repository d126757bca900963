"""The charges on "My bookings": each open charge with its own dispute form (the field is
rendered once for the page, issue #17), a disputed charge without one, and a dispute sent
from the page."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from innobridge.facilities import services
from innobridge.facilities.models import Charge, Dispute

from .conftest import NOW, hk


def _used(person: Any, resource: Any, manager: Any, day: int) -> Charge:
    b = services.request_booking(
        person, resource, hk(2026, 3, day, 10), hk(2026, 3, day, 12), now=NOW
    )
    services.approve_booking(manager, b)
    return services.record_usage(
        manager,
        b,
        started_at=hk(2026, 3, day, 10),
        ended_at=hk(2026, 3, day, 12),
        now=hk(2026, 3, day, 13),
    )


def test_each_open_charge_has_its_dispute_form(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    payer = people["hk"]
    first, second = _used(payer, resource, manager, 4), _used(payer, resource, manager, 5)
    third = _used(payer, resource, manager, 6)
    services.raise_dispute(payer, second, "The beam was down for an hour.")
    client = Client()
    client.force_login(payer)
    page = client.get("/facilities/my/").content.decode()
    charges = page[page.index('data-testid="my-charges"') :]
    actions = re.findall(r'action="/facilities/charges/(\d+)/dispute/"', charges)
    assert actions == [str(third.pk), str(first.pk)]  # newest first; disputed: no form
    assert charges.count('name="reason"') == 2
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', charges)
    assert token is not None
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(payer)
    strict.get("/facilities/my/")
    page = strict.get("/facilities/my/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    sent = strict.post(
        f"/facilities/charges/{first.pk}/dispute/",
        {"reason": "Charged twice.", "csrfmiddlewaretoken": token.group(1)},
    )
    assert sent.status_code == 302
    assert Dispute.objects.filter(charge=first, reason="Charged twice.").exists()
