"""Plain data types shared by the matching engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Document:
    """An entity to be found: a researcher (profile text + publications), an organisation,
    an offer, or a single text.  ``texts[0]`` is conventionally the profile/description and
    the rest its publications; ``meta`` holds filterable fields (``region``, ``organisation``,
    ``type``, ...)."""

    id: str
    texts: list[str]
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError("Document.id must be a non-empty string")
        if isinstance(self.texts, str):
            self.texts = [self.texts]
        self.texts = [t for t in (str(x) for x in self.texts) if t.strip()]
        if not self.texts:
            raise ValueError(f"Document {self.id!r} has no text")
