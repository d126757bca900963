"""Template filters for organisation pages: ``{% load organisations %}``."""

from __future__ import annotations

from django import template

from innobridge.core.language import display_chinese

register = template.Library()


@register.filter
def chinese(value: str | None) -> str:
    """Chinese text in the UI's script (Traditional for 繁體中文, Simplified for 简体中文);
    unchanged in the English UI."""
    return display_chinese(value or "")
