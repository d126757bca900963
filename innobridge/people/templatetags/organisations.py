"""Template filters for organisation pages: ``{% load organisations %}``."""

from __future__ import annotations

from typing import Any

from django import template

from innobridge.core.language import display_chinese, name_in_language

register = template.Library()


@register.filter
def chinese(value: str | None) -> str:
    """Chinese text in the UI's script (Traditional for 繁體中文, Simplified for 简体中文);
    unchanged in the English UI."""
    return display_chinese(value or "")


@register.filter
def org_name(organisation: Any) -> str:
    """An organisation's name in the UI's language: in 繁體中文 and 简体中文 its Chinese
    name (in the UI's script) when it has one, else its English name."""
    if organisation is None:
        return ""
    return name_in_language(str(organisation.name), str(getattr(organisation, "name_zh", "") or ""))
