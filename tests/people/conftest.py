"""Fixtures of the people tests (each area adds its own, below its comment)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.factories import organisation

DATA = Path(__file__).parent / "data"


# --- Researchers and publications -------------------------------------------


@pytest.fixture
def hk_org(db: Any) -> Any:
    return organisation(
        name="The Hong Kong University of Science and Technology",
        name_zh="香港科技大學",
        region="HK",
        city="Hong Kong",
        ror_id="00q4vv597",
    )


@pytest.fixture
def cn_org(db: Any) -> Any:
    return organisation(
        name="Sun Yat-sen University", name_zh="中山大学", region="CN", city="Guangzhou"
    )


@pytest.fixture
def make_researcher(db: Any, hk_org: Any) -> Any:
    """A researcher account + profile, made through the service (password "pw-Strong-1!")."""
    from innobridge.people.services import create_researcher

    counter = {"n": 0}

    def make(username: str | None = None, **extra: Any) -> Any:
        counter["n"] += 1
        username = username or f"researcher{counter['n']}"
        extra.setdefault("display_name", username.title())
        extra.setdefault("organisation", hk_org)
        extra.setdefault("password", "pw-Strong-1!")
        return create_researcher(None, username=username, **extra)

    return make


@pytest.fixture
def data_file() -> Any:
    def read(name: str) -> bytes:
        return (DATA / name).read_bytes()

    return read
