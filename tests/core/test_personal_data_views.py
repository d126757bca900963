"""The platform's register of personal-data views (core)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from innobridge.core.models import PersonalDataView
from innobridge.core.services import log_personal_data_view

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
