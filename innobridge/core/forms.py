"""Form helpers shared by every app's views."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest
from django.utils.text import capfirst

from .money import MoneyError, parse_amount
from .schemas import DATE_MAX, DATE_MIN, DATETIME_MAX, DATETIME_MIN, field_limits


def service_error_messages(exc: ValidationError) -> list[str]:
    """Every message of a service's ``ValidationError``, flat (for ``messages.error``)."""
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def field_label(form: Any, name: str) -> str:
    """A form field named as the user sees it, in the UI language: its label, else the
    verbose name of the model field it parses (a model form's model, or the ``model`` a
    plain form names for its fields), else "" — never the Python name of the field."""
    fld = form.fields.get(name)
    if fld is None:
        return ""
    if fld.label:
        return str(fld.label)
    model = getattr(getattr(form, "_meta", None), "model", None) or getattr(form, "model", None)
    if model is not None:
        try:
            return capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            pass
    return ""


def form_error_messages(form: Any) -> list[str]:
    """A bound form's errors, flat, for ``messages.error`` on the page a view goes back
    to: each field's error names its field as the user sees it ("Date of birth: Ensure
    this value …", ``field_label``); a form-wide error, or one of a field with no name to
    show, stays as it is."""
    out: list[str] = []
    for name, errors in form.errors.items():
        label = field_label(form, name)
        out += [f"{label}: {e}" if label else str(e) for e in errors]
    return out


def flash_form_errors(request: HttpRequest, form: Any) -> None:
    """A bound form's errors (its own and a service's put on it with
    ``apply_service_errors``) as messages on the page a view goes back to, each naming
    its field (``form_error_messages``)."""
    for m in form_error_messages(form):
        messages.error(request, m)


def apply_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on ``form``: beside its field when the form
    has that field (and it is not disabled), else as a form-wide error."""
    if not hasattr(exc, "error_dict"):
        for m in exc.messages:
            form.add_error(None, m)
        return
    for name, msgs in exc.message_dict.items():
        fld = form.fields.get(name)
        target = name if fld is not None and not fld.disabled else None
        for m in msgs:
            form.add_error(target, m)


class AmountField(forms.DecimalField):
    """A money amount as people write it: "HK$ 300,000", "300,000", "CNY 1,500.50" or
    "300000" give the Decimal (the currency, if named, is read by the form with
    ``core.money.parse_amount_with_currency``); anything else is a clear field error. The
    model's limits (digits, places, minimum) still apply."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(str(value))
        except MoneyError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


# --------------------------------------------------------------------------- buttons
# The pages' buttons post an ``action`` and sometimes a ``next`` page: these forms read
# them, so a view never reads ``request.POST`` itself.


class ActionForm(forms.Form):
    """``action``: the button pressed, one of those the page offers."""

    action = forms.ChoiceField(required=False)

    def __init__(self, data: Any, *, choices: Iterable[str]) -> None:
        super().__init__(data)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c, c) for c in choices]

    def chosen(self, default: str = "") -> str | None:
        """The button (none posted: ``default``); one the page does not offer: ``None``."""
        if not self.is_valid():
            return None
        return str(self.cleaned_data["action"]) if "action" in self.data else default


class NextForm(forms.Form):
    """``next``: the page to go back to, as posted. The view checks that it is on this
    site (with the request's host) before it redirects there."""

    next = forms.CharField(required=False, strip=False)

    def posted(self) -> str:
        return str(self.cleaned_data["next"]) if self.is_valid() else ""


def bound_dates(*form_classes: type[forms.BaseForm]) -> None:
    """Every date and date-time field of these forms takes the API's range
    (``core.schemas``): a year 9999 or 0001 is a form error, never an overflow later (a
    stay's end, a calendar day). Called once per forms module, after its classes."""
    for cls in form_classes:
        for fld in cls.base_fields.values():  # type: ignore[attr-defined]
            if isinstance(fld, forms.DateTimeField):
                fld.validators += [MinValueValidator(DATETIME_MIN), MaxValueValidator(DATETIME_MAX)]
            elif isinstance(fld, forms.DateField):
                fld.validators += [MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)]


def bound_integers(
    *form_classes: type[forms.BaseForm], model: type[models.Model] | None = None
) -> None:
    """Every integer field of these forms named as a field of the model (a model form's
    own, or ``model`` for a plain form) takes that model field's range on every database
    — PostgreSQL's, as the API's ``FromModel`` (``core.schemas.field_limits``): 32768 in a
    small integer is a form error on SQLite too, never a 500 on PostgreSQL. Called once
    per forms module, after its classes."""
    for cls in form_classes:
        meta = getattr(cls, "_meta", None)
        source = model or getattr(meta, "model", None)
        if source is None:
            continue
        for name, fld in cls.base_fields.items():  # type: ignore[attr-defined]
            if not isinstance(fld, forms.IntegerField):
                continue
            try:
                limits = field_limits(source, name)
            except FieldDoesNotExist:
                continue
            if "ge" in limits:
                fld.validators.append(MinValueValidator(limits["ge"]))
            if "le" in limits:
                fld.validators.append(MaxValueValidator(limits["le"]))
