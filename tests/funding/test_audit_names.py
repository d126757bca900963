"""Funding's audit action names come from one registry (FundingAction), in the past
tense, and the migration renamed the names stored before the registry."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from innobridge.funding.audit import FundingAction

FUNDING = Path(__file__).resolve().parents[2] / "innobridge" / "funding"
migration = importlib.import_module("innobridge.funding.migrations.0005_audit_action_names")


def test_every_name_is_funding_noun_past_tense():
    for member in FundingAction:
        assert re.fullmatch(r"funding\.[a-z_]+\.[a-z_]+", member.value), member
        assert member.name == member.value.removeprefix("funding.").replace(".", "_").upper()


def test_no_free_text_action_name_is_left_in_funding():
    for path in FUNDING.rglob("*.py"):
        if "migrations" in path.parts or path.name == "audit.py":
            continue
        assert not re.search(r"[\"']funding\.[a-z_]+\.[a-z_]+[\"']", path.read_text()), path


@pytest.mark.django_db(transaction=True)
def test_migration_renames_stored_names():
    executor = MigrationExecutor(connection)
    executor.migrate([("funding", "0004_proposal_duration_limits")])
    apps = executor.loader.project_state(
        [("funding", "0004_proposal_duration_limits"), ("core", "0002_initial")]
    ).apps
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditEvent.objects.create(action="funding.proposal.submit", actor_repr="x")
    AuditEvent.objects.create(action="people.person.signed_up", actor_repr="x")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from innobridge.core.models import AuditEvent as Live

    actions = set(Live.objects.values_list("action", flat=True))
    assert FundingAction.PROPOSAL_SUBMITTED.value in actions
    assert "funding.proposal.submit" not in actions and "people.person.signed_up" in actions
    assert set(migration.RENAMES.values()) <= set(FundingAction.values)
