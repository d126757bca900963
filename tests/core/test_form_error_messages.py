"""``form_error_messages`` names each field as the user sees it — its label, else the
verbose name of the model field it parses, in the UI language — and never by its Python
name ("home_organisation: …" on a Chinese page)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation

from innobridge.core.forms import form_error_messages
from innobridge.people.models import Organisation

TOO_LONG = "Ensure this value has at most 3 characters (it has 4)."
NAME = {"en": "Name", "zh-hant": "名稱", "zh-hans": "名称"}


class ModelFormWithoutLabel(forms.ModelForm):
    name = forms.CharField(max_length=3)  # declared, so no label from the model

    class Meta:
        model = Organisation
        fields = ["name"]


class PlainFormOfAModel(forms.Form):
    model = Organisation
    name = forms.CharField(max_length=3)


class PlainForm(forms.Form):
    home_organisation = forms.CharField(max_length=3)
    labelled = forms.CharField(max_length=3, label="Host organisation")


def _messages(form_class: Any, language: str, **data: str) -> list[str]:
    with translation.override(language):
        form = form_class(data)
        assert not form.is_valid()
        return form_error_messages(form)


@pytest.mark.parametrize("language", list(NAME))
@pytest.mark.parametrize("form_class", [ModelFormWithoutLabel, PlainFormOfAModel])
def test_a_field_without_a_label_is_named_by_its_model_fields_verbose_name(
    form_class: Any, language: str
) -> None:
    [message] = _messages(form_class, language, name="abcd")
    assert message.startswith(f"{NAME[language]}: "), message
    assert "name:" not in message


@pytest.mark.parametrize("language", list(NAME))
def test_a_field_with_no_name_to_show_gives_its_message_alone(language: str) -> None:
    messages = _messages(PlainForm, language, home_organisation="abcd", labelled="abcd")
    assert len(messages) == 2
    assert not any("home_organisation" in m for m in messages), messages
    assert messages[1].startswith("Host organisation: ")
    with translation.override(language):
        form = PlainForm({"home_organisation": "abcd", "labelled": "abcd"})
        assert messages[0] == form.errors["home_organisation"][0]  # as Django words it


def test_the_english_message_in_full() -> None:
    assert _messages(PlainForm, "en", home_organisation="abcd", labelled="ok") == [TOO_LONG]
