from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from innobridge.core.forms import bound_dates, bound_integers
from innobridge.core.models import Region
from innobridge.core.schemas import TEXT_MAX

from . import availability
from .models import (
    MONTHLY_QUOTA_MAX_HOURS,
    Facility,
    Resource,
    ResourceKind,
    Tariff,
    TariffUnit,
    UserCategory,
    default_opening_hours,
    monthly_quota_validator,
)

# The longest free text a person writes on a booking, usage, rejection or dispute (the
# same limit in the forms and the API).
PURPOSE_MAX = 2000


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


class BookingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_date = forms.DateField(
        label=_("Until (date)"),
        required=False,
        help_text=_("Only for a booking over several days (e.g. compute)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    samples = forms.IntegerField(
        label=_("Samples"), min_value=0, max_value=1000, initial=0, required=False
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=PURPOSE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The two steps: "quote" (the default) shows the price, "confirm" books at the price
    # the user saw (read by the service: a price no longer current books nothing).
    step = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    confirmed_price = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, tz: str = "Asia/Hong_Kong", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = ZoneInfo(tz)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        d, end_d = data.get("date"), data.get("end_date")
        if d and end_d and end_d < d:
            self.add_error("end_date", _("The end date is before the start date."))
        return data

    def interval(self) -> tuple[dt.datetime, dt.datetime]:
        d = self.cleaned_data["date"]
        start = dt.datetime.combine(d, self.cleaned_data["start"], tzinfo=self.tz)
        end_t = self.cleaned_data["end"]
        end_d = self.cleaned_data.get("end_date")
        end = dt.datetime.combine(end_d or d, end_t, tzinfo=self.tz)
        if end_t == dt.time(0) and (end_d is None or end_d == d):
            end += dt.timedelta(days=1)  # "until 00:00" on the same day: midnight
        return start, end


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=PURPOSE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class UsageForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Actual start"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Actual end"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_date = forms.DateField(
        label=_("Actual end (date)"),
        required=False,
        help_text=_("Only when the use ran past midnight into another day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    samples = forms.IntegerField(label=_("Samples"), min_value=0, initial=0, required=False)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=PURPOSE_MAX,  # as the usage API (UsageIn.notes)
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def interval(self, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """Actual start and end (an end at 00:00 on the start date is that midnight)."""
        d = self.cleaned_data
        started = dt.datetime.combine(d["date"], d["start"], tzinfo=tz)
        end_day = d.get("end_date") or d["date"]
        ended = dt.datetime.combine(end_day, d["end"], tzinfo=tz)
        if d["end"] == dt.time(0) and end_day == d["date"]:
            ended += dt.timedelta(days=1)
        return started, ended


class UsageRowForm(UsageForm):
    """One row of the bulk usage page: ticked rows are recorded."""

    record = forms.BooleanField(required=False)


def usage_initial(booking: Any) -> dict[str, Any]:
    """The usage form's first values: the booked times (local)."""
    tz = ZoneInfo(booking.resource.timezone)
    local, local_end = booking.starts_at.astimezone(tz), booking.ends_at.astimezone(tz)
    initial = {
        "date": local.date(),
        "start": local.time(),
        "end": local_end.time(),
        "samples": booking.samples,
    }
    if local_end.date() != local.date() and local_end.time() != dt.time(0):
        initial["end_date"] = local_end.date()
    return initial


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this charge?"),
        max_length=PURPOSE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IdForm(forms.Form):
    """The id of the row a small action posts (a tariff, a block, a certificate)."""

    id = forms.IntegerField(min_value=1, max_value=2**31 - 1)


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
        max_length=PURPOSE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Publishing (facility managers) ------------------------------------------

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


def _find_person(text: str) -> Any:
    """A typed user name or e-mail address (people's one resolver of typed handles)."""
    from innobridge.people.selectors import person_by_handle

    return person_by_handle(text)


def _description(model: Any, name: str) -> forms.CharField:
    """A description (an unbounded text column) bounded as in the API: ``TEXT_MAX``."""
    return forms.CharField(
        label=capfirst(model._meta.get_field(name).verbose_name),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FacilityForm(forms.ModelForm):
    organisation = forms.CharField(
        label=_("Host organisation"),
        max_length=300,
        help_text=_("Its name in any script, or its ROR id, as in the directory."),
        widget=forms.TextInput(attrs={"list": "organisation-options", "autocomplete": "off"}),
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
        fields = [
            "name",
            "name_zh",
            "city",
            "region",
            "location",
            "contact_email",
            "contact_phone",
            "website",
            "description",
            "description_zh",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].required = False
        self.fields["region"].help_text = _("Leave empty to use the organisation's region.")
        if self.instance.pk:
            self.initial.setdefault("organisation", self.instance.organisation.name)
            self.initial.setdefault(
                "managers_text", ", ".join(p.username for p in self.instance.managers.all())
            )
        self.organisation_obj: Any = None
        self.manager_list: list[Any] = []

    def clean_organisation(self) -> str:
        from innobridge.people.selectors import resolve_organisation

        text: str = self.cleaned_data["organisation"].strip()
        org, candidates = resolve_organisation(text)
        if org is None:
            if candidates:
                raise forms.ValidationError(
                    _("Several organisations match; choose one of: %(names)s")
                    % {"names": "; ".join(c.name for c in candidates)}
                )
            raise forms.ValidationError(_("No organisation matches “%(text)s”.") % {"text": text})
        self.organisation_obj = org
        return text

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
        data["organisation"] = self.organisation_obj
        if not data.get("region") and self.organisation_obj is not None:
            data["region"] = self.organisation_obj.region or ""
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


bound_dates(
    *[
        v
        for v in list(globals().values())
        if isinstance(v, type) and issubclass(v, forms.Form) and v.__module__ == __name__
    ]
)
bound_integers(ResourceForm)
bound_integers(TariffForm, model=Tariff)


# --- Training ----------------------------------------------------------------------


class TrainingRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the facility (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. your experience with such instruments, when you are available."),
    )


class TrainingScheduleForm(forms.Form):
    session_at = forms.DateTimeField(
        label=_("Training session"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class TrainingApproveForm(forms.Form):
    valid_until = forms.DateField(
        label=_("Certificate valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: the resource's validity (or no expiry)."),
    )


class TrainingDeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class TrainingReturnForm(forms.Form):
    """Where a manager's training action goes back to: ``from=queue``, their queue."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.CharField(required=False)  # "from" is a Python keyword

    def to_queue(self) -> bool:
        return self.is_valid() and self.cleaned_data["from"] == "queue"
