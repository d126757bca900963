"""The platform's register of personal-data views and its in-app notices (core)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from innobridge.core.models import Notice, PersonalDataView
from innobridge.core.services import log_personal_data_view, mark_notices_read, notify_in_app

pytestmark = pytest.mark.django_db


def test_a_view_by_someone_else_is_registered_once_and_cannot_be_changed(
    make_person: Any,
) -> None:
    subject, viewer = make_person("subject"), make_person("viewer")
    with transaction.atomic():
        assert (
            log_personal_data_view(subject, subject, subject, item="profile", role="self") is None
        )
        v = log_personal_data_view(
            viewer,
            subject,
            subject,
            item="profile",
            role="officer",
            viewer_region="HK",
            subject_region="CN",
        )
    assert v is not None and v.crosses_boundary
    assert PersonalDataView.objects.of(subject).count() == 1
    with pytest.raises(PermissionError):
        v.save()
    with pytest.raises(PermissionError):
        PersonalDataView.objects.update(item="x")


def test_notices_are_per_recipient_and_source(make_person: Any) -> None:
    a, b = make_person("a"), make_person("b")
    notify_in_app(a, "exchange", "Hello", "Body", "/exchange/")
    notify_in_app(a, "other", "Other app")
    notify_in_app(b, "exchange", "Not yours")
    assert mark_notices_read(a, "exchange") == 1
    assert Notice.objects.filter(recipient=a, read_at__isnull=True).count() == 1  # other app's
    assert Notice.objects.filter(recipient=b, read_at__isnull=True).count() == 1
