"""Demo people for ``innobridge demo``: one account per role and about 150 demo
researchers across real Hong Kong and Mainland institutions (imported from ROR).

The researchers are generated (``Person.is_demo``; their biographies say so); their
publications are REAL open-data papers from ``settings.DATA_DIR``:

- ``csl``: Chinese papers (CSL benchmark; Apache-2.0) grouped by discipline;
- ``arxiv-0704``: English physics/maths/CS papers (arXiv metadata; CC0) grouped by
  primary category;
- ``acl-anthology-en``: English NLP papers (ACL Anthology; CC BY 4.0) grouped by topic;

so that each profile reads as one coherent researcher. Real titles, abstracts,
authors (shown as co-authors), DOIs, URLs and licence notes are kept.

Everything is drawn from ``random.Random(seed)``: the same seed gives the same people
and the same papers. Seeding twice adds nothing.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction

from innobridge.core.language import to_script
from innobridge.core.permissions import Role

from . import services
from .demo_papers import (
    DEMO_DISCIPLINES,
    RICH_PAPERS,
    Paper,
    Pools,
    chinese_keywords,
    english_keywords,
    load_pools,
    paper_discipline,
    publication_data,
    read_jsonl,
)
from .models import CareerStage, Organisation, Person, ResearcherProfile

DEMO_PASSWORD = "innobridge-demo"

# (role, username, label, display name, first name, last name, researcher profile?)
ROLE_ACCOUNTS: list[tuple[str, str, str, str, str, str, bool]] = [
    (
        Role.PROGRAMME_OFFICER,
        "demo-officer",
        "Programme officer",
        "何詠詩",
        "Wing-sze",
        "Ho",
        False,
    ),
    (Role.RESEARCHER, "demo-researcher", "Researcher", "陳家豪", "Ka-ho", "Chan", True),
    (Role.REVIEWER, "demo-reviewer", "Reviewer", "王晓明", "Xiaoming", "Wang", True),
    (
        Role.FACILITY_MANAGER,
        "demo-facility",
        "Facility manager",
        "梁志偉",
        "Chi-wai",
        "Leung",
        False,
    ),
    (Role.ENTERPRISE, "demo-enterprise", "Enterprise user", "林思敏", "Sze-man", "Lam", False),
    (Role.ADMINISTRATOR, "demo-admin", "Administrator", "張美玲", "Mei-ling", "Cheung", False),
]

# What ``innobridge demo`` prints: (role label, username, password). Demo only.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    (label, username, DEMO_PASSWORD) for _r, username, label, *_rest in ROLE_ACCOUNTS
]

# Real institutions by ROR id, with a Chinese name for those whose ROR record has none.
HK_INSTITUTIONS: dict[str, str] = {
    "02zhqgq86": "香港大學",
    "00t33hh48": "香港中文大學",
    "00q4vv597": "香港科技大學",
    "0030zas98": "香港理工大學",
    "03q8dnn23": "香港城市大學",
    "0145fw131": "香港浸會大學",
    "000t0f062": "香港教育大學",
    "0563pg902": "嶺南大學",
    "0349bsm71": "香港都會大學",
    "05q8mqd91": "香港科技園公司",
}
MAINLAND_INSTITUTIONS: dict[str, str] = {
    "03cve4549": "清华大学",
    "02v51f717": "北京大学",
    "013q1eq08": "复旦大学",
    "0220qvk04": "上海交通大学",
    "00a2xv884": "浙江大学",
    "04c4dkn09": "中国科学技术大学",
    "0064kty71": "中山大学",
    "049tv2d57": "南方科技大学",
    "01vy4gh70": "深圳大学",
    "0530pts50": "华南理工大学",
    "05cvf7v30": "中国科学院物理研究所",
    "0090r4d87": "中国科学院计算技术研究所",
    "04gh4er46": "中国科学院深圳先进技术研究院",
    "01rxvg760": "南京大学",
    "033vjfk17": "武汉大学",
    "01yqg2h08": "哈尔滨工业大学",
    "02xe5ns62": "暨南大学",
    "050h0vm43": "香港科技大学（广州）",
}

HK_SURNAMES = [
    ("陳", "Chan"), ("李", "Lee"), ("張", "Cheung"), ("黃", "Wong"), ("何", "Ho"),
    ("林", "Lam"), ("梁", "Leung"), ("劉", "Lau"), ("吳", "Ng"), ("鄭", "Cheng"),
    ("馮", "Fung"), ("蔡", "Choi"), ("譚", "Tam"), ("曾", "Tsang"), ("郭", "Kwok"),
    ("謝", "Tse"), ("麥", "Mak"), ("袁", "Yuen"), ("周", "Chow"), ("羅", "Law"),
]  # fmt: skip
HK_GIVEN = [
    ("家", "Ka"), ("志", "Chi"), ("偉", "Wai"), ("嘉", "Ka"), ("詠", "Wing"), ("俊", "Chun"),
    ("文", "Man"), ("慧", "Wai"), ("穎", "Wing"), ("子", "Tsz"), ("浩", "Ho"), ("欣", "Yan"),
    ("明", "Ming"), ("晴", "Ching"), ("健", "Kin"), ("樂", "Lok"), ("思", "Sze"), ("康", "Hong"),
    ("敏", "Man"), ("婷", "Ting"), ("朗", "Long"), ("恩", "Yan"), ("雅", "Nga"), ("峰", "Fung"),
]  # fmt: skip
MAINLAND_SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"),
    ("徐", "Xu"), ("孙", "Sun"), ("胡", "Hu"), ("朱", "Zhu"), ("高", "Gao"),
    ("林", "Lin"), ("何", "He"), ("郭", "Guo"), ("马", "Ma"), ("罗", "Luo"),
]  # fmt: skip
MAINLAND_GIVEN = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("磊", "lei"),
    ("强", "qiang"), ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("华", "hua"), ("晨", "chen"), ("宇", "yu"), ("浩", "hao"), ("欣", "xin"), ("婷", "ting"),
    ("思", "si"), ("雨", "yu"), ("子", "zi"), ("轩", "xuan"), ("怡", "yi"), ("博", "bo"),
]  # fmt: skip

STAGES: list[tuple[str, int, str, str]] = [
    # stage, weight, English position, Chinese position (Simplified)
    (CareerStage.SENIOR, 3, "Professor", "教授"),
    (CareerStage.MID, 3, "Associate Professor", "副教授"),
    (CareerStage.EARLY, 3, "Assistant Professor", "助理教授"),
    (CareerStage.STUDENT, 2, "PhD student", "博士研究生"),
    (CareerStage.INDUSTRY, 1, "Senior Research Scientist", "高级研究员"),
]

# The research institutes among the institutions (Chinese Academy of Sciences): their ranks
# are 研究员 / 副研究员, not professors (issue 11 §8: positions that match the organisation).
RESEARCH_INSTITUTES = frozenset({"05cvf7v30", "0090r4d87", "04gh4er46"})
INSTITUTE_POSITIONS: dict[str, tuple[str, str]] = {
    CareerStage.SENIOR: ("Research Fellow", "研究员"),
    CareerStage.MID: ("Associate Researcher", "副研究员"),
    CareerStage.EARLY: ("Postdoctoral Researcher", "博士后研究人员"),
}

# Chinese disciplines of CSL beside the English fields, for bilingual keywords and
# for the few Chinese papers of an English-publishing researcher.
FIELD_TO_DISCIPLINE = {
    "Computational Linguistics / NLP": "计算机科学与技术",
    "Computer Science": "计算机科学与技术",
    "Mathematics": "数学",
    "Statistics": "数学",
    "Physics": "物理学",
    "Condensed Matter": "材料科学与工程",
    "Astrophysics": "天文学",
    "Quantitative Biology": "生物学/生物科学与工程",
    "Quantitative Finance": "应用经济学",
}
# Demo population: (region, primary corpus, count).
POPULATION: list[tuple[str, str, int]] = [
    ("HK", "english", 52),
    ("HK", "csl", 18),
    ("CN", "csl", 60),
    ("CN", "english", 20),
]


def _name(region: str, rng: random.Random, used: set[str]) -> tuple[str, str, str]:
    """(display name in Chinese, first name, last name) in the region's forms."""
    for _attempt in range(50):
        if region == "HK":
            surname, romanised = rng.choice(HK_SURNAMES)
            a, b = rng.sample(HK_GIVEN, 2)
            display = surname + a[0] + b[0]
            first = f"{a[1]}-{b[1].lower()}"
            last = romanised
        else:
            surname, romanised = rng.choice(MAINLAND_SURNAMES)
            given = rng.sample(MAINLAND_GIVEN, rng.choice((1, 2, 2)))
            display = surname + "".join(g[0] for g in given)
            first = "".join(g[1] for g in given).capitalize()
            last = romanised
        if display not in used:
            used.add(display)
            return display, first, last
    raise RuntimeError("demo names exhausted")


