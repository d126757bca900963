"""``innobridge compiletranslations`` compiles .po catalogues with Babel (no msgfmt)."""

from __future__ import annotations

import gettext
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: zh_Hant\\n"

msgid "Organisations"
msgstr "機構"

#, fuzzy
msgid "Researchers"
msgstr "研究人員"

msgid "Untranslated"
msgstr ""
"""


def test_compiles_every_catalogue(tmp_path: Path) -> None:
    po = tmp_path / "zh_Hant" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    out = StringIO()
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("compiletranslations", stdout=out)
    assert "zh_Hant: 1 messages" in out.getvalue()
    catalogue = gettext.GNUTranslations((po.with_suffix(".mo")).open("rb"))
    assert catalogue.gettext("Organisations") == "機構"
    assert catalogue.gettext("Researchers") == "Researchers"  # fuzzy: left out
    assert catalogue.gettext("Untranslated") == "Untranslated"


def test_a_broken_catalogue_stops_the_set_up(tmp_path: Path) -> None:
    po = tmp_path / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "a"\nthis is not gettext\n', encoding="utf-8")
    with override_settings(LOCALE_PATHS=[tmp_path]), pytest.raises(CommandError):
        call_command("compiletranslations", stdout=StringIO())


def test_the_project_catalogues_compile() -> None:
    out = StringIO()
    call_command("compiletranslations", stdout=out)
    for language in ("en", "zh_Hant", "zh_Hans"):
        assert f"{language}:" in out.getvalue()
