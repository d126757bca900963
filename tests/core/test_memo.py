"""What the web tier remembers per process or per request (issue #17): ``{% translate %}``
keeps a literal's output per language, ``{% url %}`` and ``core.reversing.reverse`` keep the
addresses they made, and a cache generation is read once per request. Each gives what
Django's own code gives, in every language and setting."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.template import Context, engines
from django.templatetags.i18n import TranslateNode as DjangoTranslateNode
from django.test import Client, override_settings
from django.urls import NoReverseMatch, set_script_prefix
from django.urls import reverse as django_reverse
from django.utils import translation

from innobridge.core import caching, reversing
from innobridge.core.templatetags.memo import URLNode
from innobridge.core.templatetags.memo_i18n import TranslateNode

LANGUAGES = ("en", "zh-hant", "zh-hans")


def _render(source: str, language: str, **context: Any) -> str:
    with translation.override(language):
        return engines["django"].from_string(source).render(context)


def _django_render(source: str, language: str, **context: Any) -> str:
    """The same template through Django's own i18n library and ``{% url %}``."""
    plain = source.replace("{% load i18n %}", "{% load django_i18n %}")
    engine = engines["django"].engine
    saved = engine.template_libraries, engine.template_builtins
    from django.template.engine import Engine

    django_engine = Engine(
        libraries={"django_i18n": "django.templatetags.i18n"},
        builtins=["innobridge.core.templatetags.display"],
    )
    with translation.override(language):
        out = django_engine.from_string(plain).render(Context(context))
    assert (engine.template_libraries, engine.template_builtins) == saved
    return out


TEMPLATES = [
    '{% load i18n %}{% translate "Log out" %}',
    '{% load i18n %}{% translate "placement" context "host" %}|{% trans "Search" %}',
    '{% load i18n %}{% translate "Log out" as label %}<b>{{ label }}</b>',
    '{% load i18n %}{% translate "Log out" noop %}',
    '{% load i18n %}{% autoescape off %}{% translate "A & B <x>" %}{% endautoescape %}'
    '{% translate "A & B <x>" %}',
    '{% load i18n %}{% translate "100%% of %%s" %}',
    "{% load i18n %}{% translate message %}",
    '{% url "people:notices" %}|{% url "funding:call" 7 %}|{% url "funding:call" pk=8 %}',
    '{% url "funding:call" call %}',
    '{% url "no-such-view" as missing %}[{{ missing }}]',
]


