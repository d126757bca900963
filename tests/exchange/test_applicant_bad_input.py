"""The applicant's side of exchanges under bad input: applying (page and API), the
application's documents, referees and the referee's upload link. Every bad value is a
4xx or a form error naming the field — never a 500, never something half-written."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from innobridge.exchange import services
from innobridge.exchange.models import Application, ApplicationDocument, Referee, RefereeState

from .conftest import PDF, draft, pdf

pytestmark = pytest.mark.django_db

LONG = "x" * 10_001
BAD_TEXT = ["\x00", "x" * 20_001]
BAD_NUMBERS: list[Any] = [-1, 1e20, 2**63, "NaN", "inf", "", None]
BAD_DATES = ["0000-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "tomorrow", ""]


def _client(person: Any) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(person)
    return c


def _apply_form(world: Any, **over: Any) -> dict[str, Any]:
    today = timezone.localdate()
    form: dict[str, Any] = {
        "statement": "Graph neural networks for proteins.",
        "birth_date": today.replace(year=today.year - 30).isoformat(),
        "phd_date": today.replace(year=today.year - 1).isoformat(),
        "career_stage": "early",
        "home_region": "CN",
        "home_organisation": world.zju.name,  # typed in a box that suggests
        "languages": ["en"],
        "public_consent": "on",
    }
    form.update(over)
    return {k: v for k, v in form.items() if v is not None}


def _apply_json(world: Any, **over: Any) -> dict[str, Any]:
    today = timezone.localdate()
    body: dict[str, Any] = {
        "statement": "Graph neural networks for proteins.",
        "birth_date": today.replace(year=today.year - 30).isoformat(),
        "home_region": "CN",
        "home_organisation_id": world.zju.pk,
        "languages": ["en"],
    }
    body.update(over)
    return body


# --------------------------------------------------------------------------- applying


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[("statement", v) for v in BAD_TEXT],
        *[("birth_date", v) for v in BAD_DATES[:-1]],
        *[("phd_date", v) for v in BAD_DATES[:-1]],
        *[("home_organisation", str(v)) for v in BAD_NUMBERS if v is not None]
        + [("home_organisation", None), ("home_organisation", LONG), ("home_organisation", "\x00")],
        ("home_region", "XX"),
        ("home_region", LONG),
        ("home_region", None),
        ("career_stage", "astronaut"),
        ("career_stage", LONG),
        ("languages", ["tlh"]),
        ("languages", [LONG]),
    ],
)
def test_the_apply_page_refuses_each_bad_value_and_stores_nothing(
    world: Any, field: str, value: Any
) -> None:
    c = _client(world.applicant)
    url = f"/exchange/programmes/{world.programme.pk}/apply/"
    r = c.post(url, _apply_form(world, **{field: value}))
    assert r.status_code in (200, 400), r.status_code
    assert not Application.objects.exists()
    if r.status_code == 200:  # the form again, the error beside the field
        assert r.context["form"].errors.get(field), r.context["form"].errors


def test_a_lone_surrogate_posted_to_the_apply_page_never_reaches_the_database(
    world: Any,
) -> None:
    """A form post can carry a lone surrogate only as the bytes of its CESU-8 form, which
    is not UTF-8: they are read as replacement characters, storable everywhere."""
    c = _client(world.applicant)
    r = c.post(
        f"/exchange/programmes/{world.programme.pk}/apply/",
        "statement=a%ED%A0%80b&home_region=CN&home_organisation=Zhejiang+University",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code in (302, 400)
    for statement in Application.objects.values_list("statement", flat=True):
        statement.encode("utf-8")  # no lone surrogate


def test_the_apply_page_takes_good_input(world: Any) -> None:
    r = _client(world.applicant).post(
        f"/exchange/programmes/{world.programme.pk}/apply/", _apply_form(world)
    )
    assert r.status_code == 302 and Application.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("statement", LONG * 2),
        ("statement", 5),
        ("statement", None),
        *[("birth_date", v) for v in BAD_DATES],
        *[("phd_date", v) for v in BAD_DATES],
        *[("home_organisation_id", v) for v in BAD_NUMBERS],
        ("home_organisation_id", 999_999),
        ("home_region", "XX"),
        ("home_region", LONG),
        ("career_stage", "astronaut"),
        ("career_stage", LONG),
        ("languages", ["tlh"]),
        ("languages", "en"),
        ("languages", ["en"] * 10_001),
        ("languages", ["en", "en"]),
        ("languages", [["en"]]),
        ("public_consent", "maybe"),
    ],
)
def test_the_apply_api_refuses_each_bad_value_naming_the_field(
    world: Any, field: str, value: Any
) -> None:
    c = _client(world.applicant)
    body = json.dumps(_apply_json(world, **{field: value}))  # NaN and inf as JSON's own
    r = c.post(
        f"/api/exchange/programmes/{world.programme.pk}/applications",
        body,
        content_type="application/json",
    )
    assert r.status_code in (404, 422), (r.status_code, r.content[:300])
    if r.status_code == 422:
        locs = [e["loc"] for e in r.json()["detail"]]
        assert any(field in loc or field.removesuffix("_id") in loc for loc in locs), locs
    assert not Application.objects.exists()


@pytest.mark.parametrize("code", ["tlh", "zh-hantx", "x" * 11, "EN"])
def test_an_unknown_language_code_is_a_422_naming_languages(world: Any, code: str) -> None:
    """The schema bounds each code at the longest ``Language`` value and the list at one
    of each; the model's check refuses a code that is not one of them."""
    from innobridge.exchange.schemas import ApplicationIn
    from innobridge.people.models import Language

    prop = ApplicationIn.model_json_schema()["properties"]["languages"]
    assert prop["items"]["maxLength"] == max(len(v) for v in Language.values) == 7
    assert prop["maxItems"] == len(Language) == 3
    r = _client(world.applicant).post(
        f"/api/exchange/programmes/{world.programme.pk}/applications",
        _apply_json(world, languages=["en", code]),
        content_type="application/json",
    )
    assert r.status_code == 422, r.content[:300]
    assert any("languages" in e["loc"] for e in r.json()["detail"]), r.json()
    assert not Application.objects.exists()


