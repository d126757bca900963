"""The audit action registries (``innobridge/<app>/audit.py``): their shape, that every
write names its action from them, and the session-wide check that every registered action
is written by some test (tests/audit_recorder.py, run at the end of the whole suite)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction

from tests.audit_recorder import AuditRecorder, registered_actions

ROOT = Path(__file__).resolve().parents[2] / "innobridge"


def _apps_with_registry() -> list[str]:
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("innobridge.") and (Path(config.path) / "audit.py").exists():
            found.append(config.label)
    return found


def test_the_registries_of_core_people_and_facilities_are_found() -> None:
    assert {"core", "people", "facilities"} <= set(_apps_with_registry())
    values = registered_actions()
    assert "facilities.booking.requested" in values
    assert "people.person.signed_up" in values
    assert "core.exchange_rate.set" in values


@pytest.mark.parametrize("label", _apps_with_registry())
def test_registry_shape(label: str) -> None:
    """``<App>Action`` members ``<NOUN>_<VERB_PAST>`` with values
    ``<app>.<noun>.<verb in past tense>``, each value once."""
    from django.db import models

    module = importlib.import_module(f"innobridge.{label}.audit")
    classes = [
        v
        for v in vars(module).values()
        if isinstance(v, type)
        and issubclass(v, models.TextChoices)
        and v.__module__ == module.__name__
    ]
    assert [c.__name__ for c in classes] == [f"{label.capitalize()}Action"]
    for member in classes[0]:
        assert re.fullmatch(rf"{label}\.[a-z_]+\.[a-z_]+", member.value), member.value
        _app, noun, verb = member.value.split(".")
        assert member.name == f"{noun}_{verb}".upper(), member


def _free_text_actions(path: Path) -> list[str]:
    """Calls of record_event(actor, "<text>", …) or apply_transition(…,
    audit_action="<text>") in one module."""
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        args: list[Any] = []
        if name == "record_event" and len(node.args) >= 2:
            args.append(node.args[1])
        args += [k.value for k in node.keywords if k.arg in {"action", "audit_action"}]
        if name in {"record_event", "apply_transition"}:
            for a in args:
                if isinstance(a, ast.Constant) and isinstance(a.value, str):
                    bad.append(f"{path.name}:{node.lineno} {a.value!r}")
    return bad


@pytest.mark.parametrize("label", _apps_with_registry())
def test_every_write_names_its_action_from_the_registry(label: str) -> None:
    """No free-text action name in an app that has a registry."""
    bad = [m for p in sorted((ROOT / label).rglob("*.py")) for m in _free_text_actions(p)]
    assert bad == []


def test_a_free_text_action_is_caught(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        'record_event(actor, "facilities.booking.request", obj)\n'
        'apply_transition(actor, obj, FLOW, "go", audit_action="x.y.went")\n'
        "record_event(actor, FacilitiesAction.BOOKING_REQUESTED, obj)\n"
    )
    assert _free_text_actions(module) == [
        "m.py:1 'facilities.booking.request'",
        "m.py:2 'x.y.went'",
    ]


@pytest.mark.django_db
def test_the_session_recorder_sees_every_written_action(request: pytest.FixtureRequest) -> None:
    from innobridge.core.audit import CoreAction
    from innobridge.core.services import record_event

    recorder = request.config.pluginmanager.get_plugin("innobridge-audit-recorder")
    assert isinstance(recorder, AuditRecorder)
    recorder.seen.discard("core.test.written")
    with transaction.atomic():
        record_event(None, "core.test.written")
    assert "core.test.written" in recorder.seen
    assert CoreAction.EXCHANGE_RATE_SET.value in registered_actions()


def test_missing_names_every_unwritten_action(request: pytest.FixtureRequest) -> None:
    fresh = AuditRecorder(request.config)
    fresh.seen = {"facilities.booking.requested"}
    missing = fresh.missing({"facilities"})
    assert missing and all(m.startswith("facilities.") for m in missing)
    assert not any(m.startswith("facilities.booking.requested ") for m in missing)
    assert any(m.startswith("facilities.booking.approved ") for m in missing)
