"""Who may book a resource when: maintenance blocks, certificates, quotas."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from innobridge.core.forms import bound_dates

from ..models import (
    MONTHLY_QUOTA_MAX_HOURS,
    monthly_quota_validator,
)
from .common import _find_person


class MaintenanceForm(forms.Form):
    start = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("start"), data.get("end")
        if a and b and b <= a:
            self.add_error("end", _("The end must be after the start."))
        return data


class PersonField(forms.CharField):
    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        person = _find_person(text or "")
        if person is None:
            raise forms.ValidationError(_("No user “%(name)s”.") % {"name": text})
        return person


class CertificateForm(forms.Form):
    person = PersonField(label=_("User (user name or e-mail)"), max_length=254)
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class QuotaForm(forms.Form):
    person = PersonField(label=_("User (user name or e-mail)"), max_length=254)
    monthly_hours = forms.IntegerField(
        label=_("Hours per month"),
        min_value=0,
        required=False,
        help_text=_("Empty: back to the resource's default."),
        validators=[monthly_quota_validator],
        widget=forms.NumberInput(attrs={"max": MONTHLY_QUOTA_MAX_HOURS}),
    )


bound_dates(MaintenanceForm, CertificateForm, QuotaForm)