@pytest.mark.parametrize("source", TEMPLATES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_remembering_tags_render_what_djangos_render(source: str, language: str) -> None:
    context = {"message": "Log out", "call": 9}
    first = _render(source, language, **context)
    assert first == _render(source, language, **context)  # remembered
    assert first == _django_render(source, language, **context)


def test_a_literal_is_kept_per_language_and_a_variable_is_looked_up_each_time() -> None:
    template = engines["django"].from_string('{% load i18n %}{% translate "Log out" %}')
    outputs = [_render_template(template, lang) for lang in LANGUAGES]
    assert outputs == ["Log out", "登出", "退出登录"]
    assert _render_template(template, "en") == "Log out"  # not the last language's
    node = template.template.nodelist[-1]
    assert isinstance(node, TranslateNode) and isinstance(node, DjangoTranslateNode)
    assert node.constant and len(node.outputs) == 3
    variable = engines["django"].from_string("{% load i18n %}{% translate m %}")
    assert not variable.template.nodelist[-1].constant
    assert variable.render({"m": "Log out"}) == "Log out"
    assert variable.render({"m": "Search"}) == "Search"


def _render_template(template: Any, language: str) -> str:
    with translation.override(language):
        return str(template.render({}))


def test_the_url_tag_is_the_remembering_one() -> None:
    template = engines["django"].from_string('{% url "people:notices" %}')
    assert isinstance(template.template.nodelist[0], URLNode)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The view names Django's ``reverse()`` was asked for, from an empty memory on."""
    reversing.forget()
    names: list[str] = []

    def counting(viewname: str, **kwargs: Any) -> str:
        names.append(viewname)
        return django_reverse(viewname, **kwargs)

    monkeypatch.setattr(reversing, "django_reverse", counting)
    return names


def test_an_address_is_made_once_and_again_under_another_prefix_or_urlconf(
    made: list[str],
) -> None:
    url = reversing.reverse("funding:call", args=[5])
    assert url == django_reverse("funding:call", args=[5])
    assert reversing.reverse("funding:call", args=[5]) == url and len(made) == 1
    assert reversing.reverse("funding:call", args=["5"]) == url and len(made) == 2
    assert reversing.reverse("funding:call", args=[6]) != url
    try:
        set_script_prefix("/platform/")
        assert reversing.reverse("funding:call", args=[5]) == "/platform" + url
    finally:
        set_script_prefix("/")
    assert reversing.reverse("funding:call", args=[5]) == url

    class Pk:
        def __str__(self) -> str:
            return "5"

    before = len(made)
    assert reversing.reverse("funding:call", args=[Pk()]) == url
    assert reversing.reverse("funding:call", args=[Pk()]) == url
    assert len(made) == before + 2  # an object is never remembered
    with pytest.raises(NoReverseMatch):
        reversing.reverse("funding:call")


@override_settings(ROOT_URLCONF="tests.core.urls_other")
def test_a_swapped_urlconf_is_not_answered_from_memory() -> None:
    with pytest.raises(NoReverseMatch):
        reversing.reverse("funding:call", args=[5])
    assert reversing.reverse("other") == "/somewhere-else/"


def test_a_generation_is_read_once_per_request_and_follows_a_change_in_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads: list[str] = []
    get = cache.get

    def counting(key: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(caching.cache, "get", counting)
    caching.begin_request()
    try:
        first = caching.public_generation()
        assert caching.public_generation() == first
        assert reads.count(caching.PUBLIC_GENERATION_KEY) == 1
        caching.forget_public_fragments()  # a save in this request
        changed = caching.public_generation()
        assert changed != first and changed == get(caching.PUBLIC_GENERATION_KEY)
    finally:
        caching.end_request()
    reads.clear()
    caching.public_generation()
    caching.public_generation()
    assert reads.count(caching.PUBLIC_GENERATION_KEY) == 2  # outside a request: each time


@pytest.mark.django_db
def test_a_change_by_another_process_shows_on_the_next_request() -> None:
    client = Client()
    client.get("/")
    before = cache.get(caching.PUBLIC_GENERATION_KEY)
    cache.set(caching.PUBLIC_GENERATION_KEY, "elsewhere", None)  # another process
    client.get("/")
    assert caching.public_generation() == "elsewhere" != before


def test_the_url_tag_remembers_what_it_reversed(made: list[str]) -> None:
    """A quoted view name or argument reaches the tag as a SafeString: it is remembered
    like a plain string (it was not, before: every ``{% url %}`` reversed again)."""
    template = engines["django"].from_string(
        '{% url "people:notices" %}|{% url "funding:call" "7" %}|{% url "funding:call" pk=8 %}'
    )
    first = str(template.render({}))
    assert first == "|".join(
        [
            django_reverse("people:notices"),
            django_reverse("funding:call", args=["7"]),
            django_reverse("funding:call", kwargs={"pk": 8}),
        ]
    )
    assert len(made) == 3
    assert str(template.render({})) == first
    assert len(made) == 3  # the second render made no address


def test_extends_renders_what_djangos_renders_and_keeps_the_roots_blocks() -> None:
    from django.template.engine import Engine

    from innobridge.core.templatetags import memo

    sources = {
        "root": "<{% block a %}A{% endblock %}|"
        "{% block b %}B{% if x %}{% block c %}C{% endblock %}{% endif %}{% endblock %}>",
        "middle": "{% extends root %}{% block a %}a{{ block.super }}{% endblock %}",
        "child": "{% extends middle %}{% block b %}b{{ block.super }}{% endblock %}"
        "{% block c %}c{% endblock %}",
    }

    def render(engine: Any, context_class: Any) -> list[str]:
        made: dict[str, Any] = {}
        for name, source in sources.items():
            made[name] = engine.from_string(source)
        return [str(made["child"].render(context_class({"x": x, **made}))) for x in (True, False)]

    ours = engines["django"]
    assert render(ours, dict) == render(Engine(), Context) == ["<aA|bBc>", "<aA|bB>"]
    root = ours.from_string(sources["root"])
    middle = ours.from_string(sources["middle"])
    assert isinstance(middle.template.nodelist[0], memo.ExtendsNode)
    assert set(memo.root_blocks(root.template)) == {"a", "b", "c"}
    assert memo.root_blocks(middle.template) == {}  # it extends another: not a root
    assert memo.root_blocks(root.template) is memo.root_blocks(root.template)  # kept
