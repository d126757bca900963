"""Who sees what — one test per rule, on pages and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from innobridge.exchange import selectors, services
from innobridge.exchange.permissions import can_view_application, can_view_letters

from .conftest import draft, pdf, shortlisted, submitted

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_applicant_sees_own_application_never_letters_or_reviewers(world: Any) -> None:
    app = shortlisted(world)
    ref = app.referees.get()
    token = services.resend_invitation(world.applicant, ref)
    services.upload_letter(token, pdf())
    assert not can_view_letters(world.applicant, app)
    page = _client(world.applicant).get(f"/exchange/applications/{app.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    ref.refresh_from_db()
    assert ref.letter and ref.letter.url not in html
    assert world.reviewer.username not in html
    api = _client(world.applicant).get(f"/api/exchange/applications/{app.pk}").json()
    assert api["reviewers"] is None and api["review_score"] is None


def test_applicant_cannot_see_anothers_application(world: Any) -> None:
    app = submitted(world)
    assert _client(world.outsider).get(f"/exchange/applications/{app.pk}/").status_code == 403
    assert _client(world.outsider).get(f"/api/exchange/applications/{app.pk}").status_code == 403


def test_referee_page_shows_only_the_upload(world: Any) -> None:
    app = draft(world)
    _ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    page = Client().get(f"/exchange/referee/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "postdoc" in html and app.statement not in html
    assert Client().get("/exchange/referee/not-a-token/").status_code == 410


def test_reviewer_sees_only_assigned_applications(world: Any, make_person: Any) -> None:
    app = shortlisted(world)
    other = make_person("other-reviewer")
    assert can_view_application(world.reviewer, app)
    assert can_view_letters(world.reviewer, app)
    assert not can_view_application(other, app)
    assert [r.application_id for r in selectors.my_reviews(world.reviewer)] == [app.pk]
    assert not selectors.my_reviews(other).exists()


def test_conflicted_reviewer_cannot_be_assigned(world: Any, make_person: Any) -> None:
    from django.core.exceptions import ValidationError

    from innobridge.people.models import ResearcherProfile

    app = submitted(world)
    colleague = make_person("colleague")
    ResearcherProfile.objects.create(person=colleague, organisation=world.zju, region="CN")
    with pytest.raises(ValidationError) as exc:
        services.assign_reviewer(world.officer, app, colleague)
    assert "Same organisation" in str(exc.value)


def test_coauthor_is_a_conflict(world: Any, make_person: Any) -> None:
    from innobridge.people.models import Authorship, Publication, ResearcherProfile

    app = submitted(world)
    coauthor = make_person("coauthor")
    prof = ResearcherProfile.objects.create(person=coauthor, organisation=world.hku, region="HK")
    pub = Publication.objects.create(title="Joint paper")
    Authorship.objects.create(researcher=prof, publication=pub)
    Authorship.objects.create(researcher=world.applicant.researcher_profile, publication=pub)
    assert "Co-author of the applicant." in services.conflicts(coauthor, app)


def test_supervisor_sees_applicants_only_after_shortlisting(world: Any) -> None:
    app = submitted(world)
    assert not can_view_application(world.supervisor, app)
    assert not selectors.placement_applicants(world.supervisor, world.p1).exists()
    services.nominate(world.cn_coordinator, app, yes=True)
    services.shortlist(world.officer, app, yes=True)
    assert can_view_application(world.supervisor, app)
    assert list(selectors.placement_applicants(world.supervisor, world.p1)) == [app]
    assert not can_view_letters(world.supervisor, app)


def test_coordinator_sees_own_institutions_candidates_only(world: Any) -> None:
    app = submitted(world)
    assert can_view_application(world.cn_coordinator, app)
    assert not can_view_application(world.hk_coordinator, app)
    apps, _places = selectors.coordinator_queue(world.cn_coordinator)
    assert list(apps) == [app]


def test_coordinator_does_not_see_drafts(world: Any) -> None:
    app = draft(world)
    assert not can_view_application(world.cn_coordinator, app)


def test_officer_manages_only_their_programmes(world: Any, make_person: Any) -> None:
    from innobridge.core.permissions import Role

    submitted(world)
    other = make_person("other-officer", roles=(Role.PROGRAMME_OFFICER,))
    assert (
        _client(world.officer).get(f"/exchange/programmes/{world.programme.pk}/manage/").status_code
        == 200
    )
    assert (
        _client(other).get(f"/exchange/programmes/{world.programme.pk}/manage/").status_code == 403
    )
    with pytest.raises(PermissionDenied):
        services.run_matching(other, world.programme, "stable")
    r = _client(other).post(
        f"/api/exchange/programmes/{world.programme.pk}/matchings",
        {"method": "stable"},
        content_type="application/json",
    )
    assert r.status_code == 403


def test_public_fellows_page_names_only_with_consent(world: Any, make_person: Any) -> None:
    from innobridge.people.models import ResearcherProfile

    shortlisted(world)
    shy = make_person("shy", first_name="Shy", last_name="Fellow")
    ResearcherProfile.objects.create(person=shy, organisation=world.zju, region="CN")
    shortlisted(world, person=shy, public_consent=False)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    for offer in services.send_offers(world.officer, run):
        services.accept_offer(offer.application.applicant, offer)
    html = Client().get("/exchange/fellows/").content.decode()
    assert "postdoc" in html and "Shy Fellow" not in html
    rows = Client().get("/api/exchange/fellows").json()
    assert sum(r["count"] for r in rows) == 2
    assert [n for r in rows for n in r["names"]] == ["postdoc"]


def test_expired_referee_link_page_says_so_and_changes_nothing(world: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from innobridge.exchange.models import Referee

    app = draft(world)
    ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    Referee.objects.filter(pk=ref.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    r = Client().post(f"/exchange/referee/{token}/", {"letter": pdf()})
    assert r.status_code == 410 and "expired" in r.content.decode()
    ref.refresh_from_db()
    assert not ref.letter and ref.state == "invited"


def test_unapproved_placement_is_hidden_until_the_host_coordinator_approves(world: Any) -> None:
    p = services.propose_placement(
        world.supervisor, world.programme, title="Hidden topic", organisation=world.hku, months=24
    )
    assert Client().get(f"/exchange/placements/{p.pk}/").status_code == 403
    assert (
        "Hidden topic"
        not in Client().get(f"/exchange/programmes/{world.programme.pk}/").content.decode()
    )
    with pytest.raises(PermissionDenied):
        services.move_placement(world.cn_coordinator, p, "approve")  # not the host institution
    services.move_placement(world.hk_coordinator, p, "approve")
    assert Client().get(f"/exchange/placements/{p.pk}/").status_code == 200


def test_no_withdrawal_after_results(world: Any) -> None:
    from django.core.exceptions import ValidationError

    app = shortlisted(world)
    run = services.run_matching(world.officer, world.programme, "stable")
    services.choose_run(world.officer, run)
    services.send_offers(world.officer, run)
    app.refresh_from_db()
    with pytest.raises(ValidationError):
        services.withdraw_application(world.applicant, app)
