from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Region

from .models import ResourceKind


class CatalogueForm(forms.Form):
    need = forms.CharField(
        label=_("Describe your need"),
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={
                "placeholder": _(
                    "e.g. 观察纳米颗粒的形貌 / image nanoparticles at atomic resolution"
                )
            }
        ),
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *ResourceKind.choices]
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Any region")), *Region.choices]
    )
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None, choices=[]
    )
    city = forms.ChoiceField(label=_("City"), required=False, choices=[])
    free_from = forms.DateField(
        label=_("Free from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    free_to = forms.DateField(
        label=_("Free until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, organisations: Any = (), cities: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        org_field: Any = self.fields["organisation"]
        city_field: Any = self.fields["city"]
        org_field.choices = [("", _("Any organisation"))] + [(o.pk, o.name) for o in organisations]
        city_field.choices = [("", _("Any city"))] + [(c, c) for c in cities]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("free_from"), data.get("free_to")
        if a and b and b < a:
            self.add_error("free_to", _("The end of the range is before its start."))
        if a and b and (b - a).days > 31:
            self.add_error("free_to", _("Search at most 31 days at a time."))
        return data


class BookingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    samples = forms.IntegerField(
        label=_("Samples"), min_value=0, max_value=1000, initial=0, required=False
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, tz: str = "Asia/Hong_Kong", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = ZoneInfo(tz)

    def interval(self) -> tuple[dt.datetime, dt.datetime]:
        d = self.cleaned_data["date"]
        start = dt.datetime.combine(d, self.cleaned_data["start"], tzinfo=self.tz)
        end_t = self.cleaned_data["end"]
        end = dt.datetime.combine(d, end_t, tzinfo=self.tz)
        if end_t == dt.time(0):
            end += dt.timedelta(days=1)
        return start, end


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UsageForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Actual start"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Actual end"), widget=forms.TimeInput(attrs={"type": "time"}))
    samples = forms.IntegerField(label=_("Samples"), min_value=0, initial=0, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this charge?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("uphold", _("Uphold: correct the amount")),
            ("dismiss", _("Dismiss: the charge stands")),
        ],
    )
    new_amount = forms.DecimalField(
        label=_("Corrected amount"), required=False, min_value=0, decimal_places=2
    )
    resolution = forms.CharField(
        label=_("Explanation to the payer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
