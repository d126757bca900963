"""Locale formats (``FORMAT_MODULE_PATH``) that override Django's where a real user noticed.

Form widgets write a date with the locale's first input format, and a browser's
``<input type="date">`` accepts only ISO ``yyyy-MM-dd``: Django's Chinese locales put
``%Y/%m/%d`` first, so every pre-filled date field was blank in both Chinese UIs. Here ISO
comes first in every language; dates are *shown* in the locale's usual form (2026年12月7日),
and numbers are grouped by thousands with a comma, as money is written in Hong Kong and on
the Mainland (CNY 5,000,000.00).
"""
