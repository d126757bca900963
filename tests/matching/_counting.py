"""The fake embedder, counting the texts it is asked to embed (resume tests)."""

from __future__ import annotations

import numpy as np

from tests.matching._fakes import FakeEmbedder

EMBEDDED: list[str] = []


class CountingEmbedder(FakeEmbedder):
    def encode(self, texts: list[str], role: str) -> np.ndarray:  # type: ignore[override]
        EMBEDDED.extend(texts)
        return super().encode(texts, role)  # type: ignore[arg-type]
