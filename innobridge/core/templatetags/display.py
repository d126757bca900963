"""Showing stored content in the reader's language and script, and numbers the way the
reader writes them. A builtin library (``TEMPLATES[...]["OPTIONS"]["builtins"]``): every
template can use these filters without ``{% load %}``.

- ``{{ text|in_script }}``: Chinese user content in the UI's script (OpenCC, phrase-level
  ``s2hk`` / ``hk2s``); unchanged in the English UI. The stored text is what forms edit.
- ``{% converted_hint text %}``: a small "shown in Traditional characters; written in
  Simplified" note (with the original in its title) when ``in_script`` changed the text.
- ``{% bilingual en zh %}``: the two versions of a bilingual text, the reader's first.
- ``{{ amount|money:currency }}``: ``CNY 5,000,000.00``.
- ``{{ number|grouped }}``: ``12,345`` (``grouped:2`` for two decimals).
- ``{{ code|region_name }}``: HK → Hong Kong / 香港, CN → Mainland / 內地.
- ``{{ text|position_name }}``, ``{{ org|city_of }}``: positions and cities translated.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.numberformat import format as number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from innobridge.core import language
from innobridge.core.models import Region

register = template.Library()


@register.filter
def in_script(value: Any) -> Any:
    """User content in the UI's script (Traditional for 繁體中文, Simplified for 简体中文);
    a list (keywords, shared terms) item by item, so ``terms|in_script|join:", "`` works."""
    if isinstance(value, (list, tuple)):
        return [language.display_chinese("" if v is None else str(v)) for v in value]
    return language.display_chinese("" if value is None else str(value))


@register.simple_tag
def converted_hint(value: Any) -> SafeString | str:
    """A note when the text is shown converted from the other Chinese script."""
    text = "" if value is None else str(value)
    if not language.shown_converted(text):
        return ""
    script = language.script_for_language()
    note = (
        _("Shown in Traditional characters; written in Simplified.")
        if script == "zh-hant"
        else _("Shown in Simplified characters; written in Traditional.")
    )
    return format_html(
        '<small class="converted-hint muted" data-testid="converted-hint" title="{}">{}</small>',
        text,
        note,
    )


@register.simple_tag
def bilingual(english: Any, chinese: Any) -> list[dict[str, str]]:
    """``{% bilingual obj.title_en obj.title_zh as titles %}``: the texts that exist, the
    reader's language first; each ``{"text", "lang", "original"}`` (Chinese in the UI's
    script; ``original`` as stored)."""
    en = "" if english is None else str(english).strip()
    zh = "" if chinese is None else str(chinese).strip()
    script = language.script_for_language()
    items_en = [{"text": en, "lang": "en", "original": en}] if en else []
    items_zh = (
        [{"text": language.display_chinese(zh), "lang": script or "zh", "original": zh}]
        if zh
        else []
    )
    return items_zh + items_en if script else items_en + items_zh


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(getattr(value, "amount", value)))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


@register.filter
def grouped(value: Any, decimals: int | str = 0) -> str:
    """A number with thousands separators (``12,345``; ``grouped:2`` → ``12,345.00``)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    places = int(decimals)
    return number_format(number, ".", places, 3, ",", force_grouping=True)


@register.filter
def money(value: Any, currency: str = "") -> str:
    """``{{ amount|money:currency }}`` → ``CNY 5,000,000.00`` (a ``Money`` brings its own
    currency)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    code = currency or getattr(value, "currency", "")
    amount = number_format(number, ".", 2, 3, ",", force_grouping=True)
    return f"{code} {amount}".strip()


@register.filter
def region_name(code: Any) -> str:
    """A region code (HK, CN, MO, INT) in words in the UI's language."""
    try:
        return str(Region(str(code).upper()).label)
    except ValueError:
        return "" if code is None else str(code)


@register.filter
def position_name(value: Any) -> str:
    """A stored position in the UI's language when it is a known one."""
    return language.position_name("" if value is None else str(value))


@register.filter
def city_of(obj: Any) -> str:
    """An organisation's (or facility's) city in the UI's language, with its region."""
    if obj is None:
        return ""
    return language.city_name(
        str(getattr(obj, "city", "") or ""), str(getattr(obj, "country_code", "") or "")
    )


@register.filter
def city(value: Any) -> str:
    """A city name in the UI's language."""
    return language.city_name("" if value is None else str(value))


@register.filter
def org_name(obj: Any) -> str:
    """Anything with ``name`` and ``name_zh`` (an organisation, a funder, a scheme) by its
    name in the UI's language: the Chinese name in the UI's script in a Chinese UI when it
    has one, else the English name."""
    if obj is None:
        return ""
    return language.name_in_language(
        str(getattr(obj, "name", "") or ""), str(getattr(obj, "name_zh", "") or "")
    )