@pytest.mark.parametrize("field", ["home_region", "home_organisation_id"])
def test_the_apply_api_refuses_a_missing_required_field(world: Any, field: str) -> None:
    body = _apply_json(world)
    del body[field]
    r = _client(world.applicant).post(
        f"/api/exchange/programmes/{world.programme.pk}/applications",
        body,
        content_type="application/json",
    )
    assert r.status_code == 422
    assert any(field in e["loc"] for e in r.json()["detail"])
    assert not Application.objects.exists()


@pytest.mark.parametrize("text", ["\x00", "\ud800"])
def test_the_apply_api_refuses_nul_and_lone_surrogates(world: Any, text: str) -> None:
    body = json.dumps(_apply_json(world, statement=f"a{text}b"))
    r = _client(world.applicant).post(
        f"/api/exchange/programmes/{world.programme.pk}/applications",
        body,
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "statement"]
    assert not Application.objects.exists()


def test_the_apply_api_refuses_a_huge_and_a_deeply_nested_body(world: Any) -> None:
    c = _client(world.applicant)
    url = f"/api/exchange/programmes/{world.programme.pk}/applications"
    huge = json.dumps(_apply_json(world, statement="x" * (3 * 1024 * 1024)))
    assert c.post(url, huge, content_type="application/json").status_code == 413
    deep = '{"statement": ' + "[" * 10_000 + "]" * 10_000 + "}"
    assert c.post(url, deep, content_type="application/json").status_code == 400
    assert not Application.objects.exists()


@pytest.mark.parametrize("pk", [0, -1, 2**31, 2**63, "abc"])
def test_applying_to_a_programme_that_is_not_there_is_a_404(world: Any, pk: Any) -> None:
    c = _client(world.applicant)
    r = c.post(
        f"/api/exchange/programmes/{pk}/applications",
        _apply_json(world),
        content_type="application/json",
    )
    assert r.status_code in (404, 422)
    assert c.get(f"/exchange/programmes/{pk}/apply/").status_code == 404
    assert not Application.objects.exists()


