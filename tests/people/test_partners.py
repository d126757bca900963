"""Partner search across the boundary, through the matching engine (with a small
deterministic embedder so the test is fast; the real models are tested in
tests/matching)."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.test import Client

from innobridge.people import matching
from innobridge.people.models import Authorship, Organisation, Publication, ResearcherProfile

FAKE = "tests.matching._fakes.FakeEmbedder"


@pytest.fixture
def index_settings(settings: Any) -> Any:
    # tests/conftest.py already gives each test its own VAR_DIR and the fake embedder.
    assert settings.MATCHING_EMBEDDER == FAKE
    settings.MATCHING_AUTO_INDEX = True
    return settings


def researcher(make_person, username, org, keywords, papers, stage="mid"):
    person = make_person(username, roles=("researcher",), display_name=username.title())
    profile = ResearcherProfile.objects.create(
        person=person, organisation=org, region=org.region, keywords=keywords, career_stage=stage
    )
    for title, abstract in papers:
        pub = Publication.objects.create(title=title, abstract=abstract, year=2020)
        Authorship.objects.create(researcher=profile, publication=pub)
    return profile


@pytest.fixture
def world(db: Any, make_person: Any, index_settings: Any) -> dict[str, Any]:
    hkust = Organisation.objects.create(
        name="HKUST", name_zh="香港科技大學", region="HK", primary_type="education"
    )
    tsinghua = Organisation.objects.create(
        name="Tsinghua University", name_zh="清华大学", region="CN", primary_type="education"
    )
    huawei = Organisation.objects.create(name="Huawei", region="CN", primary_type="company")
    return {
        "me": researcher(
            make_person,
            "hkme",
            hkust,
            ["protein folding"],
            [("Protein structure prediction", "deep learning for protein structure")],
        ),
        "hk_peer": researcher(
            make_person,
            "hkpeer",
            hkust,
            ["protein structure"],
            [("Protein structure prediction with graphs", "protein structure")],
        ),
        "protein": researcher(
            make_person,
            "bio",
            tsinghua,
            ["蛋白质结构"],
            [
                (
                    "Protein structure prediction by deep learning",
                    "We predict protein structure with deep networks.",
                ),
                ("蛋白质结构预测", "基于深度学习的蛋白质结构预测"),
            ],
        ),
        "translation": researcher(
            make_person,
            "mt",
            tsinghua,
            ["machine translation"],
            [("Neural machine translation for low-resource languages", "translation models")],
        ),
        "industry": researcher(
            make_person,
            "ind",
            huawei,
            ["protein design"],
            [("Industrial protein design", "protein structure in industry")],
            stage="industry",
        ),
    }


def test_partners_are_found_on_the_other_side_with_reasons(world, client):
    client.force_login(world["me"].person)
    response = client.get("/people/partners/", {"q": "protein structure prediction deep learning"})
    assert response.status_code == 200
    rows = response.context["result"]["researchers"]
    ids = [row["profile"].pk for row in rows]
    # A Hong Kong researcher sees Mainland researchers by default, never themselves or HK peers.
    assert ids[0] == world["protein"].pk
    assert world["hk_peer"].pk not in ids and world["me"].pk not in ids
    assert all(row["profile"].region == "CN" for row in rows)
    assert "protein" in rows[0]["shared_terms"]
    assert rows[0]["closest_is_publication"]
    orgs = response.context["result"]["organisations"]
    assert orgs[0]["organisation"].name == "Tsinghua University"


def test_filters_narrow_the_partners(world, client):
    response = client.get(
        "/people/partners/",
        {"q": "protein structure", "region": ["CN"], "organisation_type": "company"},
    )
    ids = [row["profile"].pk for row in response.context["result"]["researchers"]]
    assert ids == [world["industry"].pk]
    response = client.get("/people/partners/", {"q": "protein", "region": ["HK"]})
    ids = {row["profile"].pk for row in response.context["result"]["researchers"]}
    assert world["hk_peer"].pk in ids and world["protein"].pk not in ids


def test_own_profile_can_be_the_query(world, client):
    client.force_login(world["me"].person)
    response = client.get("/people/partners/", {"use_profile": "on"})
    rows = response.context["result"]["researchers"]
    assert rows and rows[0]["profile"].pk in {world["protein"].pk, world["industry"].pk}
    assert world["me"].pk not in [row["profile"].pk for row in rows]


def test_an_empty_search_is_a_form_error_not_a_crash(world, client):
    response = client.get("/people/partners/", {"q": "  "})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors


def test_htmx_gets_only_the_results(world, client):
    response = client.get("/people/partners/", {"q": "translation"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="partner-results"' in html


@pytest.mark.parametrize(
    ("lang", "text"), [("en", "Find a partner"), ("zh-hant", "夥伴"), ("zh-hans", "伙伴")]
)
def test_partner_page_in_three_languages(world, client, settings, lang, text):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get("/people/partners/")
    assert response.status_code == 200
    assert text in response.content.decode()


def test_organisation_names_in_the_ui_script(world, client, settings):
    # Tsinghua's Chinese name is stored in Simplified (as ROR writes it).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    page = client.get("/people/partners/", {"q": "protein structure"}).content.decode()
    assert "清華大學" in page and "清华大学" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get("/people/partners/", {"q": "protein structure"}).content.decode()
    assert "清华大学" in page


def test_the_index_follows_the_data(world, django_capture_on_commit_callbacks):
    # Build the index, then change a profile: its entry is re-indexed on commit.
    matching.rebuild()
    assert str(world["translation"].pk) in matching.get_index()
    with django_capture_on_commit_callbacks(execute=True):
        pub = Publication.objects.create(title="Quantum error correction codes", year=2024)
        Authorship.objects.create(researcher=world["translation"], publication=pub)
    hits = matching.search("quantum error correction", top_k=1)
    assert hits[0].id == str(world["translation"].pk)
    # A profile withdrawn from the directory leaves the index.
    with django_capture_on_commit_callbacks(execute=True):
        world["translation"].is_public = False
        world["translation"].save()
    assert str(world["translation"].pk) not in matching.get_index()


def test_the_index_is_saved_and_loaded_back(world):
    n = matching.rebuild()
    assert n == 5
    matching.reset_for_tests()  # as a new process would
    assert len(matching.get_index()) == 5
    assert (matching.index_dir() / "VERSION").exists()


def test_partner_api_returns_ranked_researchers_with_reasons(world, client):
    response = client.get(
        "/api/partners", {"q": "protein structure prediction", "region": "CN", "top": 3}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["regions"] == ["CN"]
    assert data["researchers"][0]["researcher"]["id"] == world["protein"].pk
    assert "protein" in data["researchers"][0]["why"]["shared_terms"]
    assert data["organisations"][0]["organisation"]["name"] == "Tsinghua University"
    assert len(data["researchers"]) <= 3


def test_partner_api_rejects_bad_input_with_messages(world, client):
    assert client.get("/api/partners", {"q": ""}).status_code == 422
    response = client.get("/api/partners", {"q": "protein", "region": "XX"})
    assert response.status_code == 422
    assert client.get("/api/partners", {"q": "protein", "top": 0}).status_code == 422
    # Partners for my own profile need a signed-in researcher.
    assert client.get("/api/partners/mine").status_code == 401


def test_partner_api_for_my_profile(world, client):
    client.force_login(world["me"].person)
    response = client.get("/api/partners/mine")
    assert response.status_code == 200, response.content
    ids = [row["researcher"]["id"] for row in response.json()["researchers"]]
    assert ids and world["me"].pk not in ids


def test_search_during_a_build_says_the_index_is_being_built(world, monkeypatch, client):
    seen: list[tuple[int, int] | None] = []
    real_warm = matching._warm
    client.force_login(world["me"].person)

    def warm_and_search(docs, embedder):
        real_warm(docs, embedder)
        seen.append(matching.build_progress())
        # A search while the build runs answers from the researchers indexed so far.
        matching.search("protein", top_k=5)
        if seen[-1] == (2, 5):
            response = client.get("/people/partners/", {"q": "protein"})
            page = response.content.decode()
            assert 'data-testid="partner-indexing"' in page and "2 of 5" in page
            assert "The index is being built" in page
            # no ranking of a partial index is shown as results (issue 11 §2)
            assert response.context["result"]["researchers"] == []
            assert 'data-testid="partner-summary"' not in page
            api = client.get("/api/partners", {"q": "protein"}).json()
            assert api["indexing"] == {"indexed": 2, "total": 5}
            assert api["researchers"] == [] and api["match_count"] == 0

    monkeypatch.setattr(matching, "_warm", warm_and_search)
    assert matching.rebuild(batch=2) == 5
    assert seen == [(0, 5), (2, 5), (4, 5)]
    assert matching.build_progress() is None
    assert (matching.index_dir() / "VERSION").exists()


def test_background_build_serves_searches_when_done(world, transactional_db):
    thread = matching.rebuild_in_background()
    thread.join(timeout=60)
    assert not thread.is_alive()
    # The thread itself built and saved the index (no rebuild on first search).
    assert (matching.index_dir() / "VERSION").exists()
    assert len(matching._state["index"]) == 5
    assert matching.search("machine translation", top_k=1)[0].id == str(world["translation"].pk)
    api = Client()
    api.force_login(world["me"].person)
    response = api.get("/api/partners", {"q": "translation"})
    assert response.status_code == 200 and response.json()["indexing"] is None


def test_index_is_current_until_the_data_changes(world, settings):
    assert not matching.index_is_current()  # nothing built yet
    matching.rebuild()
    assert matching.index_is_current()
    settings.MATCHING_AUTO_INDEX = False  # a change the index has not followed
    profile = world["translation"]
    profile.keywords = ["speech recognition"]
    profile.save()
    assert not matching.index_is_current()
    matching.rebuild()
    assert matching.index_is_current()


def test_demo_prepare_builds_once_in_the_foreground(world):
    from io import StringIO

    from innobridge.people import demo

    out = StringIO()
    demo.prepare(out, background=False)
    assert "researcher index built: 5 researchers" in out.getvalue()
    out = StringIO()
    demo.prepare(out, background=False)
    assert "up to date" in out.getvalue()


def test_demo_prepare_in_the_background_serves_at_once(world, transactional_db):
    from io import StringIO

    from innobridge.people import demo

    out = StringIO()
    demo.prepare(out, background=True)
    assert "in the background" in out.getvalue()
    for thread in threading.enumerate():
        if thread.name == "researcher-index":
            thread.join(timeout=60)
    assert matching.index_is_current()


def test_a_negative_score_is_never_shown_as_a_match(world, client, monkeypatch):
    """While the index builds or when nothing fits, the ranking still returns its nearest
    researchers, some with a negative score: those are left out and said to be."""
    from innobridge.matching.explain import Explanation, Hit

    def fake_search(query, **kwargs):
        return [
            Hit(str(world["protein"].pk), 0.31, Explanation(shared_terms=["protein"])),
            Hit(str(world["translation"].pk), -0.014, Explanation()),
        ]

    monkeypatch.setattr(matching, "search", fake_search)
    client.force_login(world["me"].person)
    response = client.get("/people/partners/", {"q": "protein folding"})
    rows = response.context["result"]["researchers"]
    assert [row["profile"].pk for row in rows] == [world["protein"].pk]
    assert response.context["result"]["not_matching"] == 1
    assert 'data-testid="partner-not-matching"' in response.content.decode()


def _hits(world, scores):
    from innobridge.matching.explain import Explanation, Hit

    return [
        Hit(str(world[name].pk), score, Explanation(shared_terms=["protein"]))
        for name, score in scores
    ]


def test_levels_count_only_matches_and_label_each_result(world, client, monkeypatch):
    from innobridge.matching.levels import THRESHOLDS

    th = THRESHOLDS["query"]
    scores = [("protein", th.strong + 0.05), ("industry", th.possible + 0.001)]
    scores.append(("translation", th.possible - 0.05))
    monkeypatch.setattr(matching, "search", lambda q, **kw: _hits(world, scores))
    client.force_login(world["me"].person)
    response = client.get("/people/partners/", {"q": "protein folding"})
    result = response.context["result"]
    assert [r["level"] for r in result["researchers"]] == ["strong", "possible"]
    assert result["match_count"] == 2 and result["strong_count"] == 1
    html = response.content.decode()
    assert "2 researchers match" in html and "Strong match" in html and "Possible match" in html
    assert 'data-testid="partner-no-strong"' not in html
    api = client.get("/api/partners", {"q": "protein folding"}).json()
    assert [r["level"] for r in api["researchers"]] == ["strong", "possible"]
    assert api["match_count"] == 2 and api["strong_count"] == 1


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "No strong match on the other side; closest results:"),
        ("zh-hant", "另一方沒有強匹配；最接近的結果："),
        ("zh-hans", "另一方没有强匹配；最接近的结果："),
    ],
)
def test_no_strong_match_is_said_and_weak_results_are_not_counted(
    world, client, monkeypatch, settings, lang, text
):
    from innobridge.matching.levels import THRESHOLDS

    th = THRESHOLDS["query"]
    scores = [("translation", th.possible - 0.02), ("protein", th.possible - 0.05)]
    scores.append(("industry", -0.014))
    monkeypatch.setattr(matching, "search", lambda q, **kw: _hits(world, scores))
    client.force_login(world["me"].person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get("/people/partners/", {"q": "量子糾纏"})
    result = response.context["result"]
    assert result["match_count"] == 0 and result["no_strong"]
    # the closest results are listed as weak, the negative one never
    assert [r["profile"].pk for r in result["researchers"]] == [
        world["translation"].pk,
        world["protein"].pk,
    ]
    assert {r["level"] for r in result["researchers"]} == {"weak"}
    html = response.content.decode()
    assert text in html
    assert 'data-level="weak"' in html


def test_titles_and_placeholders_are_no_evidence(world):
    """A position or a "demo" keyword is not expertise: neither is in the researcher's
    document nor in "use my own profile"'s query."""
    from innobridge.people.selectors import partner_query_for

    me = world["me"]
    me.position = "Associate Professor"
    me.keywords = ["demo", "protein folding"]
    me.save()
    text = matching.profile_text(me)
    assert "Associate Professor" not in text and "demo" not in text.split(", ")
    assert "protein folding" in text
    query = partner_query_for(me)
    assert "Associate Professor" not in query and "demo" not in query.lower().split(", ")


