"""Django's ``i18n`` library with a ``{% translate %}`` that remembers its output
(issue #17). ``TEMPLATES[...]["OPTIONS"]["libraries"]`` maps ``{% load i18n %}`` here; every
other tag and filter is Django's own.

``{% translate "Log out" %}`` looks the message up in the catalogue each time it renders
(~10 µs; a page renders dozens). When the message is a literal without filters, and its
context (if any) is a literal too, the output depends only on the active language and on
whether the template escapes, so the node keeps it per (language, autoescape) — catalogues
are loaded once per process and not changed while it runs. A variable message
(``{% translate some_var %}``) is looked up every time, as before. ``makemessages`` finds
the messages exactly as before: the tags keep their names and syntax.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


# Bumped when a setting changes (a test overriding the languages or the catalogues' paths):
# what the nodes kept before is not used again.
_generation = [0]


def _settings_changed(**kwargs: Any) -> None:
    _generation[0] += 1


setting_changed.connect(_settings_changed, dispatch_uid="innobridge.core.memo_i18n")


def _literal(expression: Any) -> bool:
    return (
        expression is not None
        and not expression.filters
        and isinstance(expression.var, template.Variable)
        and expression.var.literal is not None
    )


class TranslateNode(django_i18n.TranslateNode):
    """Django's node, keeping its output per language when the message is a literal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outputs: dict[tuple[int, str | None, bool], str] = {}
        self.constant = _literal(self.filter_expression) and (
            self.message_context is None or _literal(self.message_context)
        )

    def render(self, context: template.Context) -> str:
        if not self.constant:
            return str(super().render(context))
        key = (_generation[0], get_language(), context.autoescape)
        value = self.outputs.get(key)
        if value is None:
            asvar, self.asvar = self.asvar, None
            try:
                value = super().render(context)
            finally:
                self.asvar = asvar
            self.outputs[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def _remembering(parser: template.base.Parser, token: template.base.Token) -> Any:
    node = django_i18n.do_translate(parser, token)
    return TranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


register.tag("translate", _remembering)
register.tag("trans", _remembering)