# --------------------------------------------------------------------------- the draft


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("statement", "\x00"),
        ("statement", LONG * 2),
        ("birth_date", "9999-12-31"),
        ("birth_date", "0001-01-01"),
        ("home_organisation", "999999"),
        ("home_organisation", str(2**63)),
        ("home_region", "XX"),
    ],
)
def test_saving_the_draft_with_a_bad_value_changes_nothing_and_says_which_field(
    world: Any, field: str, value: str
) -> None:
    app = draft(world)
    before = Application.objects.values().get(pk=app.pk)
    form = _apply_form(world, **{field: value})
    r = _client(world.applicant).post(
        f"/exchange/applications/{app.pk}/", {"action": "save", **form}, follow=True
    )
    assert r.status_code in (200, 400)
    assert Application.objects.values().get(pk=app.pk) == before
    if r.status_code == 200:
        shown = [str(m) for m in r.context["messages"]]
        label = str(Application._meta.get_field(field).verbose_name)
        assert any(label.lower() in m.lower() for m in shown), shown


def test_another_applicants_draft_is_out_of_reach_on_the_page_and_in_the_api(
    world: Any, make_person: Any
) -> None:
    other = draft(world, make_person("other-applicant"))
    before = Application.objects.values().get(pk=other.pk)
    c = _client(world.applicant)
    r = c.post(
        f"/exchange/applications/{other.pk}/",
        {"action": "save", **_apply_form(world, statement="mine now")},
    )
    assert r.status_code in (403, 404)
    r = c.put(
        f"/api/exchange/applications/{other.pk}/preferences",
        {"placement_ids": [world.p1.pk]},
        content_type="application/json",
    )
    assert r.status_code in (403, 404)
    r = c.post(
        f"/api/exchange/applications/{other.pk}/referees",
        {"name": "R", "email": "r@example.org"},
        content_type="application/json",
    )
    assert r.status_code in (403, 404)
    assert Application.objects.values().get(pk=other.pk) == before
    assert not other.preferences.exists() and not other.referees.exists()


@pytest.mark.parametrize(
    "ids",
    [
        [-1],
        [0],
        [2**31],
        [2**63],
        [2**64],
        ["abc"],
        [1.5],
        [None],
        "1",
        [1] * 10_001,
    ],
)
def test_bad_placement_ids_in_the_preferences_api_are_a_422(world: Any, ids: Any) -> None:
    app = draft(world)
    r = _client(world.applicant).put(
        f"/api/exchange/applications/{app.pk}/preferences",
        json.dumps({"placement_ids": ids}),
        content_type="application/json",
    )
    assert r.status_code == 422, (r.status_code, r.content[:300])
    locs = [e["loc"] for e in r.json()["detail"]]
    assert any("placement_ids" in loc or "preferences" in loc for loc in locs), locs
    assert not app.preferences.exists()


@pytest.mark.parametrize("value", ["-1", "abc", str(2**63), "999999", "1.5", LONG])
def test_bad_placement_ids_on_the_preferences_form_change_nothing(world: Any, value: str) -> None:
    app = draft(world)
    services.set_preferences(world.applicant, app, [world.p1.pk])
    r = _client(world.applicant).post(
        f"/exchange/applications/{app.pk}/", {"action": "preferences", "choice_1": value}
    )
    assert r.status_code in (302, 400)
    assert list(app.preferences.values_list("placement_id", flat=True)) == [world.p1.pk]


# --------------------------------------------------------------------------- documents


def _upload(world: Any, app: Any, upload: Any, kind: str = "cv") -> Any:
    return _client(world.applicant).post(
        f"/exchange/applications/{app.pk}/",
        {"action": "document", "kind": kind, "file": upload},
        follow=True,
    )


def _files() -> list[Any]:
    return sorted(p.name for p in _media().rglob("*") if p.is_file())


def _media() -> Any:
    from pathlib import Path

    from django.conf import settings

    return Path(settings.MEDIA_ROOT)


@pytest.mark.parametrize(
    ("name", "content", "kind", "message"),
    [
        ("empty.pdf", b"", "cv", "Upload a PDF file."),
        ("letter.pdf", b"GIF89a not a pdf", "cv", "Upload a PDF file."),
        ("letter.exe", PDF, "cv", "Upload a PDF file."),
        ("letter.pdf", PDF, "passport", "Upload a PDF file."),
        ("letter.pdf", PDF, LONG, "Upload a PDF file."),
        ("huge.pdf", PDF + b"0" * (10 * 1024 * 1024), "cv", "A document may be at most 10 MB."),
    ],
)
def test_a_bad_document_is_refused_with_a_message_and_nothing_is_kept(
    world: Any, name: str, content: bytes, kind: str, message: str
) -> None:
    app = draft(world)
    before = _files()
    r = _upload(world, app, SimpleUploadedFile(name, content, "application/pdf"), kind)
    assert r.status_code == 200
    assert message in [str(m) for m in r.context["messages"]]
    assert not ApplicationDocument.objects.exists()
    assert _files() == before


