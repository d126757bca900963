"""Builds benchmarks/data/crosslingual_dev/pairs_debref.jsonl (run once; the JSONL is committed).

Real English–Chinese pairs of technical **titles, sentences and paragraphs** from the
*Debian Reference* (Osamu Aoki et al., GPL-2+), in the English original and its two
human translations, Simplified (zh-cn) and Traditional (zh-tw, a Taiwan translation), as
Debian ships them in the packages ``debian-reference-en``, ``debian-reference-zh-cn`` and
``debian-reference-zh-tw`` (version 2.100).  The translations are made with po4a from the
same DocBook source, so the HTML of the three languages has the same structure: section
headings carry the same anchor ids and the paragraphs (``<p>``) of a chapter come in the
same order; a chapter whose paragraph counts differ between the languages is skipped.

* ``title`` — a section heading (numbering removed);
* ``sentence`` — a paragraph whose English is one sentence;
* ``paragraph`` — a paragraph of two or more English sentences (at most 600 characters).

A pair is kept only if it was translated (the Chinese has at least 40 % CJK characters
among its letters and differs from the English) and the English has at least 3 words
and no CJK.  Paragraph pairs are a fixed sample (by hash of their id).  The split is fixed
by a hash of the source record (both scripts of one heading or paragraph fall on the same
side), as in ``build.py``.

    apt-get download debian-reference-en debian-reference-zh-cn debian-reference-zh-tw
    for f in debian-reference-*.deb; do dpkg-deb -x "$f" x; done
    .venv/bin/python benchmarks/data/crosslingual_dev/build_debref.py --root x
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))

from innobridge.matching.text import sentences  # noqa: E402

VERSION = "2.100"
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
HEADING = re.compile(r'<h([1-4]) class="title"><a id="([^"]+)"/>(.*?)</h\1>', re.S)
PARA = re.compile(r"<p>(.*?)</p>", re.S)
NUMBER = re.compile(r"^\s*(Chapter|Appendix|章|附錄|附录|第)?\s*[\dA-Z]+(\.\d+)*\.?\s*(章)?\s*")
SCRIPTS = {"zh-cn": "zh_hans", "zh-tw": "zh_hant"}
CAPS = {"sentence": 250, "paragraph": 120}  # per script pair; titles are all kept


def split_of(pid: str) -> str:
    return "tune" if hashlib.sha256(pid.encode()).digest()[0] % 2 == 0 else "held-out"


def clean(fragment: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return re.sub(r"\s+", " ", text).strip()


def translated(en: str, zh: str) -> bool:
    cjk, latin = len(CJK.findall(zh)), len(LATIN.findall(zh))
    return (
        zh != en
        and cjk >= 2
        and cjk / max(1, cjk + latin) >= 0.4
        and not CJK.search(en)
        and len(en.split()) >= 3
    )


def chapter(root: Path, name: str, lang: str) -> tuple[dict[str, str], list[str]]:
    s = (root / "usr/share/debian-reference" / f"{name}.{lang}.html").read_text(encoding="utf-8")
    heads = {aid: NUMBER.sub("", clean(t)) for _lvl, aid, t in HEADING.findall(s)}
    return heads, [clean(p) for p in PARA.findall(s)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", required=True, help="where the three .deb packages were unpacked")
    ap.add_argument("--out", default=str(HERE / "pairs_debref.jsonl"))
    args = ap.parse_args(argv)
    root = Path(args.root)
    names = sorted(
        p.name.split(".")[0] for p in (root / "usr/share/debian-reference").glob("*.en.html")
    )
    rows: list[dict] = []
    skipped = []
    for name in names:
        en_heads, en_paras = chapter(root, name, "en")
        for lang, script in SCRIPTS.items():
            zh_heads, zh_paras = chapter(root, name, lang)
            for aid, en in en_heads.items():
                zh = zh_heads.get(aid)
                if zh and translated(en, zh):
                    rows.append({"sid": f"{name}#{aid}", "unit": "title", "script": script,
                                 "en": en, "zh": zh})  # fmt: skip
            if len(zh_paras) != len(en_paras):
                skipped.append(f"{name}.{lang}")
                continue
            for k, (en, zh) in enumerate(zip(en_paras, zh_paras, strict=True)):
                if not translated(en, zh) or len(en) > 600:
                    continue
                unit = "sentence" if len(sentences(en)) == 1 else "paragraph"
                rows.append({"sid": f"{name}:p{k}", "unit": unit, "script": script,
                             "en": en, "zh": zh})  # fmt: skip
    # one English text answers one record: drop records whose English repeats another's
    first: dict[str, str] = {}
    for r in rows:
        first.setdefault(r["en"], r["sid"])
    rows = [r for r in rows if first[r["en"]] == r["sid"]]
    keep: set[str] = set()
    for unit, cap in CAPS.items():
        sids = sorted(
            {r["sid"] for r in rows if r["unit"] == unit},
            key=lambda s: hashlib.sha256(s.encode()).hexdigest(),
        )
        keep.update(sids[:cap])
    out = []
    for r in rows:
        if r["unit"] != "title" and r["sid"] not in keep:
            continue
        out.append(
            {
                "id": f"debref:{r['sid']}:{r['script']}",
                "unit": r["unit"],
                "script": r["script"],
                "en": r["en"],
                "zh": r["zh"],
                "source": "debref",
                "source_id": r["sid"],
                "split": split_of(f"debref:{r['sid']}"),
                "field": "computing (Debian Reference)",
            }
        )
    with Path(args.out).open("w", encoding="utf-8") as fh:
        for r in out:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for r in out:
        k = f"{r['unit']} {r['script']} {r['split']}"
        counts[k] = counts.get(k, 0) + 1
    print(len(out), "pairs; skipped chapters:", skipped)
    for k in sorted(counts):
        print(k, counts[k])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
