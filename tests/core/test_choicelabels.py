"""get_FOO_display() from labels kept per field and language (innobridge/core/choicelabels.py)."""

from __future__ import annotations

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from innobridge.core import choicelabels
from innobridge.facilities.models import Booking
from innobridge.facilities.statuses import BookingStatus
from innobridge.funding.models import Proposal, ProposalState

DJANGO_DISPLAY = models.Model._get_FIELD_display  # type: ignore[attr-defined]


def test_every_display_method_django_made_is_replaced() -> None:
    left, ours = [], 0
    for model in apps.get_models(include_auto_created=True):
        for name, attribute in vars(model).items():
            if isinstance(attribute, partialmethod) and name.endswith("_display"):
                if attribute.func is DJANGO_DISPLAY:
                    left.append(f"{model.__name__}.{name}")
                elif attribute.func is choicelabels.label_of:
                    ours += 1
    assert not left
    assert ours > 50  # the statuses, sides, roles, categories... of every app
    assert choicelabels.install() == 0  # nothing left to replace


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_labels_are_djangos_in_each_language(language: str) -> None:
    field = Proposal._meta.get_field("state")
    with translation.override(language):
        for state in ProposalState:
            p = Proposal(state=state)
            assert p.get_state_display() == DJANGO_DISPLAY(p, field)
            assert isinstance(p.get_state_display(), str)


def test_the_label_follows_the_active_language() -> None:
    b = Booking(status=BookingStatus.REQUESTED)
    shown = {}
    for language in ("en", "zh-hant", "zh-hans", "en"):
        with translation.override(language):
            shown[language] = b.get_status_display()
            assert shown[language] == str(BookingStatus.REQUESTED.label)
    assert shown["en"] == "Requested"
    assert shown["zh-hant"] != shown["en"]


def test_a_value_outside_the_choices_is_shown_as_it_is() -> None:
    field = Booking._meta.get_field("status")
    for value in ("retired", "", None):
        b = Booking(status=value)
        assert b.get_status_display() == DJANGO_DISPLAY(b, field)
    assert Booking(status=None).get_status_display() is None