# --- The latest searches' results (per process, emptied when the index changes) ------


def _count_engine_searches(monkeypatch: Any) -> list[str]:
    from innobridge.matching import SearchIndex

    calls: list[str] = []
    original = SearchIndex.search

    def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(query)
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "search", counted)
    return calls


def test_a_repeated_search_is_answered_without_the_engine(world, monkeypatch):
    matching.rebuild()
    calls = _count_engine_searches(monkeypatch)
    first = matching.search("protein structure", top_k=3, filters={"region": ["CN"]})
    again = matching.search("protein structure", top_k=3, filters={"region": ["CN"]})
    assert len(calls) == 1
    assert [(h.id, h.score) for h in again] == [(h.id, h.score) for h in first]
    # each caller has its own hits: changing one changes nothing for the next caller
    again[0].level = "changed"
    assert matching.search("protein structure", top_k=3, filters={"region": ["CN"]})[0].level != (
        "changed"
    )
    # other words, filters, sizes or scripts are other searches
    matching.search("protein structure", top_k=3, filters={"region": ["HK"]})
    matching.search("protein structure", top_k=2, filters={"region": ["CN"]})
    matching.search("protein structure", top_k=3, filters={"region": ["CN"]}, script="zh-hant")
    matching.search("machine translation", top_k=3, filters={"region": ["CN"]})
    assert len(calls) == 5


