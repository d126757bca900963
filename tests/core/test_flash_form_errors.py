"""core.forms.flash_form_errors: the one helper every app's views use to carry a bound
form's errors to the page they go back to, each naming its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from innobridge.core.forms import apply_service_errors, flash_form_errors


class _Form(forms.Form):
    when = forms.DateField(label="Date of birth")
    note = forms.CharField(label="Note", required=False)


def _request() -> Any:
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_each_error_becomes_a_message_naming_its_field() -> None:
    form = _Form({"when": "tomorrow"})
    assert not form.is_valid()
    apply_service_errors(form, ValidationError({"note": "Too rude.", "other": "Closed."}))
    request = _request()
    flash_form_errors(request, form)
    got = [(m.level_tag, m.message) for m in get_messages(request)]
    assert got == [
        ("error", "Date of birth: Enter a valid date."),
        ("error", "Note: Too rude."),
        ("error", "Closed."),
    ]


def test_a_valid_form_adds_no_message() -> None:
    form = _Form({"when": "2000-01-01"})
    assert form.is_valid()
    request = _request()
    flash_form_errors(request, form)
    assert list(get_messages(request)) == []
