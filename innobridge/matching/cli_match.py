"""``innobridge match``: batch expertise search from JSON-lines files.

Input lines are ``{"id": ..., "text": ...}`` or ``{"id": ..., "texts": [...]}`` (an entity
with several documents, e.g. a researcher and their publications: the engine's affinity
aggregation over the texts applies).  Corpus lines may carry ``"region"``, ``"organisation"``
and ``"type"`` (kept as filterable metadata); query lines may carry ``"filters"`` (e.g.
``{"region": "HK"}``) and ``"exclude": [ids]``.

An entity corpus (any line with ``"texts"``) is scored by the one code path of the engine's
batch affinity (:meth:`~innobridge.matching.rank.SearchIndex.affinity`, i.e.
:func:`~innobridge.matching.affinity.affinity_parts`, what
:func:`~innobridge.matching.affinity.affinity_matrix` and reviewer assignment use): every
entity against every query of the file, the lexical part the mean of the query→entity and
entity→query BM25 directions over the file's queries (``lexical_mode="both"``).  A corpus of
single texts is searched as the platform's search does (query→entity lexical only, the
vector index's candidates, and a second model's opinion on short cross-language queries).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .threads import one_blas_thread

META_FIELDS = ("region", "organisation", "type")
BATCH = 64  # queries embedded per batch in a search

EPILOG = """output:
  default   a readable table per query: rank, id, score and the shared terms
  --json    one JSON object per query per line, best first:
            {"query": ID, "results": [{"id": ..., "score": ..., "why": {"shared_terms": [...],
             "closest_text": ..., "closest_index": N, "dense": x, "lexical": y}}, ...]}
