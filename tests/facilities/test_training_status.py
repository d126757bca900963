"""Before a user picks a slot on an instrument that needs training, the page says whether
they hold its certificate and, if not, how to get one; the demo gives its bookers the
certificates their bookings need."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from innobridge.facilities.models import TrainingCertificate
from tests.pages import client_as


@pytest.mark.parametrize(
    ("language", "need", "have"),
    [
        ("en", "You need training", "You hold the training certificate"),
        ("zh-hant", "須先接受培訓", "您持有此儀器的培訓證書"),
        ("zh-hans", "须先接受培训", "您持有此仪器的培训证书"),
    ],
)
def test_the_resource_page_shows_the_viewers_training_status(
    resource: Any, people: dict[str, Any], language: str, need: str, have: str
) -> None:
    resource.training_required = True
    resource.save()
    client = client_as(people["mainland"], language)
    page = client.get(reverse("facilities:resource", args=[resource.pk])).content.decode()
    assert 'data-testid="training-status"' in page and need in page

    TrainingCertificate.objects.create(
        person=people["mainland"],
        resource=resource,
        issued_on=dt.date.today() - dt.timedelta(days=10),
        valid_until=dt.date.today() + dt.timedelta(days=300),
    )
    page = client.get(reverse("facilities:resource", args=[resource.pk])).content.decode()
    assert have in page and need not in page


def test_no_training_box_when_none_is_needed(resource: Any, people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["mainland"])
    page = client.get(reverse("facilities:resource", args=[resource.pk])).content.decode()
    assert 'data-testid="training-status"' not in page


def test_the_demo_certifies_everyone_who_booked_a_training_instrument(
    resource: Any, people: dict[str, Any]
) -> None:
    from innobridge.facilities import demo
    from innobridge.facilities.models import Booking

    resource.training_required = True
    resource.save()
    booking = Booking.objects.filter(resource=resource).first()
    if booking is None:
        from .conftest import next_open_day

        day = next_open_day()
        from innobridge.facilities import services
        from tests.facilities.conftest import HKT

        resource.training_required = False
        resource.save()
        services.request_booking(
            people["mainland"],
            resource,
            dt.datetime.combine(day, dt.time(10), tzinfo=HKT),
            dt.datetime.combine(day, dt.time(11), tzinfo=HKT),
        )
        resource.training_required = True
        resource.save()
    made = demo.seed_certificates([resource], random.Random(1))
    assert made >= 1
    bookers = set(Booking.objects.filter(resource=resource).values_list("booker_id", flat=True))
    certified = set(
        TrainingCertificate.objects.filter(resource=resource).values_list("person_id", flat=True)
    )
    assert bookers <= certified
    assert demo.seed_certificates([resource], random.Random(1)) == 0  # idempotent
