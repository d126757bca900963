"""The project's translation catalogues: well-formed, placeholders kept, Chinese headers
with one plural form, Hong Kong vocabulary in zh_Hant, Mainland vocabulary in zh_Hans,
and pages actually rendered in each language."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.LOCALE_PATHS[0])
PLACEHOLDER = re.compile(r"%%|%\([A-Za-z0-9_]+\)[0-9]*[sdifr]|%[sdif]|\{[A-Za-z0-9_]*\}|<[^>]+>")


def _catalogue(language: str) -> Any:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, abort_invalid=True)


@pytest.mark.parametrize("language", ["zh_Hant", "zh_Hans"])
def test_chinese_catalogue_header_has_one_plural_form(language: str) -> None:
    catalogue = _catalogue(language)
    assert catalogue.num_plurals == 1
    assert catalogue.plural_expr.strip() == "0"


@pytest.mark.parametrize("language", ["zh_Hant", "zh_Hans"])
def test_translations_keep_every_placeholder(language: str) -> None:
    problems = []
    for message in _catalogue(language):
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple):  # plural: the one Chinese form follows the plural
            source, strings = message.id[1], [s for s in message.string if s]
        else:
            source, strings = message.id, [message.string]
        want = sorted(PLACEHOLDER.findall(source))
        for text in strings:
            if sorted(PLACEHOLDER.findall(text)) != want:
                problems.append((source, text))
    assert problems == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
@pytest.mark.parametrize("language", ["en", "zh_Hant", "zh_Hans"])
def test_msgfmt_check_passes(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_traditional_chinese_uses_hong_kong_vocabulary() -> None:
    strings = " ".join(
        m.string if isinstance(m.string, str) else " ".join(m.string)
        for m in _catalogue("zh_Hant")
        if m.id
    )
    for mainland_or_taiwan in ("登錄", "用户", "信息", "軟體", "網路", "賬", "电", "上傳", "默認"):
        assert mainland_or_taiwan not in strings
    for hong_kong in ("登入", "電郵", "用戶", "帳戶", "上載"):
        assert hong_kong in strings


def test_simplified_chinese_uses_mainland_vocabulary() -> None:
    strings = " ".join(
        m.string if isinstance(m.string, str) else " ".join(m.string)
        for m in _catalogue("zh_Hans")
        if m.id
    )
    for traditional in ("登入", "電郵", "帳戶", "網絡", "資訊"):
        assert traditional not in strings
    for mainland in ("登录", "电子邮件", "用户", "账户", "上传"):
        assert mainland in strings


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookie", "expected", "absent"),
    [
        ("zh-hant", ["登入", "註冊", "尋找合作夥伴"], ["Log in", "Sign up"]),
        ("zh-hans", ["登录", "注册", "寻找合作伙伴"], ["Log in", "Sign up"]),
        ("en", ["Log in", "Sign up", "Find a partner"], ["登录", "登入"]),
    ],
)
def test_home_page_in_each_language(
    client: Any, cookie: str, expected: list[str], absent: list[str]
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    html = client.get("/").content.decode()
    for text in expected:
        assert text in html
    for text in absent:
        assert text not in html


def test_reviewer_assignment_obstacles_are_translated() -> None:
    from innobridge.funding.matching import localised_obstacle

    obstacle = {
        "kind": "item_region_missing",
        "message": "item #7 Soft robots needs a reviewer from CN but every CN reviewer is ...",
        "item": "#7 Soft robots",
        "region": "CN",
        "needed": 1,
        "available": 0,
    }
    with translation.override("zh-hans"):
        out = localised_obstacle(obstacle)
    assert "#7 Soft robots" in out["message"] and "内地" in out["message"]
    assert out["detail"] == obstacle["message"]
    with translation.override("en"):
        unknown = localised_obstacle({"kind": "unknown", "message": "infeasible"})
    assert unknown["message"] == "No assignment meets the constraints of this call."


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext not installed")
def test_every_marked_string_is_translated(tmp_path: Path, settings: Any, monkeypatch: Any) -> None:
    """Re-extract the catalogues from a copy of the sources (as `make messages` does): no
    string the code or a template marks for translation may be missing or untranslated."""
    from django.core.management import call_command

    source = Path(settings.BASE_DIR) / "innobridge"
    copy = tmp_path / "innobridge"
    shutil.copytree(
        source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "node_modules")
    )
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hant", "zh_Hans"], no_obsolete=True, verbosity=0)
    missing: dict[str, list[str]] = {}
    for language in ("zh_Hant", "zh_Hans"):
        with (copy / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                ident = message.id[0] if isinstance(message.id, tuple) else message.id
                missing.setdefault(language, []).append(ident)
    assert missing == {}, "run `make messages` and translate: " + repr(missing)[:2000]


def test_traditional_chinese_uses_hong_kong_common_character_forms() -> None:
    """閱 (訂閱), 說, 稅, 群: the forms Hong Kong sites use, not OpenCC s2hk 閲 / 説 / 税 / 羣."""
    strings = " ".join(
        m.string if isinstance(m.string, str) else " ".join(m.string)
        for m in _catalogue("zh_Hant")
        if m.id
    )
    for variant in ("閲", "説", "税", "羣"):
        assert variant not in strings
    assert "訂閱" in strings
