"""``{% url %}`` that remembers what it reversed (issue #17; ``core/reversing.py``), and
``{% extends %}`` that remembers the blocks of the template at the root. A builtin library
(``TEMPLATES[...]["OPTIONS"]["builtins"]``), so it replaces Django's tags in every template;
their syntax and output are Django's."""

from __future__ import annotations

import weakref
from typing import Any

from django import template
from django.template import defaulttags, loader_tags
from django.template.base import TextNode
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


# The blocks of each root template (one that extends nothing), by its compiled template:
# Django's ExtendsNode walks the root's whole node tree for them on every page.
_ROOT_BLOCKS: weakref.WeakKeyDictionary[template.base.Template, dict[str, Any]]
_ROOT_BLOCKS = weakref.WeakKeyDictionary()
_NOT_ROOT: dict[str, Any] = {}


def root_blocks(compiled: template.base.Template) -> dict[str, Any]:
    """The block nodes of ``compiled`` if it is a root template, else nothing (as Django's
    ``ExtendsNode.render`` finds them: the first node that is not text decides)."""
    blocks = _ROOT_BLOCKS.get(compiled)
    if blocks is None:
        blocks = _NOT_ROOT
        for node in compiled.nodelist:
            if not isinstance(node, TextNode):
                if not isinstance(node, loader_tags.ExtendsNode):
                    found: list[Any] = compiled.nodelist.get_nodes_by_type(loader_tags.BlockNode)
                    blocks = {n.name: n for n in found}
                break
        _ROOT_BLOCKS[compiled] = blocks
    return blocks


class ExtendsNode(loader_tags.ExtendsNode):
    """Django's node, with the root template's blocks from :func:`root_blocks`."""

    def render(self, context: template.Context) -> str:
        compiled_parent = self.get_parent(context)
        if loader_tags.BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[loader_tags.BLOCK_CONTEXT_KEY] = loader_tags.BlockContext()
        block_context = context.render_context[loader_tags.BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        blocks = root_blocks(compiled_parent)
        if blocks:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)  # type: ignore[attr-defined]


@register.tag
def extends(parser: template.base.Parser, token: template.base.Token) -> ExtendsNode:
    node = loader_tags.do_extends(parser, token)
    return ExtendsNode(node.nodelist, node.parent_name, node.template_dirs)
