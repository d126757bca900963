"""``update_programme`` reads the programme again under a row lock inside its
transaction: the audit's "before" is what was stored (not the caller's copy, which may be
stale), and a field the caller did not change keeps what another writer saved meanwhile.
On PostgreSQL, another connection cannot lock the row while the service holds it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction

from innobridge.core.models import AuditEvent
from innobridge.exchange import services
from innobridge.exchange.audit import ExchangeAction
from innobridge.exchange.models import Programme
from innobridge.exchange.services import programmes


def _latest_update() -> AuditEvent:
    return AuditEvent.objects.filter(action=ExchangeAction.PROGRAMME_UPDATED).latest("id")


@pytest.mark.django_db
def test_a_stale_copy_neither_falsifies_the_audit_nor_undoes_another_change(
    world: Any,
) -> None:
    stale = Programme.objects.get(pk=world.programme.pk)  # read, say, by an open page
    services.update_programme(world.officer, world.programme, places=50)  # meanwhile
    saved = services.update_programme(world.officer, stale, title="Renamed")
    event = _latest_update()
    assert (event.before["places"], event.after["places"]) == (50, 50)
    assert event.after["title"] == "Renamed" != event.before["title"]
    stored = Programme.objects.get(pk=world.programme.pk)
    assert (stored.places, stored.title) == (50, "Renamed")
    assert (saved.places, saved.title) == (50, "Renamed")


@pytest.mark.django_db(transaction=True)
def test_the_row_is_locked_while_the_service_changes_it(world: Any, monkeypatch: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE): PostgreSQL")
    seen: list[str] = []
    check_dates = programmes._check_dates

    def probe(programme: Programme) -> None:
        """Inside the service: can another connection lock the row now?"""

        def other() -> None:
            try:
                with transaction.atomic():
                    Programme.objects.select_for_update(nowait=True).get(pk=programme.pk)
                seen.append("free")
            except DatabaseError:
                seen.append("locked")
            finally:
                connections.close_all()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        check_dates(programme)

    monkeypatch.setattr(programmes, "_check_dates", probe)
    services.update_programme(world.officer, world.programme, places=45)
    assert seen == ["locked"]
    assert Programme.objects.get(pk=world.programme.pk).places == 45
