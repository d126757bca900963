"""Reviews, matching runs, offers, stays and stay reports in the admin: each is written
only on the platform's pages through the exchange services (a reviewer's review, an
officer's matching, the applicant's reply, the stay's people; each audited), so the
admin lists and shows them and adds, changes or deletes none."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model

from innobridge.core.models import AuditEvent
from innobridge.exchange import services
from innobridge.exchange.models import (
    MatchingRun,
    Offer,
    OfferState,
    Review,
    ReviewState,
    Stay,
    StayReport,
    StayState,
)
from tests.pages import admin_form_data, delete_selected, superuser_client

from .conftest import accepted_stay

pytestmark = pytest.mark.django_db

# For each model: what a POST to its add or change page tries to write.
CHANGES: dict[type[Model], dict[str, Any]] = {
    Review: {"state": ReviewState.CONFLICT, "total": "1.000", "comment": "Typed in the admin"},
    MatchingRun: {"method": "fair", "chosen": "", "adjusted": "on", "pairs": "[[99, 99]]"},
    Offer: {"state": OfferState.DECLINED, "reply_by": "2000-01-01"},
    Stay: {"state": StayState.CANCELLED, "planned_arrival": "2000-01-01"},
    StayReport: {"state": "accepted", "text": "Typed in the admin"},
}
# What the list's search finds each model's row by.
SEARCH = {
    Review: "postdoc",
    MatchingRun: "Hong Kong Scholars",
    Offer: "Graph neural networks",
    Stay: "postdoc",
    StayReport: "postdoc",
}


@pytest.fixture
def records(world: Any) -> dict[type[Model], Model]:
    """One row of each: the applicant's review, the chosen run, the accepted offer, the
    stay (on site) and the fellow's mid-term report."""
    stay = accepted_stay(world)
    services.move_stay(world.supervisor, stay, "host_accept")
    services.move_stay(world.applicant, stay, "start_permits")
    services.move_stay(world.supervisor, stay, "arrive")
    report = services.submit_report(world.applicant, stay, kind="mid_term", text="Going well.")
    return {
        Review: Review.objects.get(application=stay.application),
        MatchingRun: MatchingRun.objects.get(chosen=True),
        Offer: stay.offer,
        Stay: stay,
        StayReport: report,
    }


def _stored(obj: Model) -> dict[str, Any]:
    return type(obj).objects.filter(pk=obj.pk).values().get()


@pytest.mark.parametrize("model", list(CHANGES), ids=lambda m: m.__name__)
def test_the_record_is_only_shown_in_the_admin(
    model: type[Model], records: dict[type[Model], Model], make_person: Any
) -> None:
    obj = records[model]
    base = f"/admin/exchange/{model._meta.model_name}/"
    change = f"{base}{obj.pk}/change/"
    root = superuser_client(make_person)
    before, events = _stored(obj), AuditEvent.objects.count()

    listed = root.get(base)
    assert listed.status_code == 200
    assert change in listed.content.decode()
    found = root.get(base, {"q": SEARCH[model]})
    assert found.status_code == 200
    assert change in found.content.decode()
    shown = root.get(change)
    assert shown.status_code == 200  # the view page
    assert 'name="_save"' not in shown.content.decode()  # no save button

    assert root.get(f"{base}add/").status_code == 403
    assert root.post(f"{base}add/", admin_form_data(shown) | CHANGES[model]).status_code == 403
    assert root.post(change, admin_form_data(shown) | CHANGES[model]).status_code == 403
    assert root.get(f"{base}{obj.pk}/delete/").status_code == 403
    assert root.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    delete_selected(root, base, [obj.pk])

    assert _stored(obj) == before
    assert model.objects.count() == 1
    assert AuditEvent.objects.count() == events
