"""The indicator registry (see ``base.py`` for what an indicator is). Importing this
package registers every indicator; one module per pillar."""

from . import exchange, facilities, funding, people, registry, transfer  # noqa: F401
from .base import Dimension, Indicator, Target, TargetKind, Text, Unit

__all__ = ["Dimension", "Indicator", "Target", "TargetKind", "Text", "Unit", "registry"]
