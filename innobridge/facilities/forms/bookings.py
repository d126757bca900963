"""A booking and what follows it: the request, a rejection, usage, a disputed charge and
its resolution."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from innobridge.core.forms import bound_dates

from .common import PURPOSE_MAX


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


bound_dates(BookingForm, RejectForm, UsageForm, UsageRowForm, DisputeForm, ResolveForm)