def test_the_remembered_results_follow_the_index(world, django_capture_on_commit_callbacks):
    matching.rebuild()
    before = matching.search("quantum error correction", top_k=1)  # remembered
    assert before[0].id != str(world["translation"].pk)
    with django_capture_on_commit_callbacks(execute=True):  # re-indexed on commit
        pub = Publication.objects.create(title="Quantum error correction codes", year=2024)
        Authorship.objects.create(researcher=world["translation"], publication=pub)
    assert matching.search("quantum error correction", top_k=1)[0].id == str(
        world["translation"].pk
    )
    # withdrawn from the directory: gone from the next search at once
    with django_capture_on_commit_callbacks(execute=True):
        world["translation"].is_public = False
        world["translation"].save()
    ids = [h.id for h in matching.search("quantum error correction", top_k=5)]
    assert str(world["translation"].pk) not in ids


def test_a_rebuild_or_a_newer_saved_index_empties_the_remembered_results(world, monkeypatch):
    matching.rebuild()
    calls = _count_engine_searches(monkeypatch)
    matching.search("protein structure", top_k=3)
    matching.rebuild()  # this process's new index
    matching.search("protein structure", top_k=3)
    assert len(calls) == 2
    # another process saves a newer index: this one loads it on the next search
    with matching._lock:
        matching._state["version"] = "v-older"
    matching.search("protein structure", top_k=3)
    assert len(calls) == 3


