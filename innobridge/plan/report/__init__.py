"""The quarterly report of the Joint Action Plan dashboard (PDF, three languages)."""

from .data import Quarter, gather, recent_quarters
from .render import LANGUAGES, filename, quarterly_report, render_report

__all__ = [
    "LANGUAGES",
    "Quarter",
    "filename",
    "gather",
    "quarterly_report",
    "recent_quarters",
    "render_report",
]
