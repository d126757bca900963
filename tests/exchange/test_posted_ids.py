"""The exchange pages read posted ids and buttons with forms: a tampered id (not a number,
or a row of another programme or application) is a 404, an unknown button changes nothing
— never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.exchange import services
from innobridge.exchange.models import StipendComponent

from .conftest import draft

pytestmark = pytest.mark.django_db


def _client(person: Any) -> Client:
    c = Client()
    c.force_login(person)
    return c


@pytest.mark.parametrize("item", ["abc", "1.5", "", "999999"])
def test_a_tampered_stipend_id_on_the_manage_page_is_a_404(world: Any, item: str) -> None:
    n = StipendComponent.objects.count()
    r = _client(world.officer).post(
        f"/exchange/programmes/{world.programme.pk}/manage/",
        {"action": "remove_stipend", "item": item},
    )
    assert r.status_code == 404
    assert StipendComponent.objects.count() == n


def test_an_unknown_button_on_the_manage_page_is_a_400(world: Any) -> None:
    r = _client(world.officer).post(
        f"/exchange/programmes/{world.programme.pk}/manage/", {"action": "drop_tables"}
    )
    assert r.status_code == 400


@pytest.mark.parametrize("run", ["abc", "999999"])
def test_a_tampered_run_id_on_the_matching_page_is_a_404(world: Any, run: str) -> None:
    r = _client(world.officer).post(
        f"/exchange/programmes/{world.programme.pk}/matching/", {"action": "choose", "run": run}
    )
    assert r.status_code == 404


def test_a_referee_of_another_application_or_not_a_number_is_a_404(
    world: Any, make_person: Any
) -> None:
    app = draft(world)
    other = draft(world, make_person("other-applicant"))
    foreign, _token = services.invite_referee(
        other.applicant, other, name="R", email="r@example.org"
    )
    c = _client(world.applicant)
    for referee in ("abc", str(foreign.pk)):
        r = c.post(f"/exchange/applications/{app.pk}/", {"action": "resend", "referee": referee})
        assert r.status_code == 404


@pytest.mark.parametrize("handle", ["nobody-by-this-name", "", "x" * 10_001])
def test_assigning_an_unknown_reviewer_is_a_message_not_a_500(world: Any, handle: str) -> None:
    from innobridge.exchange.models import Review

    from .conftest import submitted

    app = submitted(world)
    c = Client(raise_request_exception=False)
    c.force_login(world.officer)
    r = c.post(
        f"/exchange/applications/{app.pk}/",
        {"action": "assign_reviewer", "reviewer": handle},
        follow=True,
    )
    assert r.status_code == 200
    assert "No such person." in [str(m) for m in r.context["messages"]]
    assert not Review.objects.filter(application=app).exists()
