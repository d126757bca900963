"""A charge's description is written in the payer's preferred language, whoever
records it and whatever language the manager's page is in."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from innobridge.facilities import services

from .conftest import NOW, hk


def test_usage_charge_is_described_in_the_payers_language(
    resource: Any, people: dict[str, Any], manager: Any
) -> None:
    payer = people["mainland"]
    payer.preferred_language = "zh-hans"
    payer.save(update_fields=["preferred_language"])
    b = services.request_booking(payer, resource, hk(2026, 3, 4, 10), hk(2026, 3, 4, 12), now=NOW)
    services.approve_booking(manager, b)
    with translation.override("en"):  # the manager works in English
        charge = services.record_usage(
            manager,
            b,
            started_at=hk(2026, 3, 4, 10),
            ended_at=hk(2026, 3, 4, 12),
            now=hk(2026, 3, 4, 13),
        )
    assert charge.description == f"{resource.name} 使用费"