def test_a_document_the_service_refuses_leaves_no_file_and_no_row(world: Any) -> None:
    """The row's own checks (here a kind the API or another caller may pass) run before
    the file is written."""
    app = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.add_document(world.applicant, app, kind="passport", upload=pdf("cv.pdf"))
    assert "kind" in exc.value.message_dict
    assert not ApplicationDocument.objects.exists() and _files() == []


def test_a_failure_after_the_file_is_written_leaves_no_file(world: Any, monkeypatch: Any) -> None:
    from innobridge.exchange.services import applications

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit failed")

    app = draft(world)
    monkeypatch.setattr(applications, "record_event", boom)
    with pytest.raises(RuntimeError):
        services.add_document(world.applicant, app, kind="cv", upload=pdf("cv.pdf"))
    assert not ApplicationDocument.objects.exists() and _files() == []


def test_a_letter_whose_audit_fails_leaves_no_file(world: Any, monkeypatch: Any) -> None:
    from innobridge.exchange.services import referees

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit failed")

    app = draft(world)
    ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    monkeypatch.setattr(referees, "record_event", boom)
    with pytest.raises(RuntimeError):
        services.upload_letter(token, pdf())
    ref.refresh_from_db()
    assert ref.state == RefereeState.INVITED and not ref.letter and _files() == []


def test_a_nul_in_the_document_name_never_reaches_a_file_name(world: Any) -> None:
    """The multipart reader drops the NUL (or the request guard refuses it: 400)."""
    app = draft(world)
    r = _upload(world, app, SimpleUploadedFile("cv\x00.pdf", PDF, "application/pdf"))
    assert r.status_code in (200, 400)
    assert all("\x00" not in d.file.name for d in ApplicationDocument.objects.all())


def test_an_overlong_document_name_is_stored_shortened(world: Any) -> None:
    app = draft(world)
    r = _upload(world, app, SimpleUploadedFile("a" * 300 + ".pdf", PDF, "application/pdf"))
    assert r.status_code == 200
    assert "Uploaded." in [str(m) for m in r.context["messages"]]
    doc = ApplicationDocument.objects.get()
    assert doc.file.name.endswith(".pdf") and len(doc.file.name) <= 100
    assert doc.file.read() == PDF


def test_a_document_of_another_application_is_a_404(world: Any, make_person: Any) -> None:
    app = draft(world)
    other = draft(world, make_person("other-applicant"))
    doc = services.add_document(other.applicant, other, kind="cv", upload=pdf())
    c = _client(world.applicant)
    assert c.get(f"/exchange/applications/{app.pk}/documents/{doc.pk}/").status_code == 404
    assert c.get(f"/exchange/applications/{other.pk}/documents/{doc.pk}/").status_code in (
        403,
        404,
    )
    n = ApplicationDocument.objects.count()
    r = c.post(
        f"/exchange/applications/{other.pk}/", {"action": "document", "kind": "cv", "file": pdf()}
    )
    assert r.status_code in (403, 404) and ApplicationDocument.objects.count() == n


