"""Fixtures of the plan tests: a demo-like world made by the pillars' own demo seeders
(people, funding, facilities, transfer, exchange) through their services, and accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

needs_data = pytest.mark.skipif(
    not (Path(django_settings.DATA_DIR) / "csl").exists(),
    reason="settings.DATA_DIR has no csl/ (the people demo's papers)",
)


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TRANSFER_STRONG_MATCH = 0.3


@pytest.fixture
def officer(make_person: Any) -> Any:
    return make_person("plan-officer", roles=("programme_officer",))


@pytest.fixture
def researcher(make_person: Any) -> Any:
    return make_person("plan-researcher", roles=("researcher",))


@pytest.fixture
def demo_world(db: Any) -> dict[str, Any]:
    """Every pillar's demo, seeded as ``innobridge demo`` does (a tenth of the people)."""
    from tests.factories import seed_pillar_demos

    return {"log": seed_pillar_demos(macao=True)}
