"""Finding a resource: the catalogue's filters and the free-slot search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from innobridge.core.forms import bound_dates
from innobridge.core.models import Region

from ..models import (
    ResourceKind,
)


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


FREE_SLOTS_MAX_DAYS = 14


class FreeSlotsForm(forms.Form):
    """ "What is free between A and B" over several resources at once."""

    start = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *ResourceKind.choices]
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Any region")), *Region.choices]
    )
    resource = forms.TypedMultipleChoiceField(
        label=_("Resources"),
        required=False,
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every resource of the chosen type and region."),
    )

    def __init__(self, *args: Any, resources: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["resource"]
        field.choices = [
            (r.pk, f"{r.display_name()} · {r.facility.display_name()}") for r in resources
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("start"), data.get("end")
        if a and b and b <= a:
            self.add_error("end", _("The end must be after the start."))
        elif a and b and b - a > dt.timedelta(days=FREE_SLOTS_MAX_DAYS):
            self.add_error(
                "end",
                _("Search at most %(days)d days at a time.") % {"days": FREE_SLOTS_MAX_DAYS},
            )
        return data


bound_dates(CatalogueForm, FreeSlotsForm)
