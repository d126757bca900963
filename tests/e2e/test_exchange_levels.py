"""Exchange matching in a real browser shows the calibrated levels of partner search
(strong / possible / weak, issue 11 §2) in the reader's language: three Mainland
applicants choose the same Hong Kong placement, one working on its topic, one on a
neighbouring one, one on something else; the officer runs the matching in Simplified
Chinese and sees the placed pair's level; the placement's supervisor, in Traditional
Chinese and then in English, sees each applicant with the level of their fit."""

from __future__ import annotations

from typing import Any

from innobridge.exchange.models import MatchingRun
from innobridge.matching.levels import level
from tests.exchange.conftest import World, shortlisted, world  # noqa: F401  (fixture)

from .test_exchange_journey import PASSWORD, login, press

LABELS = {
    "zh-hans": {"strong": "强匹配", "possible": "可能匹配", "weak": "弱：不算匹配"},
    "zh-hant": {"strong": "強匹配", "possible": "可能匹配", "weak": "弱：不算匹配"},
    "en": {"strong": "Strong match", "possible": "Possible match", "weak": "Weak: not a match"},
}
# Statements whose fit to "Graph neural networks for proteins" the engine (with the
# suite's deterministic embedder) grades strong, possible and weak.
STATEMENTS = {
    "strong": "Neural networks for proteins.",
    "possible": "Graph algorithms.\ncombinatorics",
    "weak": "Protein folding kinetics.\nbiophysics",
}


def _switch(page: Any, language: str) -> None:
    with page.expect_navigation():
        page.locator(f'[data-testid="language-switcher"] button[value="{language}"]').click()


def test_officer_and_supervisor_see_each_applicants_level(
    page: Any,
    live_url: Any,
    world: World,  # noqa: F811
    make_person: Any,
    settings: Any,
) -> None:
    from innobridge.core.permissions import Role
    from innobridge.people.models import ResearcherProfile

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w = world
    apps = {}
    for key, statement in STATEMENTS.items():
        person = make_person(f"postdoc-{key}", roles=(Role.RESEARCHER,), password=PASSWORD)
        ResearcherProfile.objects.create(person=person, organisation=w.zju, region="CN")
        apps[key] = shortlisted(w, person, prefs=(w.p1,), statement=statement)

    # The officer runs the matching (Simplified Chinese UI).
    login(page, live_url, "officer")
    _switch(page, "zh-hans")
    page.goto(live_url("exchange:matching", w.programme.pk))
    press(page, "action", "run")
    run = MatchingRun.objects.filter(programme=w.programme).order_by("pk").first()
    assert run is not None
    affinity = run.options["affinity"]
    expected = {key: level(affinity[f"{app.pk}:{w.p1.pk}"], "passage") for key, app in apps.items()}
    assert expected == {k: k for k in STATEMENTS}, affinity  # the three levels, as intended
    pairs = page.locator('[data-testid="pair"]')
    pairs.first.wait_for()
    placed = [pairs.nth(i).inner_text() for i in range(pairs.count())]
    # one seat: whoever takes it, the pair is labelled with its level in Simplified Chinese
    assert placed and all(any(lab in text for lab in LABELS["zh-hans"].values()) for text in placed)
    # equal review scores and no supervisor's rank yet: the better fit takes the seat in
    # each method's column
    strong_pairs = [t for t in placed if f"#{apps['strong'].pk} " in t]
    assert strong_pairs and all(LABELS["zh-hans"]["strong"] in t for t in strong_pairs)

    # The supervisor sees every applicant who chose the placement, each with a level.
    for language in ("zh-hant", "en"):
        login(page, live_url, "supervisor")
        _switch(page, language)  # the choice is kept on the account: switch back too
        page.goto(live_url("exchange:placement", w.p1.pk))
        rows = page.locator('[data-testid="placement-applicant"]')
        rows.first.wait_for()
        shown = {}
        for i in range(rows.count()):
            row = rows.nth(i)
            number = row.locator("td").first.inner_text().strip()
            badge = row.locator(".level-badge")
            shown[number] = (badge.get_attribute("data-level"), badge.inner_text().strip())
        for key, app in apps.items():
            assert shown[str(app.pk)] == (key, LABELS[language][key]), (language, shown)
        # strong sorts above possible above weak for the eye: three different badges
        assert len({label for _, label in shown.values() if label}) >= 3
