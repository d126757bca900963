"""Indicators of the exchange pillar."""

from __future__ import annotations
