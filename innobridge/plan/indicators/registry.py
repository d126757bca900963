"""The one registry of indicators: every indicator module registers its indicators here
when ``plan.indicators`` is imported; pages, API, snapshots and reports read it."""

from __future__ import annotations

from .base import Indicator

_REGISTRY: dict[str, Indicator] = {}


def register(*indicators: Indicator) -> None:
    for ind in indicators:
        if ind.key in _REGISTRY:
            raise ValueError(f"indicator {ind.key!r} registered twice")
        for d in ind.additive:
            if d not in ind.breakdowns:
                raise ValueError(f"{ind.key}: additive breakdown {d!r} is not supported")
        _REGISTRY[ind.key] = ind


def all_keys() -> list[str]:
    return list(_REGISTRY)


def get(key: str) -> Indicator:
    """The indicator with this key (``KeyError`` when there is none)."""
    return _REGISTRY[key]


def all_indicators() -> list[Indicator]:
    return list(_REGISTRY.values())


def for_area(area: str) -> list[Indicator]:
    return [i for i in _REGISTRY.values() if i.area == area]
