"""Django admin's "Delete selected" deletes the rows with one ``queryset.delete()``: no
service, no audit event, and the files of rows with uploads (or of the rows they cascade
to) left in storage. Every registered admin of such a model either deletes through the
service, row by row in one transaction, or offers no bulk delete. An inline saves and
deletes its rows with ``formset.save()``: every inline of a model the app's services
delete either deletes through the service or not at all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.utils import translation

from innobridge.core.admin import (
    DeletesThroughService,
    InlinesThroughServices,
    ServiceInline,
    delete_selected_through_service,
)

# The models whose rows a service deletes (permission, audit event): their admins delete
# through it.
DELETED_BY_A_SERVICE = {
    "core.ExchangeRate",  # services.delete_exchange_rate
    "funding.Call",  # services.delete_call
    "funding.Scheme",  # services.delete_scheme
    "transfer.Membership",  # services.remove_membership
    "plan.Measure",  # services.delete_measure
    "funding.ReviewAssignment",  # services.remove_assignment
    "facilities.TrainingCertificate",  # services.revoke_certificate
    "facilities.CalendarFeed",  # services.revoke_calendar_feed
    "exchange.Coordinator",  # services.remove_coordinator
}
# The models whose rows a service deletes and that an admin shows as an inline.
INLINE_DELETED_BY_A_SERVICE = {
    "facilities.Tariff",  # services.remove_tariff
    "facilities.MaintenanceBlock",  # services.remove_maintenance
    "exchange.StipendComponent",  # services.remove_stipend
    "exchange.ChecklistTemplate",  # services.remove_checklist_step
    "funding.Criterion",  # services.set_rubric (replaces a side's rubric)
    "funding.TeamMember",  # services.request_change (a member leaves)
    "funding.BudgetLine",  # services.remove_budget_line
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
    inlined = {
        inline.model._meta.label
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    assert inlined >= INLINE_DELETED_BY_A_SERVICE


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


@pytest.mark.django_db
def test_no_admin_inline_deletes_rows_past_their_delete_service(superuser_request: Any) -> None:
    """An inline of a model deleted by a service deletes through it (a ``ServiceInline``
    whose ``delete_row`` calls the service, under a parent admin that calls it) or
    offers no delete; and a ``ServiceInline`` is only ever under such a parent (else
    ``formset.save()`` would write its rows)."""
    wrong = []
    for model, model_admin in admin.site._registry.items():
        for inline in model_admin.get_inline_instances(superuser_request):
            label = f"{model._meta.label} > {inline.model._meta.label}"
            through = isinstance(inline, ServiceInline)
            if through and not isinstance(model_admin, InlinesThroughServices):
                wrong.append(f"{label}: saved by formset.save(), not by its services")
            deletes = inline.can_delete and inline.has_delete_permission(superuser_request)
            by_service = through and type(inline).offers("delete_row")
            if (
                inline.model._meta.label in INLINE_DELETED_BY_A_SERVICE
                and deletes
                and not by_service
            ):
                wrong.append(f"{label}: deleted without its service")
    assert not wrong, wrong


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _names(model: type[models.Model]) -> str:
    """The class name and the English verbose name of ``model``, in snake case: a
    service may name its noun either way (``remove_checklist_step`` takes a
    ``ChecklistTemplate``, whose verbose name is "checklist step")."""
    with translation.override("en"):
        verbose = str(model._meta.verbose_name).replace(" ", "_")
    return f"{_snake(model.__name__)} {verbose}"


def _deleted_by_a_service() -> set[str]:
    """The models a ``delete_<noun>``, ``remove_<noun>`` or ``revoke_<noun>`` function of
    an app's services takes (by its type hints; the model's name or verbose name holds
    the noun)."""
    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("innobridge."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        modules = [package]
        if hasattr(package, "__path__"):
            modules += [
                importlib.import_module(f"{package.__name__}.{info.name}")
                for info in pkgutil.iter_modules(package.__path__)
            ]
        for module in modules:
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if function.__module__ != module.__name__ or not name.startswith(
                    ("delete_", "remove_", "revoke_")
                ):
                    continue
                noun = name.split("_", 1)[1]  # remove_budget_line: a BudgetLine
                for hint in typing.get_type_hints(function).values():
                    if (
                        isinstance(hint, type)
                        and issubclass(hint, models.Model)
                        and noun in _names(hint)
                    ):
                        found.add(hint._meta.label)
    return found


def test_every_model_a_service_deletes_is_named_here() -> None:
    """A new delete service on a model the admin shows puts it under the checks above."""
    shown = {m._meta.label for m in admin.site._registry} | {
        inline.model._meta.label
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    # Revoked, not deleted: their admins offer no delete at all (checked below).
    revoked_not_deleted = {"people.ApiToken"}
    named = DELETED_BY_A_SERVICE | INLINE_DELETED_BY_A_SERVICE | revoked_not_deleted
    missing = (_deleted_by_a_service() & shown) - named
    assert not missing, missing
