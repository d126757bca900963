"""A real world for API-wide tests: the demo seeders (people at a tenth of their size,
funding, facilities, exchange, transfer, the Action Plan) on the real ROR records of the
demo's institutions, built once per module and removed after it, so generated requests meet
real ids."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings


def _ror_records() -> list[dict[str, Any]]:
    from innobridge.people.demo import HK_INSTITUTIONS, MAINLAND_INSTITUTIONS

    wanted = set(HK_INSTITUTIONS) | set(MAINLAND_INSTITUTIONS)
    path = Path(settings.DATA_DIR) / "ror" / "ror_cn_hk_mo.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is missing (settings.DATA_DIR)")
    with path.open(encoding="utf-8") as handle:
        return [r for r in map(json.loads, handle) if r["id"].rsplit("/", 1)[-1] in wanted]


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    from django.core.management import call_command
    from django.test import override_settings

    from innobridge.facilities import demo as facilities_demo
    from innobridge.funding import demo as funding_demo
    from innobridge.people import demo as people_demo
    from innobridge.people import services

    out = io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(
            MATCHING_EMBEDDER="tests.matching._fakes.FakeEmbedder",
            MATCHING_AUTO_INDEX=False,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        from django.contrib.auth.models import Group

        from innobridge.core.permissions import Role

        for role in Role:
            Group.objects.get_or_create(name=role.value)
        services.import_ror_records(_ror_records())
        people_demo.seed_role_accounts(out)
        people_demo.seed_researchers(out, scale=0.1)
        funding_demo.seed(out)
        facilities_demo.seed(out)
        try:
            from innobridge.exchange import demo as exchange_demo
        except ImportError:  # the exchange pillar not installed
            pass
        else:
            exchange_demo.seed(out)
        from innobridge.plan import demo as plan_demo
        from innobridge.transfer import demo as transfer_demo

        transfer_demo.seed(out)
        plan_demo.seed(out)
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
