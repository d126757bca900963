"""The register of who saw an applicant's personal data: every view by a reviewer,
supervisor, coordinator or officer of the application, its documents or letters is
logged (role, side, item, time); the applicant sees it with reviewers anonymous; officers
export it; nobody else reads it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from innobridge.core.audit import CoreAction
from innobridge.core.models import AuditEvent, PersonalDataView
from innobridge.exchange import services

from .conftest import pdf, shortlisted

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _with_documents(world: Any) -> Any:
    app = shortlisted(world)
    from innobridge.exchange.models import ApplicationDocument

    ApplicationDocument.objects.create(application=app, kind="cv", file=pdf("cv.pdf"))
    ref = app.referees.get()
    services.upload_letter(services.resend_invitation(world.applicant, ref), pdf())
    return app


def test_views_by_others_are_logged_and_the_applicants_own_are_not(world: Any) -> None:
    app = _with_documents(world)
    doc = app.documents.get()
    ref = app.referees.get()
    url = f"/exchange/applications/{app.pk}/"
    assert _client(world.applicant).get(url).status_code == 200
    assert not PersonalDataView.objects.of(app).exists()
    rev = _client(world.reviewer)
    assert rev.get(url).status_code == 200
    r = rev.get(f"{url}documents/{doc.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert rev.get(f"{url}letters/{ref.pk}/").status_code == 200
    assert _client(world.supervisor).get(url).status_code == 200  # shortlisted, chose p1
    assert _client(world.officer).get(f"/api/exchange/applications/{app.pk}").status_code == 200
    rows = list(PersonalDataView.objects.of(app).order_by("id"))
    assert [(v.viewer_role, v.item) for v in rows] == [
        ("reviewer", "application file"),
        ("reviewer", "document: cv"),
        ("reviewer", f"reference letter {ref.pk}"),
        ("supervisor", "application file"),
        ("officer", "application file (API)"),
    ]
    # the reviewer and supervisor work in Hong Kong, the applicant is from the Mainland
    assert rows[0].viewer_region == "HK" and rows[0].subject_region == "CN"
    assert rows[0].crosses_boundary
    assert all(v.subject_id == world.applicant.pk for v in rows)
    assert AuditEvent.objects.filter(action=CoreAction.PERSONAL_DATA_VIEWED).count() == 5


def test_the_applicant_sees_who_viewed_with_reviewers_anonymous(world: Any) -> None:
    world.reviewer.first_name, world.reviewer.last_name = "Rita", "Reviewsky"
    world.reviewer.save()
    app = shortlisted(world)
    url = f"/exchange/applications/{app.pk}/"
    _client(world.reviewer).get(url)
    _client(world.supervisor).get(url)
    html = _client(world.applicant).get(url).content.decode()
    assert 'data-testid="viewed-by"' in html
    assert str(world.supervisor) in html
    assert "Reviewsky" not in html and "<td>a reviewer</td>" in html
    api = _client(world.applicant).get(f"/api/exchange/applications/{app.pk}/views").json()
    assert {(v["role"], v["viewer"]) for v in api} == {
        ("reviewer", ""),
        ("supervisor", str(world.supervisor)),
    }
    officer_api = _client(world.officer).get(f"/api/exchange/applications/{app.pk}/views").json()
    assert any("Reviewsky" in v["viewer"] for v in officer_api)


def test_nobody_else_reads_the_register_or_the_files(world: Any) -> None:
    app = _with_documents(world)
    doc = app.documents.get()
    ref = app.referees.get()
    url = f"/exchange/applications/{app.pk}/"
    assert (
        _client(world.reviewer).get(f"/api/exchange/applications/{app.pk}/views").status_code == 403
    )
    assert _client(world.outsider).get(f"{url}documents/{doc.pk}/").status_code == 403
    # the applicant never gets a referee letter
    assert _client(world.applicant).get(f"{url}letters/{ref.pk}/").status_code == 403
    assert not PersonalDataView.objects.of(app).exists()
    export = f"/exchange/programmes/{world.programme.pk}/personal-data-views.csv"
    assert _client(world.applicant).get(export).status_code == 403
    assert (
        _client(world.outsider)
        .get(f"/api/exchange/programmes/{world.programme.pk}/personal-data-views")
        .status_code
        == 403
    )


def test_officer_exports_the_programmes_register(world: Any) -> None:
    app = shortlisted(world)
    _client(world.reviewer).get(f"/exchange/applications/{app.pk}/")
    r = _client(world.officer).get(
        f"/exchange/programmes/{world.programme.pk}/personal-data-views.csv"
    )
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1] == str(app.pk) and rows[1][5] == "reviewer" and rows[1][6] == "HK"
    assert rows[1][3] == "CN" and rows[1][8] == "yes"
    api = _client(world.officer).get(
        f"/api/exchange/programmes/{world.programme.pk}/personal-data-views"
    )
    assert api.status_code == 200 and api.json()[0]["application_id"] == app.pk
