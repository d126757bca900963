"""Builds the engine's bilingual term table, innobridge/matching/calibration/bilingual_terms.json
(run once; the JSON is committed).

Source: the same NAER 樂詞網 "高中以下" glossaries as the development set's terms
(github:siniuho/STEM_DataBase @ a574d1fe, ``database/glossaries/*.csv``; licence and
attribution in this folder's README).  **Every term of the development set is left out** —
its 900 NAER records on both splits, and any other entry with the same English or the same
(folded) Chinese — so the table never holds a pair the set measures: a term of the set can
only be matched through its parts (the words of other entries).  The English–Chinese pairs
left are aligned word by word (:func:`innobridge.matching.bilingual.align`).

    .venv/bin/python benchmarks/data/crosslingual_dev/build_lexicon.py --naer DIR
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from build import FIELDS, NAER_COMMIT, first_variant  # noqa: E402

from innobridge.matching.bilingual import LEXICON_FILE, align  # noqa: E402
from innobridge.matching.text import fold  # noqa: E402

CJK = re.compile(r"[\u3400-\u9fff]")


def naer_pairs(folder: Path, exclude: list[dict]) -> tuple[list[tuple[str, str]], int]:
    """(English lowercased, folded Chinese) pairs of every variant of every glossary entry
    not in ``exclude`` (by record, English or Chinese), and how many entries were dropped."""
    ids = {r["source_id"] for r in exclude}
    ens = {r["en"].lower() for r in exclude}
    zhs = {fold(r["zh"]) for r in exclude}
    pairs: set[tuple[str, str]] = set()
    dropped = 0
    for fname in FIELDS:
        with (folder / fname).open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["ID"] in ids:
                    dropped += 1
                    continue
                for en in re.split(r"[；;]", r["英文名稱"]):
                    en = first_variant(en).lower()
                    if not re.fullmatch(r"[a-z][a-z '\-]{1,60}", en) or en in ens:
                        continue
                    for zh in re.split(r"[；;、]", r["中文名稱"]):
                        zh = fold(first_variant(re.sub(r"\[[^\]]*\]", "", zh)))
                        if not CJK.search(zh) or re.search(r"[A-Za-z0-9]", zh) or zh in zhs:
                            continue
                        pairs.add((en, zh))
    return sorted(pairs), dropped


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--naer", required=True, help="folder with the NAER glossary CSVs")
    args = ap.parse_args()
    dev = [json.loads(line) for line in (HERE / "pairs.jsonl").open(encoding="utf-8")]
    dev = [r for r in dev if r["source"] == "naer"]
    pairs, dropped = naer_pairs(Path(args.naer), dev)
    table = align(pairs)
    LEXICON_FILE.write_text(
        json.dumps(
            {
                "source": "國家教育研究院 樂詞網 (terms.naer.edu.tw), 高中以下 glossaries, via "
                f"github:siniuho/STEM_DataBase @ {NAER_COMMIT}",
                "licence": "Open Government Data License, Taiwan, v1.0 (attribution: "
                "國家教育研究院 樂詞網 terms.naer.edu.tw)",
                "built_by": "benchmarks/data/crosslingual_dev/build_lexicon.py",
                "excluded": f"the {len(dev)} terms of the cross-lingual development set "
                f"(pairs.jsonl, both splits) and every entry sharing their English or Chinese",
                "pairs": len(pairs),
                "words": len(table),
                "table": table,
            },
            ensure_ascii=False,
            indent=0,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(pairs)} pairs ({dropped} dev records left out) -> {len(table)} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
