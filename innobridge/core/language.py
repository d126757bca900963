"""Language and script helpers for the web layer.

User content keeps the language it was written in; for search it is folded
(NFKC, case, Traditional→Simplified) so that 香港科技大學 and 香港科技大学 meet.
The folding itself belongs to the matching engine's ``text`` module; this module
only adapts it to the request's UI language.
"""

from __future__ import annotations

from django.utils import translation

from innobridge.matching.text import fold, to_script

__all__ = ["display_chinese", "fold", "name_in_language", "script_for_language", "to_script"]


def script_for_language(language_code: str | None = None) -> str | None:
    """``zh-hant`` / ``zh-hans`` for a Chinese UI language, else None."""
    code = (language_code or translation.get_language() or "").lower()
    if code.startswith("zh-hant") or code in {"zh-hk", "zh-tw", "zh-mo"}:
        return "zh-hant"
    if code.startswith("zh"):
        return "zh-hans"
    return None


def display_chinese(text: str, language_code: str | None = None) -> str:
    """Chinese text in the script of the UI (Traditional for 繁體中文, Simplified
    for 简体中文); unchanged for other UI languages."""
    script = script_for_language(language_code)
    if not text or script is None:
        return text
    return to_script(text, script)


def name_in_language(name: str, name_zh: str, language_code: str | None = None) -> str:
    """A bilingual name (an organisation's, a partner institution's) in the UI's
    language: in 繁體中文 and 简体中文 the Chinese name, in the UI's script, when there is
    one; else the English name."""
    script = script_for_language(language_code)
    if name_zh and script is not None:
        return to_script(name_zh, script)
    return name
