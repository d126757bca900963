"""Matching through the adapter: cross-language ranking with explanations, filters,
experts through people's researcher index, pushed matches (in-app, digest at most once,
in the recipient's language, preferences), pass reasons aggregated."""

from __future__ import annotations

from typing import Any

from django.core import mail

from innobridge.transfer import matching
from innobridge.transfer.models import MatchNotice, SuggestedMatch
from innobridge.transfer.selectors import pass_reasons
from innobridge.transfer.services import pass_offer, send_digests
from innobridge.transfer.services.matches import set_preferences

PROTEIN = {
    "title": "Deep learning protein structure prediction",
    "summary": "A neural network that predicts protein structure from sequence.",
    "problem": "Protein structure prediction is slow and costly.",
    "keywords": ["protein", "structure", "prediction"],
    "sectors": ["biomedicine"],
}
DEMAND_ZH = {
    "title": "蛋白质结构预测",
    "problem": "我们需要用深度学习做蛋白质结构预测。",
    "current_solution": "人工实验",
    "target_spec": "预测准确率",
    "sector": "biomedicine",
}


def test_simplified_chinese_demand_finds_english_offer(make_offer: Any, make_demand: Any) -> None:
    solar = make_offer()
    protein = make_offer(**PROTEIN)
    demand = make_demand(**DEMAND_ZH)
    hits = matching.offers_for_demand(demand, language="zh-hans")
    assert hits[0].id == protein.pk
    assert hits[0].closest_text
    assert solar.pk not in [h.id for h in hits][:1]
    # filters: a TRL range that excludes it, a sector it lacks
    assert protein.pk not in [h.id for h in matching.offers_for_demand(demand, trl_min=7)]
    assert protein.pk not in [h.id for h in matching.offers_for_demand(demand, sector="energy")]
    # the reverse: the offer finds the Chinese demand
    assert matching.demands_for_offer(protein)[0].id == demand.pk


def test_experts_come_from_people_index(make_demand: Any, hku: Any) -> None:
    from innobridge.people.services import create_researcher

    r = create_researcher(
        None, username="prot", display_name="Prot", organisation=hku,
        keywords=["protein structure prediction", "deep learning"],
        biography="Protein structure prediction with deep learning.",
    )  # fmt: skip
    create_researcher(
        None, username="poet", display_name="Poet", organisation=hku, keywords=["poetry"],
        biography="Tang poetry and calligraphy.",
    )  # fmt: skip
    demand = make_demand(**DEMAND_ZH)
    experts = matching.experts_for_demand(demand)
    assert experts and experts[0].profile_id == r.pk


