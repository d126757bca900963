"""Stipend instalments wait for the report(s) each depends on: the fellow's, the
supervisor's or both, configured per instalment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from innobridge.exchange import services
from innobridge.exchange.models import InstalmentState, PaidOn, Stay

from .conftest import shortlisted

pytestmark = pytest.mark.django_db


def _on_site(w: Any) -> Stay:
    shortlisted(w)
    run = services.run_matching(w.officer, w.programme, "stable")
    services.choose_run(w.officer, run)
    [offer] = services.send_offers(w.officer, run)
    stay = services.accept_offer(w.applicant, offer)
    services.move_stay(w.supervisor, stay, "host_accept")
    services.move_stay(w.applicant, stay, "start_permits")
    for item in stay.checklist.all():
        services.tick_checklist(w.applicant, item)
    services.move_stay(w.supervisor, stay, "arrive")
    return stay


def _released(stay: Stay) -> set[str]:
    return set(
        stay.instalments.filter(state=InstalmentState.RELEASED).values_list("paid_on", flat=True)
    )


def test_each_instalment_waits_for_the_reports_it_depends_on(world: Any) -> None:
    w = world
    w.programme.stipends.all().delete()
    services.add_stipend(
        w.officer,
        w.programme,
        paid_by="HK",
        currency="HKD",
        amount=Decimal("40000"),
        schedule=[PaidOn.MID_TERM_BOTH, PaidOn.FINAL_SUPERVISOR, PaidOn.FINAL_BOTH],
    )
    stay = _on_site(w)
    assert _released(stay) == set()
    mid = services.submit_report(w.applicant, stay, kind="mid_term", text="Halfway.")
    services.review_report(w.officer, mid, accept=True)
    assert _released(stay) == set()  # the supervisor's mid-term report is still missing
    sup_mid = services.submit_report(w.supervisor, stay, kind="mid_term", text="Good progress.")
    services.review_report(w.officer, sup_mid, accept=True)
    assert _released(stay) == {PaidOn.MID_TERM_BOTH}
    sup_final = services.submit_report(w.supervisor, stay, kind="final", text="A fine fellow.")
    services.review_report(w.officer, sup_final, accept=True)
    assert _released(stay) == {PaidOn.MID_TERM_BOTH, PaidOn.FINAL_SUPERVISOR}
    final = services.submit_report(w.applicant, stay, kind="final", text="Done.")
    services.review_report(w.officer, final, accept=False)  # returned: releases nothing
    assert PaidOn.FINAL_BOTH not in _released(stay)


def test_an_unknown_release_point_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.add_stipend(
            world.officer,
            world.programme,
            paid_by="HK",
            currency="HKD",
            amount=Decimal("1"),
            schedule=["whenever"],
        )
