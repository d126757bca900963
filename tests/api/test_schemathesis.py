"""Every operation of /api/openapi.json, fuzzed by schemathesis as each role, against a
real world (the demo seeders, tests/api/conftest.py): no 5xx, and every answer conforms to
the schema (documented status, content type, body shape).

Path ids are replaced, most of the time, by ids of real objects of the kind the path
names (``/proposals/{pk}`` → a real proposal), so operations run past the 404. Bounded:
``API_FUZZ_EXAMPLES`` examples per operation and role (default 3) until
``API_FUZZ_BUDGET`` seconds per role (default 30) have passed, then one example for each
remaining operation, so every operation runs as every role; the figures are printed.
``API_FUZZ_PATHS`` (a regular expression, e.g. ``^/api/funding/``) fuzzes only the
operations whose path it matches, to check one app's endpoints quickly.
"""

from __future__ import annotations

import os
import random
import re
import time
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "3"))
BUDGET = float(os.environ.get("API_FUZZ_BUDGET", "30"))
PATHS = re.compile(os.environ.get("API_FUZZ_PATHS", ""))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = [
    "demo-officer",
    "demo-researcher",
    "demo-reviewer",
    "demo-facility",
    "demo-enterprise",
    "demo-tto",
    "demo-coordinator",
    "demo-admin",
]
SEGMENT = re.compile(r"([a-z_-]+)/\{(\w+)\}")


def _real_ids() -> dict[str, list[Any]]:
    """Real ids by the path segment before a parameter."""
    from innobridge.exchange import models as exc
    from innobridge.facilities import models as fac
    from innobridge.funding import models as fun
    from innobridge.people import models as ppl
    from innobridge.plan.indicators import registry
    from innobridge.transfer import models as tra

    tables: dict[str, Any] = {
        "assignments": fun.ReviewAssignment,
        "attachments": fun.Attachment,
        "budget": fun.BudgetLine,
        "calls": fun.Call,
        "changes": fun.ChangeRequest,
        "disbursements": fun.Disbursement,
        "funders": fun.Funder,
        "sides": fun.Funder,
        "rubric": fun.Funder,
        "ranking": fun.Funder,
        "members": fun.TeamMember,
        "projects": fun.Project,
        "proposals": fun.Proposal,
        "reports": fun.Report,
        "schemes": fun.Scheme,
        "bookings": fac.Booking,
        "charges": fac.Charge,
        "disputes": fac.Dispute,
        "facilities": fac.Facility,
        "resources": fac.Resource,
        "organisations": ppl.Organisation,
        "researchers": ppl.ResearcherProfile,
        "publications": ppl.Publication,
        "tokens": ppl.ApiToken,
        "pool": ppl.Person,
        # a segment two apps use is named with its app ("transfer/offers")
        "transfer/offers": tra.Offer,
        "demands": tra.Demand,
        "deals": tra.Deal,
        "plans": tra.SolutionPlan,
        "exchange/offers": exc.Offer,
        "programmes": exc.Programme,
        "placements": exc.Placement,
        "applications": exc.Application,
        "reviews": exc.Review,
        "matchings": exc.MatchingRun,
        "stays": exc.Stay,
    }
    ids = {
        name: list(model.objects.values_list("pk", flat=True)[:50])
        for name, model in tables.items()
    }
    ids["ror"] = list(
        ppl.Organisation.objects.exclude(ror_id="").values_list("ror_id", flat=True)[:20]
    )
    ids["tariffs"] = list(fac.Tariff.objects.values_list("category", flat=True).distinct())
    ids["indicators"] = [i.key for i in registry.all_indicators()]
    return ids


def _schema() -> Any:
    from innobridge.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def in_test_transaction() -> Any:
    """Requests go through the real WSGI handler, which closes the database connection
    at the end of a request (as Django's test client prevents): not inside a test."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.parametrize("username", ROLES)
def test_every_operation_as_each_role(
    username: str, demo_world: None, db: Any, in_test_transaction: None
) -> None:
    from innobridge.people.models import Person
    from innobridge.people.services import create_api_token

    person = Person.objects.get(username=username)
    _token, key = create_api_token(person, "schemathesis")
    headers = {"Authorization": f"Bearer {key}"}
    ids = _real_ids()
    rng = random.Random(f"{username}-2026")
    schema = _schema()
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if PATHS.search(op.path)
    ]
    started = time.monotonic()
    calls: dict[str, int] = {"requests": 0, "operations": 0, "beyond_404": 0, "5xx": 0}
    failures: list[str] = []

    def fuzz(operation: Any, examples: int) -> None:
        label = f"{operation.method.upper()} {operation.path}"

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), real=st.booleans())
        def run(case: Any, real: bool) -> None:
            if real or rng.random() < 0.5:
                app = operation.path.removeprefix("/api/").split("/", 1)[0]
                for segment, name in SEGMENT.findall(operation.path):
                    choices = ids.get(f"{app}/{segment}") or ids.get(segment) or []
                    if choices and case.path_parameters and name in case.path_parameters:
                        case.path_parameters[name] = rng.choice(choices)
            response = case.call(headers=headers)
            calls["requests"] += 1
            if response.status_code != 404:
                calls["beyond_404"] += 1
            if response.status_code >= 500:
                calls["5xx"] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:800]}")

    for operation in operations:
        # past the time budget, the remaining operations get one example each
        calls["operations"] += 1
        fuzz(operation, EXAMPLES if time.monotonic() - started < BUDGET else 1)

    elapsed = time.monotonic() - started
    print(
        f"\n{username}: {calls['operations']}/{len(operations)} operations, "
        f"{calls['requests']} requests ({calls['beyond_404']} past 404, {calls['5xx']} 5xx) "
        f"in {elapsed:.0f} s"
    )
    assert not failures, "\n\n".join(dict.fromkeys(failures))
    assert calls["operations"] == len(operations)
    assert calls["beyond_404"] > calls["requests"] // 3, "too few requests met a real object"