def test_pushed_matches_reach_both_sides_once_in_their_language(
    make_offer: Any, make_demand: Any, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        offer = make_offer(**PROTEIN)
    with django_capture_on_commit_callbacks(execute=True):
        demand = make_demand(**DEMAND_ZH)  # publishing triggers the background match
    m = SuggestedMatch.objects.get(offer=offer, demand=demand)
    recipients = set(MatchNotice.objects.filter(match=m).values_list("recipient__username", "side"))
    assert recipients == {("tina", "offer"), ("eric", "demand")}
    set_preferences(people["tto"], in_app=True, daily_digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["eric@example.org"]
    assert "新的技术匹配" in mail.outbox[0].subject or "匹配" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0  # each match at most once
    assert len(mail.outbox) == 1


def test_pass_reasons_are_aggregated_never_who(make_offer: Any, people: Any) -> None:
    offer = make_offer()
    pass_offer(people["ent"], offer, reason="too_early")
    pass_offer(people["ent2"], offer, reason="too_early")
    pass_offer(people["stranger"], offer, reason="other", other_text="price")
    counts = dict(pass_reasons(offer))
    assert counts["Too early stage"] == 2 and counts["Other"] == 1
    assert all(isinstance(k, str) and "eric" not in k for k in counts)


def test_only_strong_matches_are_pushed(
    make_offer: Any, make_demand: Any, people: Any, monkeypatch: Any
) -> None:
    """A push needs the engine's calibrated "strong" level (issue 13's uncalibrated 0.78
    is gone): a possible match is shown when searched, never pushed."""
    from innobridge.matching import levels
    from innobridge.transfer.services.matches import find_matches_for_demand

    offer = make_offer(**PROTEIN)
    demand = make_demand(**DEMAND_ZH)
    SuggestedMatch.objects.all().delete()
    hits = matching.offers_for_demand(demand)
    top = next(h for h in hits if h.id == offer.pk)
    kind = levels.query_kind(matching.demand_query(demand))
    assert top.level == levels.level(top.score, kind)
    # the same score, a strict strong level: possible, not pushed
    strict = levels.Thresholds(strong=top.score + 0.01, possible=top.score - 0.01)
    monkeypatch.setitem(levels.THRESHOLDS, kind, strict)
    assert matching.offers_for_demand(demand)[0].level == "possible"
    assert find_matches_for_demand(demand) == []
    assert not SuggestedMatch.objects.filter(demand=demand).exists()
    monkeypatch.setitem(levels.THRESHOLDS, kind, levels.Thresholds(top.score, 0.1))
    assert [m.offer_id for m in find_matches_for_demand(demand)] == [offer.pk]


def test_fusion_reorders_only_the_querys_language_and_keeps_engine_scores() -> None:
    from innobridge.transfer.matching import Fusion, Lexical, fuse

    ids = ["a", "b", "c", "d"]
    scores = [0.9, 0.8, 0.7, 0.6]
    every = set(ids)
    d_first = Lexical({"d": 1}, {"d": 1.0}, every)
    # the engine's own order when fusion is off
    assert fuse(ids, scores, d_first, Fusion("engine")) == [0, 1, 2, 3]
    # BM25's first ("d", engine's 4th) rises: by score only with enough lexical weight
    assert fuse(ids, scores, d_first, Fusion("scores", lexical_weight=0.5))[0] == 3
    assert fuse(ids, scores, d_first, Fusion("scores", lexical_weight=0.2)) == [0, 1, 3, 2]
    # by reciprocal ranks, with a small k it overtakes the engine's first
    assert fuse(ids, scores, d_first, Fusion("rrf", k=1.0, lexical_share=1.0))[0] == 3
    # "a" and "c" are in another language than the query: they keep the engine's places
    other = Lexical({"d": 1}, {"d": 1.0}, {"b", "d"})
    for method in ("rrf", "scores"):
        order = fuse(ids, scores, other, Fusion(method, 0.5, k=1.0, lexical_share=1.0))
        assert [ids[i] for i in order] == ["a", "d", "c", "b"]
    # without any BM25 evidence the engine's order stands
    assert fuse(ids, scores, Lexical({}, {}, every), Fusion("scores")) == [0, 1, 2, 3]


def test_lexical_evidence_is_gated_normalised_and_kept_per_index(make_offer: Any) -> None:
    from innobridge.transfer.matching import (
        FUSION,
        index_lexical,
        lexical_evidence,
        listing_lexical,
    )

    make_offer()
    protein = make_offer(**PROTEIN)
    index = matching._index("offers")
    lex = index_lexical(index)
    assert index_lexical(index) is lex  # kept while the documents stay
    assert (lex.k1, lex.b) == (FUSION.k1, FUSION.b)
    ev = lexical_evidence(lex, "protein structure prediction")
    assert ev.ranks[str(protein.pk)] == 1 and ev.scores[str(protein.pk)] == 1.0
    assert all(0 < v <= 1.0 for v in ev.scores.values())
    # the benchmark's BM25 over the same documents is the same BM25
    again = lexical_evidence(listing_lexical(index.docs.values()), "protein structure prediction")
    assert again == ev
    # a Chinese query is scored only against listings in Chinese (none here)
    assert lexical_evidence(lex, "蛋白质结构预测").ranks == {}
    # a changed index gets a new BM25
    other = make_offer(title="Protein assay kit", summary="A protein assay.")
    index.add([matching.offer_document(other)])
    assert index_lexical(index) is not lex
    assert str(other.pk) in lexical_evidence(index_lexical(index), "protein assay").ranks


def test_the_adapters_bm25_ignores_claim_boilerplate(make_offer: Any) -> None:
    """Claim words ("wherein", "comprising", "said", "plurality", …) name no technology:
    the adapter's BM25 (what ``rank`` fuses) leaves them out of listings and queries."""
    from innobridge.transfer.matching import (
        CLAIM_WORDS,
        FUSION,
        Fusion,
        index_lexical,
        lexical_evidence,
        listing_lexical,
    )

    assert FUSION.stop_words == CLAIM_WORDS
    claim = make_offer(
        title="A sensor wherein said plurality",
        summary="The method of claim 1, comprising a plurality thereof, wherein said graphene.",
    )
    other = make_offer(title="Perovskite solar cell", summary="A flexible perovskite cell.")
    index = matching._index("offers")
    lex = index_lexical(index)
    assert not set(CLAIM_WORDS) & set(lex.tokens(str(claim.pk)))
    assert "graphene" in lex.tokens(str(claim.pk))
    # boilerplate alone is no evidence; without the stop words it was
    boiler = "wherein said plurality, comprising"
    assert lexical_evidence(lex, boiler).ranks == {}
    plain = index_lexical(index, Fusion())
    assert str(claim.pk) in lexical_evidence(plain, boiler, Fusion()).ranks
    # a claim query's evidence comes from its technical words only
    query = "A cell comprising perovskite, wherein said cell is flexible"
    ev = lexical_evidence(lex, query)
    assert ev.ranks[str(other.pk)] == 1
    # the benchmark's BM25 over the same listings drops the same words
    assert lexical_evidence(listing_lexical(index.docs.values()), query) == ev


def test_rank_orders_by_fusion_but_grades_by_the_engines_score(
    make_offer: Any, make_demand: Any
) -> None:
    from innobridge.matching.levels import level, query_kind

    make_offer()
    make_offer(**PROTEIN)
    demand = make_demand(**DEMAND_ZH)
    hits = matching.offers_for_demand(demand, language="zh-hans")
    kind = query_kind(matching.demand_query(demand))
    assert hits and all(h.level == level(h.score, kind) for h in hits)


def test_rank_many_orders_as_rank_does(make_offer: Any, make_demand: Any) -> None:
    from innobridge.transfer.matching import FUSION, Fusion, rank_many

    make_offer()
    make_offer(**PROTEIN)
    make_offer(title="Protein folding on a chip", summary="Microfluidic protein folding assay.")
    demand = make_demand(**{**DEMAND_ZH, "title": "protein structure prediction chip"})
    index = matching._index("offers")
    query = matching.demand_query(demand)
    fused, engine = rank_many(index, [query], top_k=5, fusions=(FUSION, Fusion("engine")))
    assert [int(i) for i, _ in fused[0]] == [m.id for m in matching.rank(index, query, top_k=5)]
    assert sorted(fused[0]) == sorted(engine[0])  # the same hits, maybe in another order
    assert [s for _, s in engine[0]] == sorted((s for _, s in engine[0]), reverse=True)


def test_listing_text_drops_claim_numbers_and_claim_references_only() -> None:
    from innobridge.transfer.matching import listing_document, listing_text

    assert listing_text("1. A method of claim 3, comprising: a sensor.") == (
        "A method, comprising: a sensor."
    )
    assert listing_text("12) An isolated polypeptide according to any one of claims 1-3.") == (
        "An isolated polypeptide."
    )
    assert listing_text("1、一种锂电池正极材料") == "一种锂电池正极材料"
    # not claim language: unchanged (a number that starts a text, a mid-text "1.")
    for text in ("3.5 GHz antenna array", "Deep learning. 1. Results", "The device of claim 1"):
        assert listing_text(text) == text
    # a listing's every text passes through it; the engine never sees a lone "1." sentence
    doc = listing_document("p", "", "1. A solar cell, comprising a perovskite layer.")
    assert doc.texts == ["A solar cell, comprising a perovskite layer."]


def test_a_claim_reaches_the_engine_without_a_numbers_only_sentence() -> None:
    """The engine cuts "1. A ..." into the sentences "1." and "A ...": as a query the "1."
    is half of the dense score and lands closest to any stored sentence of bare numbers (a
    paper's "59, 5506–5520 (2020)."); on Pap2Pat's first claims one such paper was the
    engine's first hit for 821 of 900 patents. Through the adapter it is gone."""
    from innobridge.matching.affinity import split_units
    from innobridge.transfer.matching import listing_document, listing_text

    claim = "1. A method of predicting protein structure, wherein a neural network is used."
    raw, _ = split_units([claim], "sentence")
    assert raw[0] == "1."  # what the engine alone would embed as a sentence
    units, _ = split_units([listing_text(claim)], "sentence")
    assert units == ["A method of predicting protein structure, wherein a neural network is used."]
    units, _ = split_units(listing_document("p", "", claim).texts, "sentence")
    assert not any(u.strip(" .0123456789") == "" for u in units)


def test_the_pages_order_matches_with_the_measured_adapter(
    make_offer: Any, make_demand: Any, people: Any, monkeypatch: Any
) -> None:
    """The demand page, the enterprise's matches page and the offer page list what
    ``matching.rank`` returns, in its order: the fusion benchmarks/transfer.py measures
    (:func:`matching.fuse`). A fuse that reverses its order reverses the pages' lists."""
    from django.test import Client
    from django.urls import reverse

    offers = [
        make_offer(**PROTEIN),
        make_offer(title="Protein folding on a chip", summary="Microfluidic protein folding."),
        make_offer(title="Protein structure assay", summary="A protein structure assay kit."),
    ]
    demand = make_demand(**DEMAND_ZH)
    real = matching.fuse
    calls: list[int] = []

    def reversed_fuse(*args: Any, **kwargs: Any) -> list[int]:
        calls.append(1)
        return real(*args, **kwargs)[::-1]

    def order_in(html: str, marks: dict[int, str]) -> list[int]:
        found = {pk: html.find(mark) for pk, mark in marks.items() if mark in html}
        return sorted(found, key=found.__getitem__)

    c = Client()
    c.force_login(people["ent"])
    marks = {o.pk: f'data-testid="offer-{o.pk}"' for o in offers}
    pages = (reverse("transfer:demand", args=[demand.pk]), reverse("transfer:matches"))
    wants = []
    for flip in (False, True):
        if flip:
            monkeypatch.setattr(matching, "fuse", reversed_fuse)
        want = [m.id for m in matching.offers_for_demand(demand, top_k=15)]
        assert sorted(want) == sorted(o.pk for o in offers)
        wants.append(want)
        for url in pages:
            html = c.get(url).content.decode()
            assert order_in(html, marks) == want, (url, flip)
    assert wants[1] == wants[0][::-1]
    # the offer page's matching demands come from the same path
    before = len(calls)
    tto = Client()
    tto.force_login(people["tto"])
    html = tto.get(offers[0].get_absolute_url()).content.decode()
    assert demand.get_absolute_url() in html.split('data-testid="demand-matches"')[1]
    assert len(calls) > before


def test_the_fusions_hubness_is_the_engines_under_its_settings() -> None:
    """The adapter's hubness is the engine's statistic with the fusion's ``hub_k``,
    ``hub_depth`` and ``hub_min_reference``; none when the fusion makes no correction."""
    from innobridge.matching.hubness import hubness_from_hits
    from innobridge.transfer.matching import FUSION, Fusion, fusion_hubness

    f = Fusion(hub_weight=1.0, hub_k=2, hub_depth=2, hub_min_reference=3)
    searches = [[("hub", 0.9), ("a", 0.5), ("deep", 0.1)], [("hub", 0.8)], [("a", 0.3)]]
    hub = fusion_hubness(searches, f)
    assert hub == hubness_from_hits(searches, k=2, depth=2, min_reference=3)
    assert hub is not None and hub.of("hub") == (0.9 + 0.8) / 2 and hub.of("deep") == hub.floor
    assert fusion_hubness(searches[:2], f) is None  # too few reference texts
    assert fusion_hubness(searches, Fusion(hub_min_reference=3)) is None  # weight 0
    assert fusion_hubness(searches, Fusion("rrf", hub_weight=1.0, hub_min_reference=3)) is None
    assert FUSION.hub_weight > 0 and FUSION.method == "scores"


def test_fusion_lowers_a_listing_near_every_reference_text() -> None:
    """The hubness correction: a listing that every text of the other side finds (an
    abstract among claims) loses its place to one only this query finds."""
    from innobridge.matching.hubness import Hubness
    from innobridge.transfer.matching import Fusion, Lexical, fuse

    ids, scores = ["hub", "mine", "c"], [0.90, 0.86, 0.30]
    none = Lexical({}, {}, set(ids))
    hub = Hubness({"hub": 0.85, "mine": 0.70}, floor=0.40, n_reference=50)
    f = Fusion(hub_weight=1.25)
    assert fuse(ids, scores, none, f) == [0, 1, 2]  # no hubness known: the engine's order
    assert fuse(ids, scores, none, f, hub) == [1, 0, 2]
    assert fuse(ids, scores, none, Fusion(), hub) == [0, 1, 2]  # weight 0: off
    assert fuse(ids, scores, none, Fusion("engine", hub_weight=1.25), hub) == [0, 1, 2]
    # another language's listing keeps its place
    other = Lexical({}, {}, {"mine", "c"})
    assert fuse(ids, scores, other, f, hub) == [0, 1, 2]


def test_the_offer_index_keeps_its_hubness_against_the_published_demands(
    make_offer: Any, make_demand: Any, monkeypatch: Any
) -> None:
    """The offers' hubness comes from the published demands (each searched as the query it
    sends), is refreshed when a demand is published, and ``rank`` applies it; with fewer
    demands than ``hub_min_reference`` there is none."""
    from innobridge.transfer.matching import (
        FUSION,
        demand_query,
        index_hubness,
        listing_hubness,
    )

    make_offer()
    make_offer(**PROTEIN)
    demands = [
        make_demand(**{**DEMAND_ZH, "title": f"蛋白质结构预测 {i}"})
        for i in range(FUSION.hub_min_reference - 1)
    ]
    index = matching._index("offers")
    assert index_hubness(index) is None
    demands.append(make_demand(title="Perovskite solar cell that stays efficient"))
    assert matching._index("offers") is index  # the offers did not change …
    hub = index_hubness(index)  # … but their reference did
    assert hub is not None and hub.n_reference == FUSION.hub_min_reference
    again = listing_hubness(index, [demand_query(d) for d in demands])
    assert again is not None and again.mean == hub.mean
    # the demands' index has the offers as its reference: two, too few
    assert index_hubness(matching._index("demands")) is None
    seen: list[Any] = []
    real = matching.fuse

    def spy(*args: Any, **kwargs: Any) -> list[int]:
        seen.append(args[4] if len(args) > 4 else kwargs.get("hubness"))
        return real(*args, **kwargs)

    monkeypatch.setattr(matching, "fuse", spy)
    matching.offers_for_demand(demands[0])
    assert seen == [hub]
    # one more demand or offer is not a tenth: the statistic is kept (across the rebuild)
    make_demand(title="Graphene sensor for water quality")
    assert index_hubness(matching._index("offers")) is hub
    make_offer(title="Protein assay kit", summary="A protein assay.")
    rebuilt = matching._index("offers")
    assert rebuilt is not index and index_hubness(rebuilt) is hub


def test_a_hubness_is_refreshed_when_a_side_moves_by_a_tenth() -> None:
    from innobridge.transfer.matching import _stale

    assert _stale(None, (5, 5), known=False)
    assert _stale((2, 9), (2, 10), known=False)  # none yet: any change is due
    assert not _stale((2, 9), (2, 9), known=False)
    assert not _stale((100, 50), (110, 55), known=True)
    assert _stale((100, 50), (111, 50), known=True)
    assert _stale((100, 50), (100, 44), known=True)
    assert _stale((3, 12), (3, 14), known=True)  # at least one listing


def test_the_demos_preparation_builds_every_index_with_its_hubness(
    make_offer: Any, make_demand: Any
) -> None:
    """``demo.prepare`` builds the three indexes and their hubness (the offers, searched as
    queries against the demands' index, are embedded then, not on the first offer page)."""
    from io import StringIO

    from innobridge.transfer import demo
    from innobridge.transfer.matching import _STATE, FUSION, index_hubness

    for i in range(FUSION.hub_min_reference):
        make_offer(title=f"Protein structure prediction {i}", summary="Neural networks.")
    make_demand(**DEMAND_ZH)
    matching.reset_for_tests()
    demo.prepare(StringIO(), background=False)
    assert all(_STATE[kind].get("index") is not None for kind in ("offers", "demands"))
    assert _STATE["enterprises"].get("index") is not None
    hub = index_hubness(_STATE["demands"]["index"])
    assert hub is not None and hub.n_reference == FUSION.hub_min_reference


def test_fusion_lowers_a_listing_of_many_units_against_a_one_unit_claim() -> None:
    """The unit-count correction: the engine's MaxSim takes the best of a listing's units,
    so an abstract of many sentences outscores a one-sentence claim by chance; each hit
    loses ``unit_weight`` × ln(its units), a one-unit listing nothing."""
    from innobridge.transfer.matching import FUSION, Fusion, Lexical, fuse

    ids, scores = ["abstract", "claim", "c"], [0.80, 0.78, 0.30]
    units = {"abstract": 8, "claim": 1, "c": 1}
    none = Lexical({}, {}, set(ids))
    f = Fusion(unit_weight=0.04)
    assert fuse(ids, scores, none, f) == [0, 1, 2]  # units unknown: the engine's order
    assert fuse(ids, scores, none, f, None, units) == [1, 0, 2]  # 0.80 - 0.04 ln 8 < 0.78
    assert fuse(ids, scores, none, Fusion(), None, units) == [0, 1, 2]  # weight 0: off
    assert fuse(ids, scores, none, Fusion(unit_weight=0.001), None, units) == [0, 1, 2]
    assert fuse(ids, scores, none, Fusion("engine", unit_weight=0.04), None, units) == [0, 1, 2]
    # another language's listing keeps its place
    assert fuse(ids, scores, Lexical({}, {}, {"claim", "c"}), f, None, units) == [0, 1, 2]
    assert FUSION.unit_weight > 0 and FUSION.method == "scores"


def test_listing_units_are_the_units_the_engine_embeds() -> None:
    """A listing's units are each text's sentences plus the text whole when it has several
    (the engine's ``split_units`` under transfer's configuration, which keeps the whole-text
    unit the engine's default dropped in issue 17), and the catalogue's index embeds them."""
    from innobridge.matching import Document
    from innobridge.matching.affinity import DEFAULT_CONFIG, split_units
    from innobridge.transfer.matching import CONFIG, listing_document, listing_units, new_index
    from tests.matching._fakes import FakeEmbedder

    assert CONFIG.whole_text_unit and not DEFAULT_CONFIG.whole_text_unit
    assert new_index(FakeEmbedder()).config == CONFIG  # the app's index of its catalogue

    claim = listing_document("c", "", "1. A sensor comprising a graphene layer and an electrode.")
    assert listing_units(claim) == 1
    abstract = listing_document(
        "a", "Graphene sensor", "A graphene layer senses ions. It is cheap. It lasts years."
    )
    parts, counts = split_units(abstract.texts, "sentence", whole=True)
    assert listing_units(abstract) == sum(counts) == len(parts) > 3
    two = Document("t", [abstract.texts[0], "A second text."])
    assert listing_units(two) == listing_units(abstract) + 1


def test_rank_gives_fuse_each_hits_units_from_the_index(
    make_offer: Any, make_demand: Any, monkeypatch: Any
) -> None:
    """``rank`` (what the pages order by) passes each hit's unit count, counted from the
    index's document and counted again when the listing changes."""
    from innobridge.transfer.matching import index_units, listing_units

    offers = [
        make_offer(**PROTEIN),
        make_offer(title="Protein chip", summary="A chip. It folds proteins. It is fast."),
    ]
    demand = make_demand(**{**DEMAND_ZH, "title": "protein structure prediction chip"})
    seen: list[Any] = []
    real = matching.fuse

    def spy(*args: Any, **kwargs: Any) -> list[int]:
        seen.append(args[5] if len(args) > 5 else kwargs.get("units"))
        return real(*args, **kwargs)

    monkeypatch.setattr(matching, "fuse", spy)
    matching.offers_for_demand(demand)
    index = matching._index("offers")
    want = {str(o.pk): listing_units(index.docs[str(o.pk)]) for o in offers}
    assert seen and seen[-1] == want
    assert len(set(want.values())) == 2
    short = index_units(index, [str(offers[1].pk)])
    offers[1].summary = "A protein chip."
    offers[1].save()
    index = matching._index("offers")
    assert index_units(index, [str(offers[1].pk)]) != short
