"""``innobridge serve``: trusted reverse proxy and static files on the first start."""

from __future__ import annotations

import http.client
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from innobridge.core.management.commands import serve as serve_cmd


def _serve_once(app: Any, headers: dict[str, str], path: str = "/healthz") -> tuple[int, str]:
    """Run ``app`` under waitress on a free loopback port with the ``serve`` command's
    options and make one request from 127.0.0.1."""
    from django.urls import get_resolver
    from waitress.server import create_server

    assert get_resolver().url_patterns  # import the URL modules first (slow on a busy machine)
    server = create_server(app, host="127.0.0.1", port=0, **_options)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=60)
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        return resp.status, resp.getheader("Location") or body
    finally:
        server.close()
        thread.join(timeout=5)


_options: dict[str, Any] = {}

PROD_TLS = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "ALLOWED_HOSTS": ["innobridge.example.org", "127.0.0.1"],
}


@pytest.mark.django_db(transaction=True)
@override_settings(**PROD_TLS)
def test_https_from_the_trusted_proxy_reaches_django() -> None:
    from django.core.wsgi import get_wsgi_application

    _options.clear()
    _options.update(serve_cmd.waitress_options(2, "127.0.0.1"))
    status, body = _serve_once(
        get_wsgi_application(),
        {"Host": "innobridge.example.org", "X-Forwarded-Proto": "https"},
    )
    assert status == 200, body  # not a redirect to https: Django knows it is https
    assert '"status": "ok"' in body


@pytest.mark.django_db(transaction=True)
@override_settings(**PROD_TLS)
def test_forwarded_proto_from_an_untrusted_peer_is_ignored() -> None:
    from django.core.wsgi import get_wsgi_application

    for proxy in (None, "10.9.8.7"):  # no proxy configured; a proxy at another address
        _options.clear()
        _options.update(serve_cmd.waitress_options(2, proxy))
        status, location = _serve_once(
            get_wsgi_application(),
            {"Host": "innobridge.example.org", "X-Forwarded-Proto": "https"},
        )
        assert status == 301
        assert location.startswith("https://innobridge.example.org/")


def test_trusted_proxy_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INNOBRIDGE_TRUSTED_PROXY", "10.0.0.5")
    captured: dict[str, Any] = {}
    monkeypatch.setattr("waitress.serve", lambda app, **kw: captured.update(kw))
    call_command("serve", "--no-collectstatic", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert captured["trusted_proxy"] == "10.0.0.5"
    assert "x-forwarded-proto" in captured["trusted_proxy_headers"]
    assert captured["clear_untrusted_proxy_headers"] is True


@pytest.mark.django_db
def test_static_files_are_served_on_the_first_production_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """collectstatic runs before WhiteNoise lists STATIC_ROOT (it lists it only once)."""
    static_root = tmp_path / "static"  # empty: a first start
    captured: dict[str, Any] = {}
    monkeypatch.setattr("waitress.serve", lambda app, **kw: captured.update(app=app))
    with override_settings(
        PRODUCTION=True,
        STATIC_COLLECTED=True,
        STATIC_ROOT=static_root,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
    ):
        call_command("serve", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert (static_root / "innobridge" / "site.css").is_file()
        app = captured["app"]
        seen: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> None:
            seen["status"] = status

        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/static/innobridge/site.css",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": __import__("io").BytesIO(b""),
            "wsgi.errors": __import__("sys").stderr,
            "QUERY_STRING": "",
        }
        body = b"".join(app(environ, start_response))
    assert seen["status"].startswith("200"), seen
    assert b"{" in body  # CSS


@pytest.fixture(autouse=True)
def _garbage_collection_restored() -> Any:
    """``serve`` tunes the collector of the process it runs in: not the test run's."""
    import gc

    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_serve_freezes_what_it_loaded_and_collects_less_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from innobridge.core.management.commands import serve

    captured: dict[str, Any] = {}
    monkeypatch.setattr(
        "waitress.serve",
        lambda app, **kw: captured.update(
            threshold=gc.get_threshold(), frozen=gc.get_freeze_count()
        ),
    )
    call_command("serve", "--no-collectstatic", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert captured["threshold"] == serve.GC_THRESHOLDS
    assert captured["frozen"] > 10_000  # Django and the apps, out of the collector's sight
