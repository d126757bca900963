"""Production and demo defects of issue #10: uploads never at a public /media/ address,
DEBUG off unless asked for, Swagger UI from the project's own static files, e-mail links
following the demo's port."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import Resolver404, get_resolver

ROOT = Path(__file__).resolve().parents[2]


def test_no_media_url_even_with_debug_on(settings: Any) -> None:
    import innobridge.urls

    settings.DEBUG = True
    try:
        module = importlib.reload(innobridge.urls)
        resolver = get_resolver(module)
        with pytest.raises(Resolver404):
            resolver.resolve("/media/funding/attachments/secret.pdf")
    finally:
        settings.DEBUG = False
        importlib.reload(innobridge.urls)


@pytest.mark.django_db
def test_media_file_is_not_served(client: Client, settings: Any) -> None:
    media = Path(settings.MEDIA_ROOT)
    (media / "funding").mkdir(parents=True, exist_ok=True)
    (media / "funding" / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    response = client.get("/media/funding/secret.pdf")
    assert response.status_code == 404
    assert b"%PDF-1.4 secret" not in b"".join(
        getattr(response, "streaming_content", [response.content])
    )


def test_debug_is_off_by_default_in_embedded_mode(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "INNOBRIDGE_ENV"}}
    env.update(DJANGO_SETTINGS_MODULE="innobridge.settings", INNOBRIDGE_VAR_DIR=str(tmp_path))
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.django_db
def test_api_docs_load_swagger_ui_from_the_project(client: Client) -> None:
    html = client.get("/api/docs").content.decode()
    assert "cdn.jsdelivr" not in html and "unpkg" not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert f"/static/{asset}" in html
        assert finders.find(asset), asset


@pytest.mark.django_db
def test_demo_port_sets_site_url_for_email_links(settings: Any, monkeypatch: Any) -> None:
    from django.core.management import call_command

    from innobridge.core.management.commands import demo

    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("INNOBRIDGE_DEMO", "0")  # the command sets it; restored after
    monkeypatch.setattr(demo, "demo_modules", lambda: iter(()))
    monkeypatch.setattr(demo, "call_command", lambda *a, **k: None)
    settings.SITE_URL = "http://127.0.0.1:8000"
    call_command("demo", "--no-serve", "--skip-ror", "--port", "8080")
    assert settings.SITE_URL == "http://127.0.0.1:8080"
    assert demo.site_url("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert demo.site_url("::1", 9000) == "http://[::1]:9000"
