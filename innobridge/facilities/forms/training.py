"""Training: a request, a session, the certificate or a reasoned decline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from innobridge.core.forms import bound_dates


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


bound_dates(TrainingScheduleForm, TrainingApproveForm)
