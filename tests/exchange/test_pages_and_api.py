"""Pages render in three languages; the API refuses bad input with 422 and a field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from innobridge.exchange.models import Application

from .conftest import draft, shortlisted

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "word"), [("en", "Placements"), ("zh-hant", "崗位"), ("zh-hans", "岗位")]
)
def test_programme_page_in_three_languages(world: Any, lang: str, word: str) -> None:
    c = Client()
    c.cookies["django_language"] = lang
    r = c.get(f"/exchange/programmes/{world.programme.pk}/", HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 200 and word in r.content.decode()
    assert c.get("/exchange/", HTTP_ACCEPT_LANGUAGE=lang).status_code == 200


def test_pages_of_each_role_render(world: Any) -> None:
    app = shortlisted(world)
    for user, url in [
        (world.applicant, f"/exchange/applications/{app.pk}/"),
        (world.officer, f"/exchange/programmes/{world.programme.pk}/matching/"),
        (world.supervisor, f"/exchange/placements/{world.p1.pk}/"),
        (world.reviewer, f"/exchange/reviews/{app.reviews.get().pk}/"),
        (world.cn_coordinator, "/exchange/"),
    ]:
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 200, url


def test_officer_runs_the_three_methods_from_the_page(world: Any) -> None:
    shortlisted(world)
    c = Client()
    c.force_login(world.officer)
    url = f"/exchange/programmes/{world.programme.pk}/matching/"
    c.post(url, {"action": "run", "m_stable": "on", "m_optimal": "on", "m_fair": "on"})
    html = c.get(url).content.decode()
    assert 'data-testid="blocking-stable">0<' in html and 'data-testid="blocking-optimal"' in html
    assert 'data-testid="blocking-fair">0<' in html
    # the one applicant gets their 1st choice in every column
    for m in ("stable", "optimal", "fair"):
        assert f'data-testid="worst-{m}">1<' in html and f'data-testid="mean-{m}">1.0<' in html
    assert world.programme.matching_runs.count() == 3


def test_running_no_method_is_a_clear_message_and_runs_nothing(world: Any) -> None:
    shortlisted(world)
    c = Client()
    c.force_login(world.officer)
    url = f"/exchange/programmes/{world.programme.pk}/matching/"
    r = c.post(url, {"action": "run"}, follow=True)
    assert "Choose at least one method." in r.content.decode()
    assert not world.programme.matching_runs.exists()


def test_api_runs_the_fair_method_and_reports_the_worst_rank(world: Any) -> None:
    shortlisted(world)
    c = Client()
    c.force_login(world.officer)
    r = c.post(
        f"/api/exchange/programmes/{world.programme.pk}/matchings",
        {"method": "fair"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["method"] == "fair"
    assert body["metrics"]["worst_rank"] == 1 and body["metrics"]["placed"] == 1
    bad = c.post(
        f"/api/exchange/programmes/{world.programme.pk}/matchings",
        {"method": "fairest"},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_api_too_many_preferences_is_422_and_nothing_changes(world: Any) -> None:
    app = draft(world)
    c = Client()
    c.force_login(world.applicant)
    r = c.put(
        f"/api/exchange/applications/{app.pk}/preferences",
        {"placement_ids": [world.p1.pk, world.p2.pk, world.p1.pk]},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["preferences"]
    assert not app.preferences.exists()


def test_api_overlong_statement_is_422_not_500(world: Any) -> None:
    c = Client()
    c.force_login(world.applicant)
    r = c.post(
        f"/api/exchange/programmes/{world.programme.pk}/applications",
        {"statement": "x" * 20001, "home_region": "CN", "home_organisation_id": world.zju.pk},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert not Application.objects.exists()


def test_api_application_flow(world: Any) -> None:
    c = Client()
    c.force_login(world.applicant)
    r = c.post(
        f"/api/exchange/programmes/{world.programme.pk}/applications",
        {
            "statement": "Graphs.",
            "home_region": "CN",
            "home_organisation_id": world.zju.pk,
            "birth_date": "1995-01-01",
            "phd_date": "2025-06-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert "Rank at least one placement." in r.json()["problems"]
    c.put(
        f"/api/exchange/applications/{pk}/preferences",
        {"placement_ids": [world.p1.pk]},
        content_type="application/json",
    )
    c.post(
        f"/api/exchange/applications/{pk}/referees",
        {"name": "R", "email": "r@example.org"},
        content_type="application/json",
    )
    r = c.post(f"/api/exchange/applications/{pk}/submit")
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    assert [a["action"] for a in r.json()["actions"]] == ["withdraw"]


def test_officer_configures_the_checklist_on_the_page_and_api(world: Any) -> None:
    c = Client()
    c.force_login(world.officer)
    url = f"/exchange/programmes/{world.programme.pk}/manage/"
    c.post(url, {"host_region": "HK", "title": "Talent endorsement", "days_before_arrival": 45})
    assert world.programme.checklist.filter(title="Talent endorsement").exists()
    r = c.post(
        f"/api/exchange/programmes/{world.programme.pk}/checklist",
        {"host_region": "HK", "title": "x" * 301, "days_before_arrival": 1},
        content_type="application/json",
    )
    assert r.status_code == 422
    r = c.post(
        f"/api/exchange/programmes/{world.programme.pk}/stipends",
        {"paid_by": "HK", "currency": "HKD", "amount": "100.00", "schedule": ["someday"]},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["schedule"]
    outsider = Client()
    outsider.force_login(world.outsider)
    assert (
        outsider.post(
            url, {"host_region": "HK", "title": "t", "days_before_arrival": 1}
        ).status_code
        == 403
    )


def test_documents_must_be_pdf(world: Any) -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from innobridge.exchange import services

    from .conftest import pdf

    app = draft(world)
    with pytest.raises(ValidationError):
        services.add_document(
            world.applicant, app, kind="cv", upload=SimpleUploadedFile("cv.pdf", b"<html>not a pdf")
        )
    services.add_document(world.applicant, app, kind="cv", upload=pdf("cv.pdf"))
    assert app.documents.count() == 1
