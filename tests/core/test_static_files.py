"""Static files as ``innobridge serve`` sends them with DEBUG off (core/staticstorage.py):
collected under content-hashed names with gzip and brotli copies, sent compressed with a
year-long immutable Cache-Control; Plotly's library only on pages that draw a chart."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, override_settings

from innobridge.core.staticstorage import ReusingCompressor

PLOTLY = "vendor/plotly/plotly.min.js"
COLLECTED = {
    "STATIC_COLLECTED": True,
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "innobridge.core.staticstorage.StaticStorage"},
    },
    "WHITENOISE_USE_FINDERS": False,
    "WHITENOISE_AUTOREFRESH": False,
    "DEBUG": False,
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own static files collected as ``innobridge serve`` does (Django's
    admin and the API docs' bundles left out, and brotli at a fast level rather than its
    best: they only cost time here)."""
    import brotli

    root = tmp_path_factory.mktemp("static")
    with (
        pytest.MonkeyPatch.context() as mp,
        override_settings(STATIC_ROOT=root, **COLLECTED),
    ):
        fast = staticmethod(lambda data: brotli.compress(data, quality=4))
        mp.setattr(ReusingCompressor, "compress_brotli", fast)
        call_command(
            "collectstatic",
            interactive=False,
            verbosity=0,
            ignore_patterns=["admin", "ninja", "django_otp", "otp_totp"],
        )
    return root


def _get(root: Path, url: str, encoding: str) -> Any:
    from whitenoise.middleware import WhiteNoiseMiddleware

    with override_settings(STATIC_ROOT=root, **COLLECTED):
        middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        return middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING=encoding))


def test_plotly_is_sent_compressed_and_cached_for_a_year(collected: Path) -> None:
    with override_settings(STATIC_ROOT=collected, **COLLECTED):
        url = Template("{% load static %}{% static path %}").render(Context({"path": PLOTLY}))
    assert url.startswith("/static/vendor/plotly/plotly.min.") and url != f"/static/{PLOTLY}"
    size = (collected / PLOTLY).stat().st_size
    for encoding, expected in (("gzip", "gzip"), ("gzip, deflate, br", "br")):
        r = _get(collected, url, encoding)
        assert r.status_code == 200
        assert r["Content-Encoding"] == expected
        assert "immutable" in r["Cache-Control"]
        assert "max-age=315360000" in r["Cache-Control"]  # ten years: the name is its hash
        assert int(r["Content-Length"]) < size / 3  # 4.8 MB → 1.5 MB (gzip), 1.1 MB (br)
        assert "Accept-Encoding" in r["Vary"]
        r.file_to_stream.close()
    plain = _get(collected, url, "")
    assert "Content-Encoding" not in plain and int(plain["Content-Length"]) == size
    plain.file_to_stream.close()


def test_a_restart_keeps_current_compressed_copies(tmp_path: Path) -> None:
    script = tmp_path / "app.abcdef123456.js"
    script.write_text("var a = 1;\n" * 2000)
    plain = tmp_path / "app.js"
    plain.write_text("var a = 1;\n" * 2000)
    first = ReusingCompressor(hashed={str(script)}, quiet=True)
    made = sorted(first.compress(str(script)) + first.compress(str(plain)))
    assert made == sorted(str(p) + s for p in (script, plain) for s in (".br", ".gz"))
    stamps = {m: os.stat(m).st_mtime_ns for m in made}
    # the hashed file re-saved (collectstatic does so): its copies still match its name
    script.write_text(script.read_text())
    again = ReusingCompressor(hashed={str(script)}, quiet=True)
    assert sorted(again.compress(str(script))) == [f"{script}.br", f"{script}.gz"]
    for copy in (f"{script}.br", f"{script}.gz"):
        assert os.stat(copy).st_mtime_ns == stamps[copy]
    # an unhashed file that changed is compressed again
    plain.write_text("var b = 2;\n" * 2000)
    os.utime(plain, (1, 1))
    again.compress(str(plain))
    assert os.stat(f"{plain}.gz").st_mtime == os.stat(plain).st_mtime == 1
    assert not list(tmp_path.glob("*.part"))


def _has_plotly(client: Any, url: str) -> bool:
    r = client.get(url)
    assert r.status_code == 200, url
    body = r.content.decode()
    return PLOTLY in body and "innobridge/charts.js" in body


@pytest.mark.django_db
def test_only_pages_that_draw_a_chart_load_plotly(client: Any, make_person: Any) -> None:
    """Pages without a chart do not load the library (facilities' reports, transfer's
    funnel and plan's indicator pages, which do, are checked in their apps' tests)."""
    import datetime as dt

    from innobridge.plan.models import Area, ContextSeries

    for url in ("/", "/facilities/", "/funding/", "/transfer/", "/exchange/", "/plan/public/"):
        assert not _has_plotly(client, url), url
    client.force_login(make_person("charts-officer", roles=("programme_officer",)))
    area = f"/plan/area/{Area.JOINT_RESEARCH.value}/"
    assert not _has_plotly(client, "/plan/")
    assert not _has_plotly(client, area)
    series = ContextSeries.objects.create(
        key="gerd",
        area=Area.JOINT_RESEARCH,
        name_en="Gross domestic expenditure on R&D",
        unit="HKD m",
        source_name="Census and Statistics Department",
        licence="Open data",
    )
    assert not _has_plotly(client, area)  # a series with no values draws nothing
    series.values.create(period="2024", period_start=dt.date(2024, 1, 1), value=1)
    assert _has_plotly(client, area)


def test_a_static_address_is_looked_up_once_and_as_djangos_storage_gives_it(
    collected: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.staticfiles.storage import HashedFilesMixin

    from innobridge.core.staticstorage import StaticStorage

    with override_settings(STATIC_ROOT=collected, **COLLECTED):
        storage = StaticStorage()
        expected = HashedFilesMixin.url(storage, "innobridge/site.css")
        assert expected != "/static/innobridge/site.css"  # the hashed name
        looked_up: list[str] = []
        stored_name = storage.stored_name
        monkeypatch.setattr(
            storage, "stored_name", lambda name: looked_up.append(name) or stored_name(name)
        )
        assert storage.url("innobridge/site.css") == expected
        assert storage.url("innobridge/site.css") == expected
        assert looked_up == ["innobridge/site.css"]
        with override_settings(DEBUG=True):
            assert storage.url("innobridge/site.css") == "/static/innobridge/site.css"
