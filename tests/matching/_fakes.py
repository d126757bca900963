"""A tiny deterministic embedder for fast tests: hashed bag of folded tokens."""

from __future__ import annotations

import hashlib

import numpy as np

from innobridge.matching.text import tokenize


class FakeEmbedder:
    def __init__(self, dim: int = 64) -> None:
        self.name = "fake-hash-bow"
        self.dim = dim
        self.calls: list[int] = []

    def encode(self, texts: list[str], role: str) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for tok in tokenize(t) or [t]:
                h = int.from_bytes(hashlib.md5(tok.encode()).digest()[:4], "little")
                out[i, h % self.dim] += 1.0
            out[i, -1] += 0.1
            out[i] /= np.linalg.norm(out[i])
        return out
