"""The programme's admin page adds and removes stipend parts, and adds checklist steps
(changed and removed in tests/exchange/test_checklist_steps.py), through the programme
services (audited; a part fellows are paid by cannot go, and the page
says why)."""

from __future__ import annotations

from typing import Any

import pytest

from innobridge.core.models import AuditEvent
from innobridge.exchange import services
from innobridge.exchange.audit import ExchangeAction
from innobridge.exchange.models import ChecklistTemplate, StipendComponent
from tests.pages import admin_form_data, admin_row, formset_prefix, superuser_client

from .conftest import shortlisted

pytestmark = pytest.mark.django_db


def test_stipend_parts_and_checklist_steps_go_through_the_services(
    world: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    url = f"/admin/exchange/programme/{world.programme.pk}/change/"
    data = admin_form_data(root.get(url))
    stipends, steps = formset_prefix(data, "stipend"), formset_prefix(data, "checklist")
    hkd = next(i for i in range(2) if data[f"{stipends}-{i}-currency"] == "HKD")
    admin_row(data, stipends, hkd, DELETE=True)
    admin_row(
        data,
        steps,
        1,
        host_region="HK",
        title="Open a bank account",
        days_before_arrival="0",
    )
    before = AuditEvent.objects.filter(action=ExchangeAction.PROGRAMME_UPDATED).count()
    r = root.post(url, data)
    assert r.status_code == 302, r.context and r.context["errors"]
    assert list(world.programme.stipends.values_list("currency", flat=True)) == ["CNY"]
    assert AuditEvent.objects.filter(action=ExchangeAction.PROGRAMME_UPDATED).count() == before + 1
    step = ChecklistTemplate.objects.get(title="Open a bank account")
    added = AuditEvent.objects.get(action=ExchangeAction.CHECKLIST_STEP_ADDED, object_id=step.pk)
    assert added.actor_repr.startswith("root")


def test_a_stipend_part_fellows_are_paid_by_stays_and_the_page_says_why(
    world: Any, make_person: Any
) -> None:
    shortlisted(world)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    [offer] = services.send_offers(world.officer, run)
    services.accept_offer(world.applicant, offer)
    root = superuser_client(make_person)
    url = f"/admin/exchange/programme/{world.programme.pk}/change/"
    data = admin_form_data(root.get(url))
    stipends = formset_prefix(data, "stipend")
    for i in range(int(data[f"{stipends}-TOTAL_FORMS"])):
        admin_row(data, stipends, i, DELETE=True)
    r = root.post(url, data)
    assert r.status_code == 200  # the page again, saying why (the admin's own check)
    assert "would require deleting the following protected related objects" in str(
        r.context["errors"]
    )
    assert StipendComponent.objects.filter(programme=world.programme).count() == 2
