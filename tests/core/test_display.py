"""The builtin display filters: user content in the UI's script, bilingual texts with the
reader's language first, money and numbers grouped, region codes, positions and cities in
words, and ISO values in every date widget whatever the UI's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from innobridge.core.language import display_chinese, shown_converted


def render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template(source).render(Context(context)).strip()


def test_user_content_is_shown_in_the_ui_script_with_hong_kong_common_forms() -> None:
    stored = "GPU集群（8卡A100节点）订阅"
    assert render("{{ t|in_script }}", "zh-hant", t=stored) == "GPU集群（8卡A100節點）訂閱"
    assert render("{{ t|in_script }}", "zh-hans", t="材料表徵及製備設施") == "材料表征及制备设施"
    assert render("{{ t|in_script }}", "en", t=stored) == stored
    assert display_chinese("说明与税务", "zh-hant") == "說明與稅務"


def test_a_converted_text_carries_a_hint_with_the_original() -> None:
    html = render("{% converted_hint t %}", "zh-hant", t="GPU集群节点")
    assert 'data-testid="converted-hint"' in html and 'title="GPU集群节点"' in html
    assert render("{% converted_hint t %}", "zh-hans", t="GPU集群") == ""
    assert render("{% converted_hint t %}", "en", t="GPU集群") == ""
    assert shown_converted("材料表徵", "zh-hans") and not shown_converted("材料表徵", "zh-hant")


def test_bilingual_text_shows_the_readers_language_first() -> None:
    source = "{% bilingual en zh as items %}{% for i in items %}{{ i.text }}|{% endfor %}"
    assert render(source, "zh-hans", en="Joint call", zh="聯合資助") == "联合资助|Joint call|"
    assert render(source, "zh-hant", en="Joint call", zh="联合资助") == "聯合資助|Joint call|"
    assert render(source, "en", en="Joint call", zh="聯合資助") == "Joint call|聯合資助|"
    assert render(source, "zh-hans", en="Joint call", zh="") == "Joint call|"


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_money_and_numbers_are_grouped_by_thousands(language: str) -> None:
    assert render("{{ a|money:'CNY' }}", language, a=Decimal("5000000")) == "CNY 5,000,000.00"
    assert render("{{ a|money:'HKD' }}", language, a=Decimal("-1234.5")) == "HKD -1,234.50"
    assert render("{{ n|grouped }}", language, n=12345) == "12,345"
    assert render("{{ n|money:'HKD' }}", language, n="not a number") == "not a number"


def test_region_codes_positions_and_cities_in_the_ui_language() -> None:
    assert render("{{ 'HK'|region_name }} {{ 'CN'|region_name }}", "zh-hant") == "香港 內地"
    assert render("{{ 'CN'|region_name }}", "zh-hans") == "内地"
    assert render("{{ 'CN'|region_name }}", "en") == "Mainland"
    assert render("{{ p|position_name }}", "zh-hans", p="Associate Professor") == "副教授"
    assert render("{{ p|position_name }}", "zh-hant", p="Associate Professor") == "副教授"
    assert render("{{ p|position_name }}", "zh-hans", p="Visiting Scholar") == "Visiting Scholar"
    assert render("{{ c|city }}", "zh-hant", c="Guangzhou") == "廣州"
    assert render("{{ c|city }}", "zh-hans", c="Guangzhou") == "广州"
    assert render("{{ c|city }}", "en", c="Guangzhou") == "Guangzhou"


def test_organisation_city_names_its_region_in_words() -> None:
    class Org:
        city = "Beijing"
        country_code = "CN"

    assert render("{{ o|city_of }}", "zh-hans", o=Org()) == "北京（内地）"
    assert render("{{ o|city_of }}", "en", o=Org()) == "Beijing, Mainland"


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_date_widgets_write_iso_values_in_every_language(language: str) -> None:
    """<input type="date"> accepts only yyyy-MM-dd: Django's Chinese locales wrote 2026/12/07."""

    class When(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    with translation.override(language):
        form = When(initial={"day": dt.date(2026, 12, 7), "at": dt.datetime(2026, 12, 7, 10, 0)})
        html = str(form["day"]) + str(form["at"])
        assert 'value="2026-12-07"' in html
        assert 'value="2026-12-07 10:00' in html or 'value="2026-12-07T10:00' in html
        bound = When(data={"day": "2026-12-07", "at": "2026-12-07T10:00"})
        assert bound.is_valid(), bound.errors
        assert bound.cleaned_data["day"] == dt.date(2026, 12, 7)


def test_dates_are_shown_in_each_locales_usual_form() -> None:
    day = dt.date(2026, 12, 7)
    assert render("{{ d|date }}", "zh-hant", d=day) == "2026年12月7日"
    assert render("{{ d|date }}", "zh-hans", d=day) == "2026年12月7日"
    assert render("{{ d|date }}", "en", d=day) == "7 Dec 2026"


def test_the_navigation_marks_the_current_pillar_in_every_language(db, client, settings):
    # the pillar URLs are resolved once per process; labels follow each request's language
    for lang, label in [("en", "Facilities"), ("zh-hant", "設施"), ("zh-hans", "设施")]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        page = client.get("/facilities/").content.decode()
        assert f'<a href="/facilities/" aria-current="page">{label}' in page
        assert 'href="/funding/" aria-current' not in page