def _stage(rng: random.Random) -> tuple[str, str, str]:
    choices = [s for s in STAGES for _ in range(s[1])]
    stage, _w, position_en, position_zh = rng.choice(choices)
    return stage, position_en, position_zh


def _biography(
    *,
    region: str,
    primary: str,
    display: str,
    english_name: str,
    org: Organisation | None,
    org_zh: str,
    position_en: str,
    position_zh: str,
    topics_en: list[str],
    topics_zh: list[str],
) -> tuple[str, str]:
    """A bilingual demo biography and its main language.  It says what the person works
    on, nothing else: the position and organisation are fields of their own, and that the
    person is generated is the profile's demo flag (``Person.is_demo``, shown as a badge),
    not words that the matching engine would take for expertise."""
    del position_en, position_zh, org, org_zh  # fields of the profile, not expertise
    en = f"{english_name} works on {_join(topics_en)}." if topics_en else ""
    zh = f"{display}的研究方向为{'、'.join(topics_zh)}。" if topics_zh else ""
    script = "zh-hant" if region == "HK" else "zh-hans"
    zh = to_script(zh, script)
    if primary == "en":
        return "\n\n".join(t for t in (en, zh) if t), "en"
    return "\n\n".join(t for t in (zh, en) if t), script


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _join(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _organisations(ids: Iterable[str]) -> list[Organisation]:
    found = {o.ror_id: o for o in Organisation.objects.filter(ror_id__in=list(ids))}
    return [found[i] for i in ids if i in found]


# The researcher and reviewer accounts work on a real field with real papers (the account
# is marked demo by Person.is_demo): (keywords, biography), papers by _role_papers.
ROLE_EXPERTISE: dict[str, tuple[list[str], str]] = {
    "demo-researcher": (
        ["quantum information", "quantum entanglement", "quantum computing", "量子信息"],
        "Works on quantum information: entanglement, quantum channels and quantum computing.",
    ),
    "demo-reviewer": (
        ["machine translation", "natural language processing", "机器翻译", "自然语言处理"],
        "Works on machine translation and multilingual natural language processing.",
    ),
}


def _role_papers(username: str, n: int = 6) -> list[Paper]:
    """Real papers of the role account's field: arXiv quant-ph for the researcher, ACL
    machine-translation papers for the reviewer (a fixed choice, the last ones by id so
    that the demo population, which draws from the front of shuffled pools, rarely shares
    them)."""
    data = Path(settings.DATA_DIR)
    if username == "demo-researcher":
        rows = [
            r
            for r in read_jsonl(data / "arxiv-0704" / "arxiv_0704_2000.jsonl")
            if (r.get("categories") or [""])[0] == "quant-ph"
        ]
        group, source = "quant-ph", "arxiv"
    else:
        rows = [
            r
            for r in read_jsonl(data / "acl-anthology-en" / "acl_main_2016_2021.jsonl")
            if re.search(r"\btranslation\b", r.get("title", ""), flags=re.IGNORECASE)
        ]
        group, source = "machine translation", "acl"
    rows = sorted(rows, key=lambda r: str(r["id"]))[-n:]
    return [Paper(source, group, group, r) for r in rows]


def seed_role_accounts(stdout: TextIO | None = None) -> list[Person]:
    """One demo account per role (password ``DEMO_PASSWORD``); existing ones are kept."""
    people = []
    admin = Person.objects.filter(username="demo-admin").first()
    if admin is None:
        admin = Person.objects.create_superuser(
            username="demo-admin",
            email="demo-admin@example.org",
            password=DEMO_PASSWORD,
            display_name="張美玲",
            first_name="Mei-ling",
            last_name="Cheung",
            is_demo=True,
        )
        services.assign_roles(admin, admin, [Role.ADMINISTRATOR])
    hk_org = Organisation.objects.filter(ror_id="00q4vv597").first()
    cn_org = Organisation.objects.filter(ror_id="03cve4549").first()
    for role, username, _label, display, first, last, has_profile in ROLE_ACCOUNTS:
        person = Person.objects.filter(username=username).first()
        if person is None and has_profile:
            org = hk_org if role == Role.RESEARCHER else cn_org
            profile = services.create_researcher(
                "demo",
                username=username,
                email=f"{username}@example.org",
                password=DEMO_PASSWORD,
                display_name=display,
                first_name=first,
                last_name=last,
                organisation=org,
                region=org.region if org else ("HK" if role == Role.RESEARCHER else "CN"),
                career_stage=CareerStage.MID,
                position="Associate Professor",
                keywords=ROLE_EXPERTISE[username][0],
                biography=ROLE_EXPERTISE[username][1],
                biography_language="en",
                is_demo=True,
                roles=tuple(dict.fromkeys((Role.RESEARCHER, role))),
            )
            person = profile.person
            papers = _role_papers(username)
            if papers:
                services.add_publications("demo", profile, [publication_data(p) for p in papers])
        elif person is None:
            person = Person.objects.create_user(
                username=username,
                email=f"{username}@example.org",
                password=DEMO_PASSWORD,
                display_name=display,
                first_name=first,
                last_name=last,
                is_demo=True,
            )
            services.assign_roles(admin, person, [role])
        people.append(person)
    if stdout is not None:
        stdout.write(f"  {len(people)} demo role accounts\n")
    return people


def seed_researchers(
    stdout: TextIO | None = None,
    *,
    seed: int = 2026,
    scale: float = 1.0,
    data_dir: Path | None = None,
) -> int:
    """About 150 × ``scale`` demo researchers with real papers; returns how many were
    created (0 when they are already there)."""
    if Person.objects.filter(username=_researcher_username(1)).exists():
        if stdout is not None:
            stdout.write("  demo researchers already there: nothing added\n")
        return 0
    rng = random.Random(seed)
    pools = load_pools(data_dir or Path(settings.DATA_DIR), rng)
    used_names: set[str] = set()
    with transaction.atomic():  # all or nothing, so a re-run after a failure starts clean
        created, papers_added = _seed_population(rng, pools, used_names, scale)
    if stdout is not None:
        stdout.write(f"  {created} demo researchers, {papers_added} real publications\n")
    return created


def _researcher_username(number: int) -> str:
    return f"demo-{number:03d}"


def _seed_population(
    rng: random.Random, pools: Pools, used_names: set[str], scale: float
) -> tuple[int, int]:
    """The demo researchers: at full scale first one *anchor* per discipline and side
    (:data:`DEMO_DISCIPLINES`, at least ``RICH_PAPERS`` real papers each), then the rest
    of :data:`POPULATION` drawn at random."""
    orgs = {"HK": _organisations(HK_INSTITUTIONS), "CN": _organisations(MAINLAND_INSTITUTIONS)}
    draws: list[tuple[str, Draw]] = []
    budget = {(region, corpus): count for region, corpus, count in POPULATION}
    if scale >= 1:
        for discipline in DEMO_DISCIPLINES:
            for region in ("HK", "CN"):
                draw = _draw_anchor(pools, region, discipline, rng)
                if draw is not None:
                    draws.append((region, draw))
                    corpus = "csl" if draw[3] == "zh" else "english"
                    budget[(region, corpus)] = max(0, budget[(region, corpus)] - 1)
    for region, corpus, _count in POPULATION:
        for _i in range(max(1, round(budget[(region, corpus)] * scale))):
            draws.append((region, _draw_papers(pools, region, corpus, rng)))
    created = papers_added = 0
    for number, (region, draw) in enumerate(draws, start=1):
        added = _create_researcher(number, region, draw, orgs[region], rng, used_names)
        if added is not None:
            created += 1
            papers_added += added
    return created, papers_added


# (papers, English topics, Chinese topics, main language of the profile)
Draw = tuple[list[Paper], list[str], list[str], str]


def _create_researcher(
    number: int,
    region: str,
    draw: Draw,
    orgs: list[Organisation],
    rng: random.Random,
    used_names: set[str],
) -> int | None:
    """One demo researcher with the drawn papers; the number of papers added (None: no
    papers were left to draw)."""
    papers, topics_en, topics_zh, primary = draw
    if not papers:
        return None
    display, first, last = _name(region, rng, used_names)
    stage, position_en, position_zh = _stage(rng)
    org = rng.choice(orgs) if orgs else None
    if org is not None and org.ror_id == "05q8mqd91":  # HKSTP: an industry lab
        stage, position_en, position_zh = STAGES[-1][0], STAGES[-1][2], STAGES[-1][3]
    elif org is not None and org.ror_id in RESEARCH_INSTITUTES:
        # a Chinese Academy of Sciences institute has research ranks, not professors
        position_en, position_zh = INSTITUTE_POSITIONS.get(stage, (position_en, position_zh))
    org_zh = (
        HK_INSTITUTIONS.get(org.ror_id or "")
        or MAINLAND_INSTITUTIONS.get(org.ror_id or "")
        or org.name_zh
        if org
        else ""
    )
    english_name = f"{first} {last}" if region == "CN" else f"{last} {first}"
    biography, bio_language = _biography(
        region=region,
        primary=primary,
        display=display,
        english_name=english_name,
        org=org,
        org_zh=org_zh,
        position_en=position_en,
        position_zh=position_zh,
        topics_en=topics_en,
        topics_zh=topics_zh,
    )
    keywords = list(dict.fromkeys([*topics_en, *topics_zh]))[:12]
    profile = services.create_researcher(
        "demo",
        username=_researcher_username(number),
        email=f"{_researcher_username(number)}@example.org",
        password=None,
        display_name=display,
        first_name=first,
        last_name=last,
        organisation=org,
        region=org.region if org else region,
        career_stage=stage,
        position=position_en,
        keywords=keywords,
        biography=biography,
        biography_language=bio_language,
        is_demo=True,
    )
    result = services.add_publications("demo", profile, [publication_data(p) for p in papers])
    return result.created


def _draw_anchor(pools: Pools, region: str, discipline: str, rng: random.Random) -> Draw | None:
    """A researcher of ``discipline`` with at least ``RICH_PAPERS`` real papers with
    abstracts from one pool: in English first in Hong Kong, in Chinese first on the
    Mainland (each side's usual language of publication), else the other."""
    english = [
        k
        for k in pools.keys_with("arxiv", RICH_PAPERS) + pools.keys_with("acl", RICH_PAPERS)
        if paper_discipline(pools.groups[k][0]) == discipline
    ]
    chinese = pools.keys_with("csl", RICH_PAPERS) if ("csl", discipline) in pools.groups else []
    chinese = [k for k in chinese if k[1] == discipline]
    for keys in (english, chinese) if region == "HK" else (chinese, english):
        if keys:
            key = rng.choice(sorted(keys))
            return _draw_from(pools, key, region, rng, RICH_PAPERS)
    return None


def _draw_papers(pools: Pools, region: str, corpus: str, rng: random.Random) -> Draw:
    """Papers for one researcher, their English and Chinese topics, and the main
    language of the profile."""
    if corpus == "csl":
        keys = pools.keys_with("csl", 3)
        if not keys:
            return [], [], [], "zh"
        return _draw_from(pools, rng.choice(keys), region, rng, 4)
    source = "acl" if rng.random() < 0.45 else "arxiv"
    keys = pools.keys_with(source, 4) or pools.keys_with("arxiv" if source == "acl" else "acl", 4)
    if not keys:
        return [], [], [], "en"
    return _draw_from(pools, rng.choice(keys), region, rng, 4)


def _draw_from(
    pools: Pools, key: tuple[str, str], region: str, rng: random.Random, least: int
) -> Draw:
    papers = pools.take(key, rng.randint(least, 8))
    if key[0] == "csl":
        discipline = key[1]
        topics_zh = [discipline.split("/")[0], *chinese_keywords(papers, 4)]
        topics_en = [papers[0].label] if papers and papers[0].label else []
        return papers, topics_en, topics_zh, "zh"
    field_name = papers[0].record.get("field", "") if papers else ""
    if key[0] == "acl":
        topics_en = [key[1], *english_keywords(papers, 3)]
    else:
        topics_en = [field_name, key[1], *english_keywords(papers, 3)]
    discipline = next((d for f, d in FIELD_TO_DISCIPLINE.items() if field_name.startswith(f)), "")
    topics_zh = [discipline.split("/")[0]] if discipline else []
    # Some Hong Kong researchers also publish in Chinese, in their own discipline.
    if discipline and region == "HK" and rng.random() < 0.35:
        papers += pools.take(("csl", discipline), rng.randint(1, 2))
    return papers, [t for t in topics_en if t], topics_zh, "en"


def seed(stdout: TextIO, *, seed: int = 2026) -> None:
    """The ``innobridge demo`` seeder: role accounts, then the demo researchers
    (``INNOBRIDGE_DEMO_SCALE=0.1`` makes a tenth of them, for quick checks)."""
    seed_role_accounts(stdout)
    seed_researchers(stdout, seed=seed, scale=float(os.environ.get("INNOBRIDGE_DEMO_SCALE", "1")))


__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "ROLE_ACCOUNTS",
    "seed",
    "seed_researchers",
    "seed_role_accounts",
]


def prepare(stdout: TextIO, *, background: bool) -> None:
    """Build the researcher search index (partner search, reviewer matching).

    Embedding every demo researcher's papers with the multilingual model takes a few
    minutes on a small machine the first time (then the embedding cache in ``var/``
    makes it instant). When the demo is about to serve, the build runs in a background
    thread: the site is up at once and partner search answers from the researchers
    indexed so far, saying how far the build has got."""
    from . import matching

    if matching.index_is_current():
        stdout.write("  researcher index is up to date")
        return
    if background:
        matching.rebuild_in_background()
        stdout.write("  building the researcher index in the background")
    else:
        n = matching.rebuild(progress=True)
        stdout.write(f"  researcher index built: {n} researchers")


def demo_profiles() -> Any:
    """The demo researchers (for tests and the operator)."""
    return ResearcherProfile.objects.filter(person__is_demo=True).order_by("pk")
