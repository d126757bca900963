"""The measure form (programme officers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from innobridge.core.forms import bound_dates, bound_integers
from innobridge.core.models import Region

from .indicators import registry
from .models import Measure
from .services.measures import EDITABLE_FIELDS


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.key, f"{i.name.get()} ({i.key})") for i in registry.all_indicators()]


class MeasureForm(forms.ModelForm):
    source_url = forms.URLField(
        label=_("Source address"), max_length=500, required=False, assume_scheme="https"
    )
    responsible_sides = forms.MultipleChoiceField(
        label=_("Responsible side(s)"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    indicator_keys = forms.MultipleChoiceField(
        label=_("Indicators"),
        choices=indicator_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Measure
        fields = EDITABLE_FIELDS
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_zh_hant": forms.Textarea(attrs={"rows": 4}),
            "description_zh_hans": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["responsible_sides"] = self.instance.responsible_sides
            self.initial["indicator_keys"] = self.instance.indicator_keys

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


bound_dates(MeasureForm)
bound_integers(MeasureForm)


class ReportForm(forms.Form):
    """Which quarterly report to generate: one of the recent quarters, one language."""

    quarter = forms.ChoiceField(label=pgettext_lazy("quarterly report", "Quarter"))
    lang = forms.ChoiceField(
        label=pgettext_lazy("quarterly report", "Language"),
        choices=[("en", "English"), ("zh-hant", "繁體中文"), ("zh-hans", "简体中文")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.utils.translation import get_language

        from .report import recent_quarters

        super().__init__(*args, **kwargs)
        quarters = recent_quarters()
        quarter_field = self.fields["quarter"]
        assert isinstance(quarter_field, forms.ChoiceField)
        quarter_field.choices = [(q.key, q.label()) for q in quarters]
        self.fields["quarter"].initial = quarters[0].key
        lang = (get_language() or "en").lower()
        self.fields["lang"].initial = lang if lang in ("zh-hant", "zh-hans") else "en"
