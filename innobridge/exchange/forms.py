"""Forms of the exchange pages (views parse with these, then call a service)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from innobridge.core.forms import AmountField, bound_dates
from innobridge.core.language import name_in_language
from innobridge.core.models import Currency, Region
from innobridge.people.forms import OrganisationNameField
from innobridge.people.models import CareerStage, Language, Organisation

from .models import (
    Application,
    DocumentKind,
    MatchingMethod,
    PaidOn,
    Programme,
    ReportKind,
    RubricCriterion,
    StipendComponent,
)
from .services.placements import host_region_error
from .services.programmes import EDITABLE_PROGRAMME_FIELDS

M = TypeVar("M", bound=Model)


def organisation_label(organisation: Organisation) -> str:
    """An organisation as a choice: its Chinese name (in the UI's script) in a Chinese UI."""
    return name_in_language(organisation.name, organisation.name_zh)


class DateInput(forms.DateInput):
    input_type = "date"


class ProgrammeForm(forms.ModelForm):
    career_stages = forms.MultipleChoiceField(
        label=_("career stages admitted"),
        choices=CareerStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("languages required"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = list(EDITABLE_PROGRAMME_FIELDS)
        widgets = {
            f: DateInput()
            for f in (
                "placements_open",
                "applications_open",
                "applications_close",
                "review_until",
                "results_on",
                "earliest_start",
            )
        }


class PlacementForm(forms.Form):
    title = forms.CharField(label=_("topic"), max_length=300)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea, required=False, max_length=20000
    )
    # A box that suggests as one types, not a <select> of a region's whole directory
    # (most of it for a Mainland host); the host-region rule is ``propose_placement``'s,
    # shown beside this field.
    organisation = OrganisationNameField(
        # a placement's host receives the fellow: not the facility's "affiliated"
        # organisation of the same English words (zh: 接收機構, not 所屬機構)
        label=pgettext_lazy("placement", "host organisation")
    )
    seats = forms.IntegerField(label=_("seats"), min_value=1, max_value=50, initial=1)
    months = forms.IntegerField(
        label=_("duration (months)"), min_value=1, max_value=120, initial=12
    )
    requirements = forms.CharField(
        label=_("requirements"), widget=forms.Textarea, required=False, max_length=5000
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_organisation(self) -> Organisation | None:
        organisation: Organisation | None = self.cleaned_data.get("organisation")
        if organisation is not None:
            error = host_region_error(self.programme, organisation)
            if error is not None:
                raise forms.ValidationError(error, code="host_region")
        return organisation


class ApplicationForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    career_stage = forms.ChoiceField(
        label=_("career stage"), choices=[("", "—"), *CareerStage.choices], required=False
    )
    home_region = forms.ChoiceField(label=_("home region"), choices=Region.choices)
    # A box that suggests as one types, not a <select> of the whole directory.
    home_organisation = OrganisationNameField(
        label=capfirst(Application._meta.get_field("home_organisation").verbose_name)
    )

    class Meta:
        model = Application
        fields = [
            "statement",
            "birth_date",
            "phd_date",
            "career_stage",
            "home_region",
            "home_organisation",
            "languages",
            "public_consent",
        ]
        widgets = {"birth_date": DateInput(), "phd_date": DateInput()}


bound_dates(ProgrammeForm, ApplicationForm)


class PreferencesForm(forms.Form):
    """One select per rank, up to the programme's limit."""

    def __init__(self, *args: Any, programme: Programme, placements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [
            (str(p.pk), f"{p.title} — {organisation_label(p.organisation)}") for p in placements
        ]
        for k in range(1, programme.max_preferences + 1):
            self.fields[f"choice_{k}"] = forms.ChoiceField(
                label=_("Choice %(n)s") % {"n": k}, choices=choices, required=False
            )

    def placement_ids(self) -> list[int]:
        return [int(v) for k, v in sorted(self.cleaned_data.items()) if v]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("file (PDF)"))


class RefereeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    email = forms.EmailField(label=_("e-mail"), max_length=254)
    language = forms.ChoiceField(
        label=_("language of the invitation"),
        choices=[("", _("the referee's own, else mine")), *settings.LANGUAGES],
        required=False,
    )


class LetterForm(forms.Form):
    letter = forms.FileField(label=_("letter (PDF)"))


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"), widget=forms.Textarea, required=False, max_length=10000
    )

    def __init__(self, *args: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.IntegerField(
                label=f"{c.name} (×{c.weight})", min_value=0, max_value=5
            )

    def scores(self) -> dict[str, int]:
        return {k[6:]: v for k, v in self.cleaned_data.items() if k.startswith("score_")}


class ConflictForm(forms.Form):
    conflict_reason = forms.CharField(label=_("conflict declared"), max_length=500)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("report"), choices=ReportKind.choices)
    text = forms.CharField(label=_("report"), widget=forms.Textarea, max_length=20000)


class AdjustForm(forms.Form):
    application = forms.IntegerField(label=_("application"), min_value=1)
    placement = forms.IntegerField(
        label=_("placement (empty: not placed)"), min_value=1, required=False
    )


class RankForm(forms.Form):
    order = forms.CharField(
        label=_("order (application numbers, best first, comma-separated)"), max_length=2000
    )

    def ids(self) -> list[int]:
        raw = [x.strip() for x in self.cleaned_data["order"].split(",") if x.strip()]
        if not all(x.isdigit() for x in raw):
            raise forms.ValidationError(_("Give application numbers separated by commas."))
        return [int(x) for x in raw]


class ChecklistStepForm(forms.Form):
    host_region = forms.ChoiceField(label=_("host region"), choices=Region.choices)
    title = forms.CharField(label=_("step"), max_length=300)
    days_before_arrival = forms.IntegerField(
        label=_("due (days before arrival)"), min_value=-365, max_value=365, initial=30
    )


MAX_INSTALMENTS = 6


class StipendForm(forms.Form):
    """One side's part of the stipend: who pays, the currency, the amount per fellow and
    its instalments in order (equal parts), each released on an event."""

    paid_by = forms.ChoiceField(label=_("paid by (side)"), choices=Region.choices)
    currency = forms.ChoiceField(label=_("currency"), choices=Currency.choices)
    amount = AmountField(
        label=_("amount per fellow"),
        max_digits=StipendComponent._meta.get_field("amount").max_digits,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for k in range(1, MAX_INSTALMENTS + 1):
            self.fields[f"instalment_{k}"] = forms.ChoiceField(
                label=_("instalment %(n)s released") % {"n": k},
                choices=[("", "—"), *PaidOn.choices],
                required=k == 1,
            )

    def schedule(self) -> list[str]:
        return [
            self.cleaned_data[f"instalment_{k}"]
            for k in range(1, MAX_INSTALMENTS + 1)
            if self.cleaned_data.get(f"instalment_{k}")
        ]


class CriterionForm(forms.Form):
    name = forms.CharField(
        label=_("criterion"),
        max_length=RubricCriterion._meta.get_field("name").max_length,
    )
    weight = forms.DecimalField(
        label=_("weight"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"), initial=1
    )


# --------------------------------------------------------------------------- buttons
# The pages' buttons post an ``action`` and sometimes the id of a row of the page: these
# forms read them, so a view never reads ``request.POST`` itself.


class PickForm(forms.Form):
    """The id of one row the page shows (``name``), among ``queryset``."""

    def __init__(self, data: Any, *, name: str, queryset: QuerySet[Any]) -> None:
        super().__init__(data)
        self.fields[name] = forms.ModelChoiceField(queryset)


def picked_or_404(data: Any, name: str, queryset: QuerySet[M]) -> M:
    """The row whose id is posted as ``name``; a missing, malformed or foreign id is a 404."""
    form = PickForm(data, name=name, queryset=queryset)
    if not form.is_valid():
        raise Http404
    row: M = form.cleaned_data[name]
    return row


class NoteForm(forms.Form):
    """The coordinator's note on a nomination (at most 5,000 characters kept)."""

    note = forms.CharField(required=False, strip=False)

    def clean_note(self) -> str:
        return str(self.cleaned_data["note"])[:5000]


class ReviewerForm(forms.Form):
    """The handle of the reviewer to assign (an unknown one: the view says so)."""

    reviewer = forms.CharField(required=False, strip=False)


class RunMatchingForm(forms.Form):
    """The matching methods to run (ticked) and whether to balance the regions."""

    balance = forms.BooleanField(required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        for method in MatchingMethod.values:
            self.fields[f"m_{method}"] = forms.BooleanField(required=False)

    def methods(self) -> list[str]:
        if not self.is_valid():
            return []
        return [m for m in MatchingMethod.values if self.cleaned_data[f"m_{m}"]]
