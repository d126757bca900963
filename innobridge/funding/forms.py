"""Forms of the funding app (the simple actions post plain fields checked by the services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Criterion, Scheme


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class CallForm(forms.Form):
    scheme = forms.ModelChoiceField(Scheme.objects.none(), label=_("Scheme"))
    title = forms.CharField(label=_("Title"), max_length=300)
    title_zh = forms.CharField(label=_("Chinese title"), max_length=300, required=False)
    description = forms.CharField(
        label=_("What applicants must know"), widget=forms.Textarea, required=False
    )
    opens_at = forms.DateTimeField(label=_("Opens (Hong Kong time)"), widget=DateTimeInput)
    closes_at = forms.DateTimeField(label=_("Closes (Hong Kong time)"), widget=DateTimeInput)
    review_deadline = forms.DateTimeField(
        label=_("Review deadline"), widget=DateTimeInput, required=False
    )
    budget_HK = forms.DecimalField(label=_("Hong Kong budget (HKD)"), min_value=Decimal("1"))
    cap_HK = forms.DecimalField(label=_("Hong Kong cap per project (HKD)"), min_value=Decimal("1"))
    budget_CN = forms.DecimalField(label=_("Mainland budget (CNY)"), min_value=Decimal("1"))
    cap_CN = forms.DecimalField(label=_("Mainland cap per project (CNY)"), min_value=Decimal("1"))
    min_duration_months = forms.IntegerField(
        label=_("Shortest duration (months)"), min_value=1, initial=12
    )
    max_duration_months = forms.IntegerField(
        label=_("Longest duration (months)"), min_value=1, initial=36
    )
    min_industry_share = forms.DecimalField(
        label=_("Minimum industry sponsorship (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        initial=0,
    )
    one_application_per_person = forms.BooleanField(
        label=_("One application per person"), required=False, initial=True
    )
    reviewers_per_proposal = forms.IntegerField(
        label=_("Reviewers per proposal from each funder"), min_value=1, max_value=10, initial=2
    )

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    comments = forms.CharField(
        label=_("Comments for the panel"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.IntegerField(
                label=f"{_(c.name)} ({c.weight:g} %)",
                min_value=0,
                max_value=c.max_score,
                help_text=_("0 to %(max)s") % {"max": c.max_score},
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
