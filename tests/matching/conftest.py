"""The matching engine is a plain library: its tests need no Django.  This overrides the
suite-wide autouse fixture (which configures Django settings) with a no-op here, so
``pytest tests/matching -p no:django`` works without settings."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_var_dir() -> None:
    return None


@pytest.fixture(autouse=True)
def _default_language() -> None:
    return None