def test_the_same_search_by_two_researchers_shows_each_their_own_page(world, client):
    # The engine's result is shared; who is excluded (the viewer) and what each may see
    # are the viewer's: the other researcher's page must not leak into this one's.
    peer = world["hk_peer"]
    client.force_login(world["me"].person)
    mine = client.get("/people/partners/", {"q": "protein structure", "region": ["HK", "CN"]})
    ids = [row["profile"].pk for row in mine.context["result"]["researchers"]]
    assert world["me"].pk not in ids and peer.pk in ids
    other = Client()
    other.force_login(peer.person)
    theirs = other.get("/people/partners/", {"q": "protein structure", "region": ["HK", "CN"]})
    ids = [row["profile"].pk for row in theirs.context["result"]["researchers"]]
    assert peer.pk not in ids and world["me"].pk in ids


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [
        ("en", "蛋白质结构预测", None),
        ("zh-hant", "蛋白質結構預測", "蛋白质结构预测"),
        ("zh-hans", "蛋白质结构预测", None),
    ],
)
def test_quotes_and_terms_in_the_ui_script(
    world, make_person, client, settings, lang, shown, hidden
):
    # A Mainland researcher's publication written in Simplified: the quoted closest
    # sentence is shown in the reader's script.
    org = Organisation.objects.get(name="Tsinghua University")
    researcher(make_person, "zhang", org, ["蛋白质结构"], [("蛋白质结构预测", "蛋白质结构预测")])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    page = client.get("/people/partners/", {"q": "蛋白质结构预测"}).content.decode()
    results = page.split('data-testid="partner-results"', 1)[1]
    assert shown in results
    if hidden:
        assert hidden not in results


