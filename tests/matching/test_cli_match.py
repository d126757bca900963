import json

import pytest

from innobridge.matching import cli_match

from ._fakes import FakeEmbedder


@pytest.fixture(autouse=True)
def fake_models(monkeypatch):
    import importlib

    embed_mod = importlib.import_module("innobridge.matching.embed")

    monkeypatch.setattr(embed_mod, "E5Embedder", lambda: FakeEmbedder())


def _write(path, rows):
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
        ),
        encoding="utf-8",
    )
    return str(path)


@pytest.fixture
def files(tmp_path):
    corpus = _write(
        tmp_path / "c.jsonl",
        [
            {"id": "r1", "texts": ["Quantum computing", "Superconducting qubits"], "region": "HK"},
            {"id": "r2", "text": "蛋白质折叠与分子动力学", "region": "CN"},
            {"id": 3, "text": "Graph neural networks for molecules"},
        ],
    )
    queries = _write(
        tmp_path / "q.jsonl",
        [
            {"id": "q1", "text": "superconducting qubits"},
            "",
            {"id": "q2", "text": "蛋白質摺疊", "filters": {"region": "CN"}},
            {"id": "q3", "text": "graph networks", "exclude": ["3"]},
        ],
    )
    return corpus, queries, tmp_path


def _run(capsys, *argv):
    code = cli_match.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output(files, capsys):
    corpus, queries, tmp = files
    code, out, _ = _run(
        capsys,
        "--corpus",
        corpus,
        "--queries",
        queries,
        "--top",
        "2",
        "--json",
        "--cache-dir",
        str(tmp / "cache"),
        "--no-progress",
    )
    assert code == 0
    recs = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in recs] == ["q1", "q2", "q3"]
    assert recs[0]["results"][0]["id"] == "r1"
    assert len(recs[0]["results"]) == 2
    assert recs[0]["results"][0]["score"] >= recs[0]["results"][1]["score"]
    assert set(recs[0]["results"][0]["why"]) >= {"shared_terms", "closest_text", "closest_index"}
    assert [h["id"] for h in recs[1]["results"]] == ["r2"]
    assert "3" not in [h["id"] for h in recs[2]["results"]]


def test_table_output_and_progress(files, capsys):
    corpus, queries, tmp = files
    code, out, err = _run(
        capsys,
        "--corpus",
        corpus,
        "--queries",
        queries,
        "--top",
        "1",
        "--cache-dir",
        str(tmp / "cache"),
    )
    assert code == 0
    assert out.startswith("query q1\n") and "r1" in out
    assert "queries" in err  # tqdm bar on stderr


@pytest.mark.parametrize(
    "bad,msg",
    [
        ('{"id": "a", "text": "x"}\n{"id": "b", "text": ', "line 2: invalid JSON"),
        ('{"id": "a"}\n', 'line 1: needs "text" or "texts"'),
        ('{"text": "x"}\n', 'line 1: missing or invalid "id"'),
        ('{"id": "a", "texts": "x"}\n', 'line 1: "texts" must be a list'),
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "line 2: duplicate id"),
        ("[1, 2]\n", "line 1: expected a JSON object"),
        ("\n", "no documents"),
    ],
)
def test_malformed_corpus(files, capsys, bad, msg):
    _, queries, tmp = files
    (tmp / "bad.jsonl").write_text(bad, encoding="utf-8")
    code, out, err = _run(
        capsys,
        "--corpus",
        str(tmp / "bad.jsonl"),
        "--queries",
        queries,
        "--cache-dir",
        str(tmp / "cache"),
    )
    assert code == 2 and out == ""
    assert msg in err and "Traceback" not in err


def test_bad_arguments(files, capsys):
    corpus, queries, tmp = files
    assert _run(capsys, "--corpus", corpus)[0] == 2
    assert _run(capsys, "--corpus", corpus, "--queries", str(tmp / "missing.jsonl"))[0] == 2
    assert _run(capsys, "--corpus", corpus, "--queries", queries, "--top", "0")[0] == 2
    (tmp / "q.jsonl").write_text('{"id": "q", "text": "x", "filters": 3}\n')
    code, _, err = _run(capsys, "--corpus", corpus, "--queries", queries)
    assert code == 2 and "line 1" in err
    code, out, _ = _run(capsys, "--help")
    assert code == 0 and "--json" in out


ENTITIES = [
    {"id": "r1", "texts": ["Protein structure prediction.", "Machine translation of languages."]},
    {"id": "r2", "texts": ["Protein folding and molecular dynamics.", "Superconducting qubits."]},
    {"id": "r3", "texts": ["Deep learning for machine translation. Neural networks."]},
    {"id": "r4", "texts": ["蛋白质结构预测", "机器翻译"]},
]
QUERIES = [
    "protein structure prediction with deep learning",
    "machine translation of Chinese",
    "superconducting qubits for quantum computing and protein folding",
    "蛋白质结构预测的深度学习方法",
]


