"""The bilingual term list (matching/bilingual.py) and its shipped table."""

import json
import sys
from pathlib import Path

import pytest

from innobridge.matching.bilingual import LEXICON_FILE, Lexicon, align, words

PAIRS = [
    ("magnetic field", "磁场"),
    ("magnetic force", "磁力"),
    ("magnetic pole", "磁极"),
    ("electric field", "电场"),
    ("electric force", "电力"),
    ("field", "场"),
]


def test_words_drop_stop_words_and_fold_plurals():
    assert words("Properties of the Cells") == ["property", "cell"]


def test_align_finds_each_words_translation_from_the_pairs():
    table = align(PAIRS)
    assert "磁" in table["magnetic"] and "电" in table["electric"]
    assert "场" in table["field"]  # also a single-word entry


def test_pair_score_counts_words_and_characters_covered():
    lex = Lexicon(align(PAIRS))
    # a term the list never held, matched by its parts
    assert lex.score("magnetic force field", "磁力场") == pytest.approx(1.0)
    assert lex.score("magnetic field", "电场") == pytest.approx(0.5 * 1 / 2 + 0.5 * 1 / 2)
    assert lex.score("magnetic field", "细胞") == 0.0
    # either way round, Traditional folded; same language gives nothing
    assert lex.score("磁場", "magnetic field") == pytest.approx(1.0)
    assert lex.score("magnetic field", "electric field") == 0.0


def test_a_chinese_query_counts_the_weaker_of_the_two_shares():
    lex = Lexicon({"biology": ["物学", "生物学"], "magnetic": ["磁"], "field": ["场"]})
    # "Biology" has its one word translated but covers 2 of 植物学's 3 characters (botany)
    assert lex.pair_shares(["biology"], "植物学") == pytest.approx((1.0, 2 / 3))
    assert lex.score("植物学", "Biology") == pytest.approx(2 / 3)  # min, not the mean 5/6
    assert lex.score("Biology", "植物学") == pytest.approx(5 / 6)  # an English query: mean
    assert lex.score("磁场", "magnetic field") == pytest.approx(1.0)


def test_the_shipped_table_is_documented():
    lex = Lexicon.load()
    assert lex is not None and len(lex.table) > 1000
    meta = json.loads(LEXICON_FILE.read_text(encoding="utf-8"))
    assert "900 terms of the cross-lingual development set" in meta["excluded"]
    assert "naer" in meta["licence"].lower() or "樂詞網" in meta["licence"]


def test_the_builder_leaves_out_the_development_terms(tmp_path):
    build_dir = Path(__file__).resolve().parents[2] / "benchmarks/data/crosslingual_dev"
    sys.path.insert(0, str(build_dir))
    try:
        from build import FIELDS
        from build_lexicon import naer_pairs
    finally:
        sys.path.remove(str(build_dir))
    header = "ID,英文名稱,中文名稱,圖片,修訂日期,更新日期\n"
    rows = [
        "1,magnetic field,磁場,,,",  # a dev record: left out by id
        "2,magnetic force,磁力,,,",
        "3,field,場；場域,,,",  # shares the dev term's Chinese? no: kept
        "4,magnetic field strength,磁場強度,,,",
        "5,Magnetic Field,磁場,,,",  # same English / Chinese as the dev term: left out
    ]
    for i, name in enumerate(FIELDS):
        (tmp_path / name).write_text(header + (("\n".join(rows) + "\n") if i == 0 else ""))
    dev = [{"source": "naer", "source_id": "1", "en": "magnetic field", "zh": "磁場"}]
    pairs, dropped = naer_pairs(tmp_path, dev)
    assert dropped == 1
    assert ("magnetic force", "磁力") in pairs and ("field", "场") in pairs
    assert ("field", "场域") in pairs and ("magnetic field strength", "磁场强度") in pairs
    assert not [p for p in pairs if p[0] == "magnetic field" or p[1] == "磁场"]
