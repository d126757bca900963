"""Publishing (facility managers): a facility, its resources with their rules, their
tariffs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from innobridge.core.forms import bound_dates, bound_integers
from innobridge.core.schemas import TEXT_MAX
from innobridge.people.forms import OrganisationNameField

from .. import availability
from ..models import (
    MONTHLY_QUOTA_MAX_HOURS,
    Facility,
    Resource,
    Tariff,
    TariffUnit,
    UserCategory,
    default_opening_hours,
    monthly_quota_validator,
)
from ..services.facilities import FACILITY_FIELDS
from .common import PURPOSE_MAX, _find_person

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


def _description(model: Any, name: str) -> forms.CharField:
    """A description (an unbounded text column) bounded as in the API: ``TEXT_MAX``."""
    return forms.CharField(
        label=capfirst(model._meta.get_field(name).verbose_name),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FacilityForm(forms.ModelForm):
    organisation = OrganisationNameField(
        label=_("Host organisation"),
        help_text=_("Its name in any script, or its ROR id, as in the directory."),
    )
    website = forms.URLField(
        label=_("website"), required=False, max_length=500, assume_scheme="https"
    )
    managers_text = forms.CharField(
        label=_("Managers"),
        required=False,
        max_length=PURPOSE_MAX,
        help_text=_("User names or e-mail addresses, separated by commas."),
    )
    description = _description(Facility, "description")
    description_zh = _description(Facility, "description_zh")

    class Meta:
        model = Facility
        # the service's fields but the organisation, which is the box above (it comes
        # after these, as a declared field)
        fields = [f for f in FACILITY_FIELDS if f != "organisation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].required = False
        self.fields["region"].help_text = _("Leave empty to use the organisation's region.")
        if self.instance.pk:
            self.initial.setdefault("organisation", self.instance.organisation)
            self.initial.setdefault(
                "managers_text", ", ".join(p.username for p in self.instance.managers.all())
            )
        self.manager_list: list[Any] = []

    def clean_managers_text(self) -> str:
        text: str = self.cleaned_data.get("managers_text") or ""
        found, missing = [], []
        for part in [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]:
            person = _find_person(part)
            if person is None:
                missing.append(part)
            elif person not in found:
                found.append(person)
        if missing:
            raise forms.ValidationError(
                _("No user %(names)s.") % {"names": ", ".join(f"“{m}”" for m in missing)}
            )
        self.manager_list = found
        return text

    def service_fields(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        org = data["organisation"] = self.cleaned_data["organisation"]
        if not data.get("region") and org is not None:
            data["region"] = org.region or ""
        return data


def _parse_spans(text: str) -> list[list[str]]:
    spans = []
    for part in [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]:
        a, sep, b = part.replace("–", "-").partition("-")
        if not sep:
            raise ValueError(part)
        a, b = a.strip(), b.strip()
        for t in (a, b):
            try:
                availability.parse_hm(t)  # the service's reading of a time of day
            except ValueError:
                raise ValueError(part) from None
        spans.append([a.zfill(5), b.zfill(5)])
    return spans


class ResourceForm(forms.ModelForm):
    """A resource with its rules. Specifications: one "name: value" a line; techniques:
    separated by commas; opening hours: per weekday, e.g. "09:00-12:00, 13:00-18:00"."""

    description = _description(Resource, "description")
    description_zh = _description(Resource, "description_zh")
    specifications_text = forms.CharField(
        label=_("Specifications"),
        required=False,
        max_length=5000,
        help_text=_("One “name: value” per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    techniques_text = forms.CharField(
        label=_("Techniques"),
        required=False,
        max_length=PURPOSE_MAX,
        help_text=_("Separated by commas."),
    )
    allowed_categories = forms.MultipleChoiceField(
        label=_("User groups that may book"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every user group with a tariff."),
    )
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."),
    )

    class Meta:
        model = Resource
        fields = [
            "kind",
            "name",
            "name_zh",
            "manufacturer",
            "description",
            "description_zh",
            "training_required",
            "training_valid_months",
            "approval_required",
            "granularity_minutes",
            "min_duration_minutes",
            "max_duration_minutes",
            "lead_time_hours",
            "max_advance_days",
            "holiday_calendar",
            "monthly_quota_hours",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cats: Any = self.fields["allowed_categories"]
        cats.choices = UserCategory.choices
        quota: Any = self.fields["monthly_quota_hours"]
        quota.validators.append(monthly_quota_validator)
        quota.widget.attrs["max"] = MONTHLY_QUOTA_MAX_HOURS
        hours = self.instance.opening_hours if self.instance.pk else None
        if hours is None:
            hours = default_opening_hours()
        for i, label in enumerate(WEEKDAYS):
            name = f"hours_{i}"
            self.fields[name] = forms.CharField(
                label=label, required=False, max_length=200, help_text=""
            )
            self.initial.setdefault(
                name, ", ".join(f"{a}-{b}" for a, b in (hours or {}).get(str(i), []))
            )
        if self.instance.pk:
            self.initial.setdefault(
                "specifications_text",
                "\n".join(f"{k}: {v}" for k, v in (self.instance.specifications or {}).items()),
            )
            self.initial.setdefault("techniques_text", ", ".join(self.instance.techniques or []))
            self.initial.setdefault("allowed_categories", self.instance.allowed_categories or [])

    def main_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if not f.name.startswith("hours_")]

    def hour_fields(self) -> list[Any]:
        return [self[f"hours_{i}"] for i in range(7)]

    def clean_photo(self) -> Any:
        from PIL import Image

        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "size") or photo is self.instance.photo:
            return None
        if photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        try:
            photo.seek(0)
            with Image.open(photo) as img:
                fmt = img.format
                img.verify()
        except Exception as exc:
            raise forms.ValidationError(_("This file is not an image we can read.")) from exc
        if fmt not in PHOTO_FORMATS:
            raise forms.ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."))
        photo.seek(0)
        return photo

    def clean_specifications_text(self) -> dict[str, str]:
        text: str = self.cleaned_data.get("specifications_text") or ""
        specs: dict[str, str] = {}
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            if not sep:
                key, sep, value = line.partition("：")
            if not sep or not key.strip():
                raise forms.ValidationError(_("Line %(n)d is not “name: value”.") % {"n": n})
            specs[key.strip()] = value.strip()
        return specs

    def clean_techniques_text(self) -> list[str]:
        text: str = self.cleaned_data.get("techniques_text") or ""
        out: list[str] = []
        for t in text.replace("，", ",").replace("、", ",").split(","):
            if t.strip() and t.strip() not in out:
                out.append(t.strip())
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, list[list[str]]] = {}
        for i in range(7):
            name = f"hours_{i}"
            try:
                spans = _parse_spans(data.get(name) or "")
            except ValueError as exc:
                self.add_error(
                    name,
                    _(
                        "“%(value)s” is not a time interval. Write intervals like "
                        "09:00-12:00, 13:00-18:00."
                    )
                    % {"value": exc.args[0]},
                )
                continue
            # The service's rule (each interval runs forward within one day), at this
            # weekday's field and naming the interval as it was typed.
            backwards = [
                f"{a}-{b}" for a, b in spans if availability.validate_opening_hours({"0": [[a, b]]})
            ]
            if backwards:
                for span in backwards:
                    self.add_error(
                        name,
                        _("“%(span)s” does not run forward within one day.") % {"span": span},
                    )
                continue
            if spans:
                hours[str(i)] = spans
        data["opening_hours"] = hours
        lo, hi = data.get("min_duration_minutes"), data.get("max_duration_minutes")
        if lo is not None and hi is not None and lo > hi:
            self.add_error(
                "max_duration_minutes",
                _("The longest booking must not be shorter than the shortest."),
            )
        return data

    def validate_constraints(self, exclude: Any = None) -> None:
        # The checks above give clearer messages than the database constraints.
        return None

    def service_fields(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["specifications"] = self.cleaned_data["specifications_text"]
        data["techniques"] = self.cleaned_data["techniques_text"]
        data["allowed_categories"] = list(self.cleaned_data.get("allowed_categories") or [])
        data["opening_hours"] = self.cleaned_data["opening_hours"]
        data["photo"] = self.cleaned_data.get("photo")
        return data


class TariffForm(forms.Form):
    category = forms.ChoiceField(label=_("User category"), choices=[])
    unit = forms.ChoiceField(label=_("Unit"), choices=[])
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=12, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=[])
    cancellation_window_hours = forms.IntegerField(
        label=_("Free cancellation until (hours before start)"), min_value=0, initial=24
    )
    late_cancellation_fee_percent = forms.IntegerField(
        # xgettext:no-python-format
        label=_("Late cancellation fee (% of price)"),
        min_value=0,
        max_value=100,
        initial=50,
    )
    no_show_fee_percent = forms.IntegerField(
        # xgettext:no-python-format
        label=_("No-show fee (% of price)"),
        min_value=0,
        max_value=100,
        initial=100,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f: Any = self.fields
        f["category"].choices = UserCategory.choices
        f["unit"].choices = TariffUnit.choices
        f["currency"].choices = [("HKD", _("HKD")), ("CNY", _("CNY"))]


class IdForm(forms.Form):
    """The id of the row a small action posts (a tariff, a block, a certificate)."""

    id = forms.IntegerField(min_value=1, max_value=2**31 - 1)


bound_dates(TariffForm, IdForm)
bound_integers(ResourceForm)
bound_integers(TariffForm, model=Tariff)
