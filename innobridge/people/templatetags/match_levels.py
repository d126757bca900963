"""``{{ score|match_level }}``: the calibrated level (strong / possible / weak) of a matching
score, for pages that show a stored score (a reviewer's affinity to a proposal).  The
thresholds are the engine's (``innobridge.matching.levels``) through the people adapter."""

from __future__ import annotations

from django import template

from ..matching import level

register = template.Library()


@register.filter
def match_level(score: float | None, kind: str = "passage") -> str:
    """The level of ``score`` for a query of ``kind`` ("passage": a whole text such as a
    proposal; "query": a search phrase); "" without a score."""
    if score is None:
        return ""
    return level(float(score), "query" if kind == "query" else "passage")
