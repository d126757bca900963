"""Exchange rates are set, corrected and deleted through the core services, in the admin
too: an administrator's (or a system command's), each write in one transaction with its
audit event; a refusal on an admin page is a message, and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from innobridge.core import services
from innobridge.core.audit import CoreAction
from innobridge.core.models import AuditEvent, ExchangeRate
from innobridge.core.services import delete_exchange_rate, set_exchange_rate
from tests.pages import admin_form_data, client_as, delete_selected

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 1)
CHANGELIST = "/admin/core/exchangerate/"


def _rate(rate: str = "0.92") -> ExchangeRate:
    return set_exchange_rate("test", base="HKD", quote="CNY", rate=rate, valid_from=DAY)


def _root(make_person: Any) -> Any:
    return client_as(make_person("root", is_staff=True, is_superuser=True))


def _staff_without_the_role(make_person: Any) -> Any:
    """A staff account the admin lets edit rates, but who is no administrator."""
    staff = make_person("clerk", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="core", codename__endswith="rate")
    )
    return staff


def test_only_an_administrator_or_a_system_command_sets_or_deletes_a_rate(
    make_person: Any,
) -> None:
    officer = make_person("officer", roles=("programme_officer",))
    with pytest.raises(PermissionDenied):
        set_exchange_rate(officer, base="HKD", quote="CNY", rate="0.9", valid_from=DAY)
    assert not ExchangeRate.objects.exists()
    rate = _rate()
    with pytest.raises(PermissionDenied):
        delete_exchange_rate(officer, rate)
    assert ExchangeRate.objects.filter(pk=rate.pk).exists()
    admin = make_person("admin", roles=("administrator",))
    set_exchange_rate(admin, base="HKD", quote="CNY", rate="0.93", valid_from=DAY)
    assert ExchangeRate.objects.get(pk=rate.pk).rate == Decimal("0.93")


def test_deleting_a_rate_is_audited_with_what_it_was(make_person: Any) -> None:
    rate = _rate()
    admin = make_person("admin", roles=("administrator",))
    delete_exchange_rate(admin, rate)
    assert not ExchangeRate.objects.exists()
    event = AuditEvent.objects.get(action=CoreAction.EXCHANGE_RATE_DELETED)
    assert event.object_id == str(rate.pk) and event.actor == admin
    assert Decimal(event.before["rate"]) == Decimal("0.92") and event.before["base"] == "HKD"


@pytest.mark.parametrize("write", ["set", "delete"])
def test_a_rate_and_its_audit_event_commit_together(
    write: str, make_person: Any, monkeypatch: Any
) -> None:
    rate = _rate()
    admin = make_person("admin", roles=("administrator",))

    def failing(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "record_event", failing)
    with pytest.raises(RuntimeError):
        if write == "set":
            set_exchange_rate(admin, base="HKD", quote="CNY", rate="0.5", valid_from=DAY)
        else:
            delete_exchange_rate(admin, rate)
    assert ExchangeRate.objects.get(pk=rate.pk).rate == Decimal("0.92")


def test_the_admin_adds_and_corrects_a_rate_through_the_service(make_person: Any) -> None:
    root = _root(make_person)
    data = admin_form_data(root.get(f"{CHANGELIST}add/"))
    data |= {"base": "USD", "quote": "HKD", "rate": "7.80", "valid_from": "2026-01-01"}
    r = root.post(f"{CHANGELIST}add/", data)
    assert r.status_code == 302, r.context and r.context["errors"]
    rate = ExchangeRate.objects.get(base="USD", quote="HKD")
    assert AuditEvent.objects.get(action=CoreAction.EXCHANGE_RATE_SET).object_id == str(rate.pk)
    # A rate's pair and day are shown, not changed in place: the service corrects the rate.
    url = f"{CHANGELIST}{rate.pk}/change/"
    data = admin_form_data(root.get(url))
    assert "valid_from" not in data and "base" not in data
    r = root.post(url, data | {"rate": "7.81", "source": "HKMA"})
    assert r.status_code == 302, r.context and r.context["errors"]
    rate.refresh_from_db()
    assert (rate.rate, rate.source) == (Decimal("7.81"), "HKMA")
    assert ExchangeRate.objects.count() == 1
    event = AuditEvent.objects.filter(action=CoreAction.EXCHANGE_RATE_SET).latest("id")
    assert Decimal(event.before["rate"]) == Decimal("7.80")


def test_the_admin_deletes_a_rate_through_the_service(make_person: Any) -> None:
    root = _root(make_person)
    first, second = (
        _rate(),
        set_exchange_rate("test", base="USD", quote="HKD", rate="7.8", valid_from=DAY),
    )
    r = root.post(f"{CHANGELIST}{first.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    r = delete_selected(root, CHANGELIST, [second.pk])
    assert r.status_code == 302
    assert not ExchangeRate.objects.exists()
    deleted = AuditEvent.objects.filter(action=CoreAction.EXCHANGE_RATE_DELETED)
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(
        [str(first.pk), str(second.pk)]
    )
    assert {e.actor_repr for e in deleted} == {str(r.wsgi_request.user)}


def test_a_staff_account_without_the_role_is_told_and_nothing_is_written(
    make_person: Any,
) -> None:
    rate = _rate()
    clerk = client_as(_staff_without_the_role(make_person))
    r = clerk.post(f"{CHANGELIST}{rate.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and r.url == f"{CHANGELIST}{rate.pk}/change/"
    said = [str(m) for m in get_messages(r.wsgi_request)]
    assert said == ["You do not have the role needed for this."]
    url = f"{CHANGELIST}{rate.pk}/change/"
    r = clerk.post(url, admin_form_data(clerk.get(url)) | {"rate": "1.5"})
    assert r.status_code == 302
    assert ExchangeRate.objects.get(pk=rate.pk).rate == Decimal("0.92")
    assert not AuditEvent.objects.filter(actor__username="clerk").exists()
