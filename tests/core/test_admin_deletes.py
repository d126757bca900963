"""Django admin's "Delete selected" deletes the rows with one ``queryset.delete()``: no
service, no audit event, and the files of rows with uploads (or of the rows they cascade
to) left in storage. Every registered admin of such a model either deletes through the
service, row by row in one transaction, or offers no bulk delete."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from innobridge.core.admin import DeletesThroughService, delete_selected_through_service

# The models whose rows a service deletes (permission, audit event): their admins delete
# through it.
DELETED_BY_A_SERVICE = {
    "transfer.Membership",  # services.remove_membership
    "plan.Measure",  # services.delete_measure
    "funding.ReviewAssignment",  # services.remove_assignment
    "facilities.TrainingCertificate",  # services.revoke_certificate
}


def _file_rows(model: type[models.Model], seen: set[Any] | None = None) -> list[str]:
    """The models with a file field that deleting a ``model`` row deletes (itself or by
    cascade)."""
    seen = set() if seen is None else seen
    if model in seen:
        return []
    seen.add(model)
    found = (
        [model._meta.label]
        if any(isinstance(f, models.FileField) for f in model._meta.concrete_fields)
        else []
    )
    for rel in model._meta.related_objects:
        if getattr(rel, "on_delete", None) is models.CASCADE:
            found += _file_rows(rel.related_model, seen)
    return found


@pytest.fixture
def superuser_request(make_person: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = make_person("root", is_staff=True, is_superuser=True)
    return request


def test_the_models_named_here_exist() -> None:
    registered = {m._meta.label for m in admin.site._registry}
    assert registered >= DELETED_BY_A_SERVICE


@pytest.mark.django_db
def test_no_admin_bulk_deletes_files_or_bypasses_a_delete_service(superuser_request: Any) -> None:
    wrong = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        action = model_admin.get_actions(superuser_request).get("delete_selected")
        if label in DELETED_BY_A_SERVICE:
            if not isinstance(model_admin, DeletesThroughService) or (
                action is not None and action[0] is not delete_selected_through_service
            ):
                wrong.append(f"{label}: deleted without its service")
        elif _file_rows(model) and action is not None:
            wrong.append(f"{label}: bulk delete leaves the files of {_file_rows(model)}")
    assert not wrong, wrong
