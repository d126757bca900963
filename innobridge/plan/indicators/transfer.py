"""Indicators of the transfer pillar."""

from __future__ import annotations
