"""Every write of the plan app, one module per noun."""

from .measures import create_measure, delete_measure, update_measure
from .seed import load_context, seed_all, seed_measures
from .snapshots import end_of_day, take_snapshot, today_hk

__all__ = [
    "create_measure",
    "delete_measure",
    "end_of_day",
    "load_context",
    "seed_all",
    "seed_measures",
    "take_snapshot",
    "today_hk",
    "update_measure",
]
