"""The project-level pages (home, error pages) read every pillar: reuse the funding world."""

from tests.funding.conftest import (  # noqa: F401
    _fake_embedder,
    make_researcher,
    project,
    submitted,
    world,
)
