"""Indicators of the facilities pillar."""

from __future__ import annotations
