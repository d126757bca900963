"""A tiny deterministic embedder for fast tests: hashed bag of folded tokens.

Like the real multilingual models it places a Chinese text near its English translation —
only for the few words of :data:`GLOSSARY` (enough for the tests' research topics) —
so that rankings in tests follow what the real model does (checked with e5), not an
artefact of a monolingual stand-in.
"""

from __future__ import annotations

import hashlib

import numpy as np

from innobridge.matching.text import tokenize

# folded (Simplified) jieba tokens → English tokens; "" drops a jieba sub-token
GLOSSARY = {
    "蛋白质": "protein",
    "蛋白": "",
    "白质": "",
    "结构": "structure",
    "预测": "prediction",
    "深度": "deep",
    "学习": "learning",
    "机器": "machine",
    "翻译": "translation",
    "机器翻译": "",
    "人工智能": "artificial intelligence",
    "人工": "",
    "智能": "",
    "神经网络": "neural network",
    "神经": "",
    "网络": "",
}


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for tok in tokenize(text):
        out.extend(GLOSSARY[tok].split() if tok in GLOSSARY else [tok])
    return out


class FakeEmbedder:
    def __init__(self, dim: int = 64) -> None:
        self.name = "fake-hash-bow-glossary"
        self.dim = dim
        self.calls: list[int] = []

    def encode(self, texts: list[str], role: str) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for tok in _tokens(t) or [t]:
                h = int.from_bytes(hashlib.md5(tok.encode()).digest()[:4], "little")
                out[i, h % self.dim] += 1.0
            out[i, -1] += 0.1
            out[i] /= np.linalg.norm(out[i])
        return out
