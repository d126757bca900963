"""InnoBridge matching engine: multilingual expertise search and affinity.

A plain Python library (no Django).  Public API:

* :class:`Document`, :class:`SearchIndex` (alias ``Engine``), :class:`Hit`,
  :class:`Explanation` — build, search, update and persist an index;
* :func:`affinity_matrix`, :class:`AffinityConfig` — batch expertise affinity;
* :class:`E5Embedder`, :class:`USEEmbedder`, :class:`EmbeddingCache`, :func:`embed`;
* :class:`VectorIndex` — exact/HNSW vector index with string ids;
* :func:`fold`, :func:`tokenize`, :func:`detect_language`, :func:`to_script` — text helpers.
"""

from .affinity import DEFAULT_CONFIG, AffinityConfig, affinity_matrix
from .documents import Document
from .embed import E5Embedder, Embedder, EmbeddingCache, LanguageCentering, USEEmbedder, embed
from .explain import Explanation, Hit
from .index import VectorIndex
from .rank import Engine, SearchIndex, matches_filters
from .text import detect_language, fold, to_script, tokenize

__all__ = [
    "DEFAULT_CONFIG",
    "AffinityConfig",
    "Document",
    "E5Embedder",
    "Embedder",
    "EmbeddingCache",
    "Engine",
    "Explanation",
    "Hit",
    "LanguageCentering",
    "SearchIndex",
    "USEEmbedder",
    "VectorIndex",
    "affinity_matrix",
    "detect_language",
    "embed",
    "fold",
    "matches_filters",
    "to_script",
    "tokenize",
]