def test_cached_hits_keep_each_readers_actions_and_follow_changes(world, client):
    """A hit's public part is rendered once per language and kept in the shared cache (issue
    #17); the contact buttons are the reader's own, and a change to a profile shows at once."""
    from django.core.cache import cache

    query = {"q": "protein structure", "region": ["HK", "CN"]}
    peer = world["hk_peer"]
    client.force_login(world["me"].person)
    first = client.get("/people/partners/", query).content.decode()
    assert 'data-testid="request-intro"' in first
    assert _cached_hits(cache) >= 2

    # Another reader, same query: their own buttons (nobody's shortlist leaks), not the hit
    # of themselves, and the other researcher's hit served from the cache.
    from innobridge.people import services

    other = Client()
    other.force_login(peer.person)
    services.add_to_shortlist(peer.person, world["protein"].person)
    theirs = other.get("/people/partners/", query).content.decode()
    assert 'data-testid="on-shortlist"' in theirs
    mine = client.get("/people/partners/", query).content.decode()
    assert 'data-testid="on-shortlist"' not in mine

    # The cached buttons carry each reader's own CSRF token: the shortlist form posts.
    from innobridge.core.caching import CSRF_PLACEHOLDER

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["me"].person)
    page = strict.get("/people/partners/", query).content.decode()
    assert CSRF_PLACEHOLDER not in page + theirs + mine
    form = re.search(
        r'<form method="post" action="([^"]+)" class="inline-form">\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        page,
    )
    assert form is not None
    added = strict.post(form.group(1), {"csrfmiddlewaretoken": form.group(2), "next": "/"})
    assert added.status_code == 302

    # A renamed researcher shows renamed at once (the public generation changed).
    person = world["protein"].person
    person.display_name = "Renamed Biologist"
    person.save()
    assert "Renamed Biologist" in client.get("/people/partners/", query).content.decode()

    # Each language has its own hits and form.
    client.post("/i18n/setlang/", {"language": "zh-hant"})
    chinese = client.get("/people/partners/", query).content.decode()
    assert "蛋白質結構預測" in chinese and "蛋白质结构预测" not in chinese


def _cached_hits(cache: Any) -> int:
    """How many rendered hits the shared cache (a FileBasedCache) holds."""
    import glob
    import pickle
    import zlib

    count = 0
    for path in glob.glob(f"{cache._dir}/*.djcache"):
        with open(path, "rb") as f:
            pickle.load(f)  # the expiry
            value = pickle.loads(zlib.decompress(f.read()))
        if isinstance(value, tuple) and len(value) == 2:
            value = value[1]  # the fragments' cache keeps (expiry, value): core/cachebackend.py
        count += isinstance(value, str) and "data-level=" in value
    return count


def test_a_hit_is_shown_from_the_page_fields_alone(world, client):
    """The page reads each hit's profile, person and organisation once, only the fields it
    shows (issue #17), and never goes back for one it left out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["me"].person)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/people/partners/", {"q": "protein structure deep learning"})
    rows = response.context["result"]["researchers"]
    assert len(rows) >= 2
    page = response.content.decode()
    for row in rows:
        assert f'href="{row["profile"].get_absolute_url()}"' in page
        assert row["profile"].person.display_name in page
    assert "Tsinghua University" in page
    queries = [q["sql"] for q in ctx.captured_queries]
    hits = [q for q in queries if '"people_researcherprofile"."id" IN (' in q]
    assert len(hits) == 1  # every hit with its person and organisation, at once
    assert not any('"people_researcherprofile"."id" = ' in q for q in queries), queries
    assert sum(q.startswith('SELECT "people_person"') for q in queries) <= 1  # the reader
    assert not any(q.startswith('SELECT "people_organisation"') for q in queries), queries