exit codes: 0 ok, 2 bad arguments or malformed input (the file and line are named)."""


class InputError(Exception):
    pass


def _read_jsonl(path: str, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{kind} file not found: {path}")
    with p.open(encoding="utf-8") as fh:
        try:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(f"{path} line {n}: invalid JSON ({e.msg})") from None
                if not isinstance(obj, dict):
                    raise InputError(f"{path} line {n}: expected a JSON object")
                yield n, obj
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: not UTF-8 text ({e.reason})") from None


def _texts(path: str, n: int, obj: dict[str, Any]) -> tuple[str, list[str]]:
    rid = obj.get("id")
    if isinstance(rid, (int, float)) and not isinstance(rid, bool):
        rid = str(rid)
    if not isinstance(rid, str) or not rid:
        raise InputError(f'{path} line {n}: missing or invalid "id"')
    if "texts" in obj:
        texts = obj["texts"]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise InputError(f'{path} line {n}: "texts" must be a list of strings')
    elif "text" in obj:
        if not isinstance(obj["text"], str):
            raise InputError(f'{path} line {n}: "text" must be a string')
        texts = [obj["text"]]
    else:
        raise InputError(f'{path} line {n}: needs "text" or "texts"')
    texts = [t for t in texts if t.strip()]
    if not texts:
        raise InputError(f"{path} line {n}: empty text")
    return rid, texts


def is_entity_corpus(path: str) -> bool:
    """Whether any line of the corpus file is an entity with ``"texts"``."""
    return any("texts" in obj for _n, obj in _read_jsonl(path, "corpus"))


def load_corpus(path: str) -> list[Any]:
    from .documents import Document

    docs, seen = [], set()
    for n, obj in _read_jsonl(path, "corpus"):
        rid, texts = _texts(path, n, obj)
        if rid in seen:
            raise InputError(f"{path} line {n}: duplicate id {rid!r}")
        seen.add(rid)
        meta = {k: obj[k] for k in META_FIELDS if k in obj}
        docs.append(Document(rid, texts, meta))
    if not docs:
        raise InputError(f"{path}: no documents")
    return docs


def load_queries(path: str) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for n, obj in _read_jsonl(path, "queries"):
        rid, texts = _texts(path, n, obj)
        filters = obj.get("filters") or {}
        if not isinstance(filters, dict):
            raise InputError(f'{path} line {n}: "filters" must be an object')
        if "exclude" in obj:
            if not isinstance(obj["exclude"], list):
                raise InputError(f'{path} line {n}: "exclude" must be a list of ids')
            filters = {**filters, "exclude_ids": [str(x) for x in obj["exclude"]]}
        out.append((rid, "\n".join(texts), filters))
    return out


def _print_table(out: TextIO, qid: str, hits: list[Any]) -> None:
    out.write(f"query {qid}\n")
    if not hits:
        out.write("  (no results)\n")
    for r, h in enumerate(hits, start=1):
        terms = ", ".join(h.why.shared_terms[:5])
        out.write(f"  {r:>3}. {h.id:<30} {h.score:7.4f}  {terms}\n")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="innobridge match",
        description="Rank corpus entries (researchers, organisations, texts) for each query "
        "with the multilingual matching engine.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--corpus", required=True, help="JSONL of {id, text|texts[, region]}")
    ap.add_argument("--queries", required=True, help="JSONL of {id, text|texts[, filters]}")
    ap.add_argument("--top", type=int, default=10, help="results per query (default 10)")
    ap.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    ap.add_argument(
        "--model",
        choices=["e5", "use"],
        default="e5",
        help="e5: multilingual-e5-small (better, ~4 texts/s to index); "
        "use: Universal Sentence Encoder (~100 texts/s, weaker)",
    )
    ap.add_argument(
        "--cache-dir",
        default=os.environ.get("INNOBRIDGE_EMBED_CACHE")
        or str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "innobridge"),
        help="embedding cache directory (unchanged texts are never embedded twice)",
    )
    ap.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    return ap


def _emit(out: TextIO, qid: str, hits: list[Any], as_json: bool) -> None:
    if as_json:
        rec = {"query": qid, "results": [h.to_dict() for h in hits]}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    else:
        _print_table(out, qid, hits)


def _match_texts(idx: Any, queries: list[Any], args: Any, out: TextIO, show: bool) -> None:
    """A corpus of single texts: each query is a search, as the platform searches."""
    from tqdm import tqdm

    with tqdm(
        total=len(queries), desc="queries", unit="q", disable=not show, file=sys.stderr
    ) as bar:
        for i in range(0, len(queries), BATCH):
            chunk = queries[i : i + BATCH]
            one_blas_thread()  # small products, as in a search (.threads)
            qv = idx.embed_queries([q[1] for q in chunk])
            for (qid, text, filters), v in zip(chunk, qv, strict=True):
                _emit(out, qid, idx.search_vector(text, v, args.top, filters or None), args.json)
            bar.update(len(chunk))


def _match_entities(idx: Any, queries: list[Any], args: Any, out: TextIO, show: bool) -> None:
    """An entity corpus: every entity scored against the file's queries with the batch
    affinity (:meth:`~.rank.SearchIndex.affinity`, which is ``affinity_matrix``), then each
    query's best entities passing its filters, with explanations."""
    from tqdm import tqdm

    texts = [q[1] for q in queries]
    with tqdm(
        total=len(queries), desc="queries", unit="q", disable=not show, file=sys.stderr
    ) as bar:
        qunits = idx.embed_queries(texts)
        ids, dense, lexical = idx.affinity(texts, qunits)
        for j, (qid, text, filters) in enumerate(queries):
            lex = lexical[:, j] if lexical is not None else None
            hits = idx.rank_affinity(
                text, qunits[j], ids, dense[:, j], lex, args.top, filters or None
            )
            _emit(out, qid, hits, args.json)
            bar.update(1)


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.top < 1:
        print("error: --top must be at least 1", file=sys.stderr)
        return 2
    try:
        docs = load_corpus(args.corpus)
        entities = is_entity_corpus(args.corpus)
        queries = load_queries(args.queries)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from .embed import E5Embedder, USEEmbedder
    from .rank import SearchIndex

    emb = E5Embedder() if args.model == "e5" else USEEmbedder()
    idx = SearchIndex(emb, cache_dir=args.cache_dir)
    if entities:  # the batch affinity has no second opinion: do not embed its vectors
        idx.second = None
    show = not args.no_progress
    idx.add(docs, progress=show)
    out = sys.stdout
    try:
        if entities:
            _match_entities(idx, queries, args, out, show)
        else:
            _match_texts(idx, queries, args, out, show)
    except BrokenPipeError:
        return 0
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
