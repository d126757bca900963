"""``{% url %}`` that remembers what it reversed (issue #17; ``core/reversing.py``). A
builtin library (``TEMPLATES[...]["OPTIONS"]["builtins"]``), so it replaces Django's tag in
every template; its syntax and output are Django's."""

from __future__ import annotations

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from innobridge.core.reversing import reverse

register = template.Library()


class URLNode(defaulttags.URLNode):
    """Django's node, with :func:`innobridge.core.reversing.reverse` in place of Django's."""

    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        if context.autoescape:
            url = conditional_escape(url)
        return url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
