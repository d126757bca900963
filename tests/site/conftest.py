"""The project-level pages (home, error pages) read every pillar: reuse the funding world."""

from tests.funding.conftest import _fake_embedder, make_researcher, world  # noqa: F401
