"""Stipend parts and the review rubric on the programme's manage page (and the API):
who may, what is stored, clear errors beside the field, nothing half-written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from innobridge.core.models import AuditEvent
from innobridge.exchange import services
from innobridge.exchange.audit import ExchangeAction
from innobridge.exchange.models import ReviewState, StipendComponent

from .conftest import shortlisted

pytestmark = pytest.mark.django_db


def _manage(world: Any) -> str:
    return f"/exchange/programmes/{world.programme.pk}/manage/"


def _officer(world: Any) -> Client:
    c = Client()
    c.force_login(world.officer)
    return c


def test_officer_adds_a_stipend_part_in_instalments_on_the_page(world: Any) -> None:
    before = world.programme.stipends.count()
    r = _officer(world).post(
        _manage(world),
        {
            "action": "stipend",
            "stipend-paid_by": "CN",
            "stipend-currency": "CNY",
            "stipend-amount": "CNY 180,000",
            "stipend-instalment_1": "arrival",
            "stipend-instalment_2": "mid_both",
            "stipend-instalment_3": "final",
        },
    )
    assert r.status_code == 302
    comp = world.programme.stipends.order_by("-pk").first()
    assert world.programme.stipends.count() == before + 1
    assert (comp.paid_by, comp.currency, comp.amount) == ("CN", "CNY", Decimal("180000"))
    assert comp.schedule == ["arrival", "mid_both", "final"]
    page = _officer(world).get(_manage(world)).content.decode()
    assert "180,000.00" in page or "180000.00" in page
    assert AuditEvent.objects.filter(action=ExchangeAction.PROGRAMME_UPDATED).exists()


def test_bad_stipend_input_shows_beside_the_field_and_stores_nothing(world: Any) -> None:
    before = world.programme.stipends.count()
    c = _officer(world)
    r = c.post(
        _manage(world),
        {
            "action": "stipend",
            "stipend-paid_by": "HK",
            "stipend-currency": "HKD",
            "stipend-amount": "-5",
            "stipend-instalment_1": "arrival",
        },
    )
    assert r.status_code == 400
    assert r.context["stipend_form"].errors["amount"]
    r = c.post(
        _manage(world),
        {
            "action": "stipend",
            "stipend-paid_by": "HK",
            "stipend-currency": "HKD",
            "stipend-amount": "100",
        },
    )
    assert r.status_code == 400 and r.context["stipend_form"].errors["instalment_1"]
    assert world.programme.stipends.count() == before


def test_officer_sets_the_weighted_rubric_on_the_page(world: Any) -> None:
    c = _officer(world)
    r = c.post(
        _manage(world),
        {"action": "criterion", "criterion-name": "Mobility plan", "criterion-weight": "1.5"},
    )
    assert r.status_code == 302
    crit = world.programme.rubric.get(name="Mobility plan")
    assert crit.weight == Decimal("1.50")
    # the same name again is an error beside the name, from the service
    r = c.post(
        _manage(world),
        {"action": "criterion", "criterion-name": "mobility plan", "criterion-weight": "1"},
    )
    assert r.status_code == 400
    assert r.context["criterion_form"].errors["name"] == ["The rubric already has this criterion."]
    r = c.post(_manage(world), {"action": "remove_criterion", "item": crit.pk})
    assert not world.programme.rubric.filter(name="Mobility plan").exists()


def test_rubric_is_fixed_once_a_review_is_scored(world: Any) -> None:
    app = shortlisted(world)  # its review is submitted
    assert app.reviews.filter(state=ReviewState.SUBMITTED).exists()
    n = world.programme.rubric.count()
    r = _officer(world).post(
        _manage(world),
        {"action": "criterion", "criterion-name": "Late idea", "criterion-weight": "1"},
    )
    assert r.status_code == 400
    assert "can no longer change" in str(r.context["criterion_form"].non_field_errors())
    with pytest.raises(ValidationError):
        services.remove_criterion(world.officer, world.programme.rubric.first())
    assert world.programme.rubric.count() == n


def test_a_stipend_part_with_fellows_instalments_cannot_be_removed(world: Any) -> None:
    spare = StipendComponent.objects.create(
        programme=world.programme, paid_by="HK", currency="HKD", amount=1000, schedule=["arrival"]
    )
    c = _officer(world)
    c.post(_manage(world), {"action": "remove_stipend", "item": spare.pk})
    assert not StipendComponent.objects.filter(pk=spare.pk).exists()
    shortlisted(world)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    [offer] = services.send_offers(world.officer, run)
    services.accept_offer(world.applicant, offer)  # the fellow's instalments are created
    used = world.programme.stipends.first()
    r = c.post(_manage(world), {"action": "remove_stipend", "item": used.pk}, follow=True)
    assert "cannot be removed" in r.content.decode()
    assert StipendComponent.objects.filter(pk=used.pk).exists()


def test_only_the_programmes_officers_change_stipends_and_rubric(world: Any) -> None:
    comp = world.programme.stipends.first()
    with pytest.raises(PermissionDenied):
        services.remove_stipend(world.outsider, comp)
    with pytest.raises(PermissionDenied):
        services.add_criterion(world.outsider, world.programme, name="x", weight=Decimal(1))
    outsider = Client()
    outsider.force_login(world.outsider)
    r = outsider.post(
        _manage(world),
        {"action": "criterion", "criterion-name": "x", "criterion-weight": "1"},
    )
    assert r.status_code == 403


def test_api_removes_a_stipend_part_and_a_criterion(world: Any) -> None:
    c = _officer(world)
    comp = StipendComponent.objects.create(
        programme=world.programme, paid_by="HK", currency="HKD", amount=1000, schedule=["arrival"]
    )
    r = c.delete(f"/api/exchange/programmes/{world.programme.pk}/stipends/{comp.pk}")
    assert r.status_code == 204 and not StipendComponent.objects.filter(pk=comp.pk).exists()
    crit = world.programme.rubric.first()
    r = c.delete(f"/api/exchange/programmes/{world.programme.pk}/rubric/{crit.pk}")
    assert r.status_code == 204
    assert (
        c.delete(f"/api/exchange/programmes/{world.programme.pk}/rubric/999999").status_code == 404
    )


def _programme_form(**over: str) -> dict[str, str]:
    import datetime as dt

    from django.utils import timezone

    day = timezone.localdate()

    def d(n: int) -> str:
        return (day + dt.timedelta(days=n)).isoformat()

    form = dict(
        title="Far-dated programme",
        kind="postdoc",
        direction="CN>HK",
        places="3",
        min_months="1",
        max_months="24",
        max_preferences="2",
        referees_required="1",
        reply_days="14",
        placements_open=d(1),
        applications_open=d(2),
        applications_close=d(3),
        review_until=d(4),
        results_on=d(5),
        earliest_start=d(6),
    )
    form.update(over)
    return form


@pytest.mark.parametrize(
    "over",
    [
        {"earliest_start": "9999-12-31"},  # a stay from it would end in year 10001
        {"placements_open": "0001-01-01"},
        {"results_on": "9999-12-30", "earliest_start": "9999-12-31"},
    ],
)
def test_a_programme_date_outside_the_apis_range_is_a_form_error(
    world: Any, over: dict[str, str]
) -> None:
    from innobridge.exchange.models import Programme

    c = Client(raise_request_exception=False)
    c.force_login(world.officer)
    n = Programme.objects.count()
    r = c.post("/exchange/programmes/new/", _programme_form(**over))
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert Programme.objects.count() == n
    r = c.post("/exchange/programmes/new/", _programme_form())
    assert r.status_code == 302 and Programme.objects.count() == n + 1