def test_entity_corpus_scores_as_the_batch_affinity(tmp_path, capsys):
    """`innobridge match` on an entity corpus gives affinity_matrix's scores (both lexical
    directions over the file's queries), so a data team's batch run reproduces the engine's
    benchmark figure."""
    from innobridge.matching.affinity import DEFAULT_CONFIG, affinity_matrix
    from innobridge.matching.documents import Document

    assert DEFAULT_CONFIG.lexical_mode == "both" and DEFAULT_CONFIG.lexical_weight > 0
    corpus = _write(tmp_path / "c.jsonl", ENTITIES)
    queries = _write(
        tmp_path / "q.jsonl", [{"id": f"q{j}", "text": q} for j, q in enumerate(QUERIES)]
    )
    code, out, _ = _run(
        capsys, "--corpus", corpus, "--queries", queries, "--top", "4", "--json",
        "--no-progress", "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip
    assert code == 0
    got = {}
    for line in out.splitlines():
        rec = json.loads(line)
        assert len(rec["results"]) == 4
        for h in rec["results"]:
            got[(h["id"], rec["query"])] = h["score"]
    docs = [Document(e["id"], e["texts"]) for e in ENTITIES]
    m = affinity_matrix(docs, QUERIES, FakeEmbedder())
    for i, e in enumerate(ENTITIES):
        for j in range(len(QUERIES)):
            assert got[(e["id"], f"q{j}")] == pytest.approx(float(m[i, j]), abs=1e-6)
    # the entity→query direction matters here: the query-only search differs
    from innobridge.matching import SearchIndex

    idx = SearchIndex(FakeEmbedder())
    idx.add(docs)
    plain = {(h.id, j): h.score for j, q in enumerate(QUERIES) for h in idx.search(q, 4)}
    assert any(abs(plain[(e, j)] - got[(e, f"q{j}")]) > 1e-4 for (e, j) in plain)


def test_text_corpus_keeps_the_search_scores(tmp_path, capsys):
    """A corpus of single texts is searched as the platform's search does."""
    from innobridge.matching import SearchIndex
    from innobridge.matching.documents import Document

    rows = [{"id": e["id"], "text": " ".join(e["texts"])} for e in ENTITIES]
    corpus = _write(tmp_path / "c.jsonl", rows)
    queries = _write(tmp_path / "q.jsonl", [{"id": "q0", "text": QUERIES[0]}])
    code, out, _ = _run(
        capsys, "--corpus", corpus, "--queries", queries, "--top", "4", "--json",
        "--no-progress", "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip
    assert code == 0
    idx = SearchIndex(FakeEmbedder())
    idx.add([Document(r["id"], [r["text"]]) for r in rows])
    want = {h.id: h.score for h in idx.search(QUERIES[0], 4)}
    got = {h["id"]: h["score"] for h in json.loads(out)["results"]}
    assert got == pytest.approx(want, abs=1e-6)


def test_index_affinity_is_affinity_matrix():
    """The entity path of `innobridge match` (SearchIndex.affinity) and affinity_matrix are
    one code path: the same matrix, bit for bit, on the same units."""
    import numpy as np

    from innobridge.matching import SearchIndex
    from innobridge.matching.affinity import affinity_matrix, hybrid
    from innobridge.matching.documents import Document

    docs = [Document(e["id"], e["texts"]) for e in ENTITIES]
    idx = SearchIndex(FakeEmbedder())
    idx.add(docs)
    ids, dense, lexical = idx.affinity(QUERIES)
    assert ids == [d.id for d in docs] and lexical is not None
    assert np.array_equal(
        hybrid(dense, lexical, idx.config), affinity_matrix(docs, QUERIES, FakeEmbedder())
    )


def test_entity_corpus_filters_and_explanations(tmp_path, capsys):
    corpus = _write(
        tmp_path / "c.jsonl",
        [{**e, "region": "HK" if i % 2 else "CN"} for i, e in enumerate(ENTITIES)],
    )
    queries = _write(
        tmp_path / "q.jsonl",
        [{"id": "q0", "text": QUERIES[0], "filters": {"region": "CN"}, "exclude": ["r1"]}],
    )
    code, out, _ = _run(
        capsys, "--corpus", corpus, "--queries", queries, "--top", "5", "--json",
        "--no-progress", "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip
    assert code == 0
    hits = json.loads(out)["results"]
    assert [h["id"] for h in hits] == ["r3"]  # r1 excluded, r2 and r4 in HK
    assert hits[0]["why"]["closest_text"] == ENTITIES[2]["texts"][0]
    from innobridge.matching.affinity import DEFAULT_CONFIG

    why = hits[0]["why"]
    want = why["dense"] + DEFAULT_CONFIG.lexical_weight * why["lexical"]
    assert hits[0]["score"] == pytest.approx(want, abs=1e-5)