# --------------------------------------------------------------------------- referees


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "\x00"),
        ("name", "x" * 201),
        ("email", "not-an-address"),
        ("email", "a" * 250 + "@example.org"),
        ("email", ""),
        ("language", "tlh"),
    ],
)
def test_a_bad_referee_is_refused_on_the_page_and_in_the_api(
    world: Any, field: str, value: str
) -> None:
    app = draft(world)
    c = _client(world.applicant)
    data = {"name": "Prof. Ref", "email": "ref@example.org", "language": "", field: value}
    r = c.post(f"/exchange/applications/{app.pk}/", {"action": "referee", **data}, follow=True)
    assert r.status_code in (200, 400)
    r = c.post(
        f"/api/exchange/applications/{app.pk}/referees",
        json.dumps(data),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert any(field in e["loc"] for e in r.json()["detail"]), r.json()
    assert not Referee.objects.exists()


# --------------------------------------------------------------------------- the link


def _letter(name: str = "letter.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize("token", ["wrong", "x" * 10_001, "%20", "..", "a/b"])
def test_a_wrong_referee_link_is_a_clear_error(world: Any, token: str) -> None:
    c = Client(raise_request_exception=False)
    r = c.get(f"/exchange/referee/{token}/")
    assert r.status_code in (404, 410)
    r = c.post(f"/exchange/referee/{token}/", {"letter": _letter()})
    assert r.status_code in (404, 410)
    assert not Referee.objects.filter(state=RefereeState.RECEIVED).exists()


def test_a_nul_or_surrogate_in_the_link_is_a_4xx(world: Any) -> None:
    c = Client(raise_request_exception=False)
    assert c.get("/exchange/referee/a%00b/").status_code == 400
    assert c.get("/exchange/referee/a%ED%A0%80b/").status_code in (400, 404, 410)


def test_an_expired_link_is_a_410_and_takes_no_letter(world: Any) -> None:
    app = draft(world)
    ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    Referee.objects.filter(pk=ref.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    c = Client(raise_request_exception=False)
    r = c.post(f"/exchange/referee/{token}/", {"letter": _letter()})
    assert r.status_code == 410 and "expired" in r.content.decode()
    ref.refresh_from_db()
    assert ref.state == RefereeState.INVITED and not ref.letter


def test_a_used_or_replaced_link_is_a_410(world: Any) -> None:
    app = draft(world)
    ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    new_token = services.resend_invitation(world.applicant, ref)
    c = Client(raise_request_exception=False)
    assert c.post(f"/exchange/referee/{token}/", {"letter": _letter()}).status_code == 410
    assert c.post(f"/exchange/referee/{new_token}/", {"letter": _letter()}).status_code == 200
    ref.refresh_from_db()
    assert ref.state == RefereeState.RECEIVED
    first = ref.letter.name
    r = c.post(f"/exchange/referee/{new_token}/", {"letter": _letter("second.pdf")})
    assert r.status_code == 410
    ref.refresh_from_db()
    assert ref.letter.name == first


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.pdf", b""),
        ("letter.pdf", b"not a pdf at all"),
        ("letter.docx", PDF),
        ("huge.pdf", PDF + b"0" * (10 * 1024 * 1024)),
    ],
)
def test_a_bad_letter_is_a_form_error_and_the_link_still_works(
    world: Any, name: str, content: bytes
) -> None:
    app = draft(world)
    ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    before = _files()
    c = Client(raise_request_exception=False)
    r = c.post(f"/exchange/referee/{token}/", {"letter": _letter(name, content)})
    assert r.status_code == 200
    assert r.context["form"].errors.get("letter"), r.context["form"].errors
    ref.refresh_from_db()
    assert ref.state == RefereeState.INVITED and not ref.letter
    assert _files() == before
    assert c.get(f"/exchange/referee/{token}/").status_code == 200


def test_a_nul_in_a_letters_name_never_reaches_a_file_name(world: Any) -> None:
    app = draft(world)
    ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    c = Client(raise_request_exception=False)
    r = c.post(f"/exchange/referee/{token}/", {"letter": _letter("l\x00.pdf")})
    assert r.status_code in (200, 400)
    ref.refresh_from_db()
    assert "\x00" not in ref.letter.name


def test_a_letter_with_an_overlong_name_is_stored_shortened(world: Any) -> None:
    app = draft(world)
    ref, token = services.invite_referee(world.applicant, app, name="R", email="r@example.org")
    c = Client(raise_request_exception=False)
    r = c.post(f"/exchange/referee/{token}/", {"letter": _letter("b" * 300 + ".pdf")})
    assert r.status_code == 200
    ref.refresh_from_db()
    assert ref.state == RefereeState.RECEIVED and len(ref.letter.name) <= 100


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Home institution"), ("zh-hant", "所屬單位"), ("zh-hans", "所属单位")],
)
def test_a_draft_saved_with_an_unknown_institution_names_the_field_as_shown(
    world: Any, language: str, label: str
) -> None:
    app = draft(world)
    c = _client(world.applicant)
    c.cookies["innobridge_language"] = language
    r = c.post(
        f"/exchange/applications/{app.pk}/",
        {"action": "save", **_apply_form(world, home_organisation="Atlantis")},
        follow=True,
    )
    shown = [str(m) for m in r.context["messages"]]
    assert any(m.startswith(f"{label}: ") for m in shown), shown
    assert not any("home_organisation" in m for m in shown), shown
