"""Builds benchmarks/data/crosslingual_dev/pairs.jsonl (run once; the JSONL is committed).

Real English–Chinese pairs from two public sources (see README.md in this folder):

* ``term`` — scientific terms of Taiwan's National Academy for Educational Research
  (國家教育研究院 樂詞網, "高中以下" glossaries of chemistry, earth science, mathematics,
  physics, life science and computing), Traditional script, from
  github:siniuho/STEM_DataBase @ a574d1fe (``database/glossaries/*.csv``);
* ``name`` — organisation names (universities, laboratories, hospitals, funders, companies)
  of Mainland China, Hong Kong and Macau from the Research Organization Registry (ROR),
  ``../shared/data/ror/ror_cn_hk_mo.jsonl``: the English name and each Chinese label, in the
  script it is written in (Hong Kong and Macau names in Traditional, Mainland names mostly
  Simplified).

Every pair keeps its origin (``source``, ``source_id``).  The split is fixed by a hash of the
source record (both scripts of one name fall on the same side): ``tune`` (half) for
choosing the engine's settings, ``held-out`` for reporting.

    .venv/bin/python benchmarks/data/crosslingual_dev/build.py --naer DIR
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))

from innobridge.matching.text import detect_language  # noqa: E402

NAER_COMMIT = "a574d1fe6e2ae4ed27193b189daa12975ed8c339"
FIELDS = {
    "高中以下化學名詞.csv": "chemistry",
    "高中以下地球科學名詞.csv": "earth science",
    "高中以下數學名詞.csv": "mathematics",
    "高中以下物理學名詞.csv": "physics",
    "高中以下生命科學名詞.csv": "life science",
    "高中以下資訊名詞.csv": "computing",
}
TERMS_PER_FIELD = 150
NAMES_SIMPLIFIED = 600  # a fixed sample by hash; every Traditional name is kept
CJK = re.compile(r"[\u3400-\u9fff]")


def split_of(pid: str) -> str:
    return "tune" if hashlib.sha256(pid.encode()).digest()[0] % 2 == 0 else "held-out"


def first_variant(text: str) -> str:
    """The first of several variants (``；``/``;``/``,`` separated), without annotations in
    braces or brackets (``{舊譯}``, ``【口咢】``)."""
    text = re.sub(r"\{[^}]*\}|\([^)]*\)|（[^）]*）", "", text)
    text = re.split(r"[；;、]", text)[0]
    return " ".join(text.split()).strip(" ,")


def naer_terms(folder: Path) -> list[dict]:
    rows = []
    for fname, field in FIELDS.items():
        with (folder / fname).open(encoding="utf-8-sig", newline="") as fh:
            cand = []
            for r in csv.DictReader(fh):
                en, zh = first_variant(r["英文名稱"]), first_variant(r["中文名稱"])
                if "【" in zh or not re.fullmatch(r"[A-Za-z][A-Za-z '\-]{2,60}", en):
                    continue
                if len(CJK.findall(zh)) < 2 or re.search(r"[A-Za-z0-9]", zh):
                    continue
                cand.append((r["ID"], en, zh))
        # a fixed, spread sample: every k-th term of the glossary, by the hash order
        cand.sort(key=lambda c: hashlib.sha256(c[0].encode()).hexdigest())
        seen: set[str] = set()
        for sid, en, zh in cand:
            if en.lower() in seen or zh in seen:
                continue
            seen.update((en.lower(), zh))
            rows.append(
                {"id": f"naer:{sid}", "unit": "term", "script": "zh_hant", "en": en, "zh": zh,
                 "field": field, "source": "naer", "source_id": sid}
            )  # fmt: skip
            if sum(r["field"] == field for r in rows) >= TERMS_PER_FIELD:
                break
    return rows


def ror_names(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("status") != "active":
                continue
            ens = [x["value"] for x in r.get("labels", []) if x["lang"] == "en"]
            en = ens[0] if ens else re.sub(r"\s*\((China|Hong Kong|Macao|Macau)\)$", "", r["name"])
            if CJK.search(en):
                continue
            by_script: dict[str, str] = {}
            for x in r.get("labels", []):
                if x["lang"] != "zh" or not CJK.search(x["value"]):
                    continue
                script = detect_language(x["value"])
                if script in ("zh-hans", "zh-hant"):
                    by_script.setdefault(script.replace("-", "_"), x["value"].strip())
            for script, zh in sorted(by_script.items()):
                rows.append(
                    {"id": f"ror:{r['id']}:{script}", "unit": "name", "script": script,
                     "en": en, "zh": zh, "region": r["country_code"], "source": "ror",
                     "source_id": r["id"]}
                )  # fmt: skip
    keep = sorted(
        {r["source_id"] for r in rows if r["script"] == "zh_hans"},
        key=lambda s: hashlib.sha256(s.encode()).hexdigest(),
    )[:NAMES_SIMPLIFIED]
    wanted = set(keep) | {r["source_id"] for r in rows if r["script"] == "zh_hant"}
    return [r for r in rows if r["source_id"] in wanted]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--naer", required=True, help="folder with the NAER glossary CSVs")
    ror = REPO.parent / "shared" / "data" / "ror" / "ror_cn_hk_mo.jsonl"
    ap.add_argument("--ror", default=str(ror))
    args = ap.parse_args()
    rows = naer_terms(Path(args.naer)) + ror_names(Path(args.ror))
    for r in rows:
        r["split"] = split_of(f"{r['source']}:{r['source_id']}")  # one record, one split
    out = HERE / "pairs.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    from collections import Counter

    print(Counter((r["unit"], r["script"], r["split"]) for r in rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
