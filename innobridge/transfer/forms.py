"""Forms of the transfer pages: they parse; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from innobridge.core.models import Currency, Region
from innobridge.people.forms import OrganisationNameField
from innobridge.people.models import Organisation

from .models import (
    Demand,
    DemandMode,
    DevelopmentStage,
    IpType,
    Jurisdiction,
    LicensingMode,
    MembershipKind,
    OutcomeType,
    PassReason,
    PatentStatus,
    Sector,
    TriageReason,
)

BLANK: list[tuple[str, Any]] = [("", "—")]
AMOUNT: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal(0))],
}


class OfferFilterForm(forms.Form):
    q = forms.CharField(label=_("Describe what you need"), required=False, max_length=2000)
    sector = forms.ChoiceField(label=_("Sector"), choices=BLANK + Sector.choices, required=False)
    ip_type = forms.ChoiceField(label=_("IP type"), choices=BLANK + IpType.choices, required=False)
    mode = forms.ChoiceField(
        label=_("Licensing mode"), choices=BLANK + LicensingMode.choices, required=False
    )
    region = forms.ChoiceField(label=_("Region"), choices=BLANK + Region.choices, required=False)
    trl_min = forms.IntegerField(label=_("TRL from"), min_value=1, max_value=9, required=False)
    trl_max = forms.IntegerField(label=_("TRL up to"), min_value=1, max_value=9, required=False)


class DemandFilterForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=BLANK + Sector.choices, required=False)
    region = forms.ChoiceField(label=_("Region"), choices=BLANK + Region.choices, required=False)
    mode = forms.ChoiceField(
        label=_("Preferred mode"), choices=BLANK + DemandMode.choices, required=False
    )


def _lines(text: str) -> list[list[str]]:
    return [[p.strip() for p in line.split(";")] for line in text.splitlines() if line.strip()]


class OfferForm(forms.Form):
    owner: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Owner organisation"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Non-confidential summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=6000,
    )
    problem = forms.CharField(
        label=_("Problem solved"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    benefit_value = forms.DecimalField(
        label=_("Quantified benefit (a number)"), max_digits=14, decimal_places=4
    )
    benefit_unit = forms.CharField(label=_("Unit of the benefit"), max_length=60)
    benefit_compared_with = forms.CharField(
        label=_("Compared with (the best existing solution)"), max_length=300
    )
    commercial_route = forms.CharField(
        label=_("Commercial route"), widget=forms.Textarea(attrs={"rows": 2}), max_length=3000
    )
    sectors = forms.MultipleChoiceField(
        label=_("Application fields and sectors"),
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = forms.CharField(
        label=_("Keywords (comma-separated)"), required=False, max_length=500
    )
    ip_type = forms.ChoiceField(label=_("IP type"), choices=IpType.choices)
    patents = forms.CharField(
        label=_("Patents: one per line, “number; jurisdiction; status”"),
        help_text=_(
            "Jurisdictions: CN, HK, MO, US, EP, PCT, JP, KR, GB, OTHER. "
            "Status: filed, published, granted, lapsed, expired."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    trl = forms.IntegerField(label=_("TRL (1–9, self-declared)"), min_value=1, max_value=9)
    trl_evidence = forms.CharField(
        label=_("Evidence for the TRL"), widget=forms.Textarea(attrs={"rows": 2}), max_length=3000
    )
    stage = forms.ChoiceField(label=_("Development stage"), choices=DevelopmentStage.choices)
    inventors = forms.CharField(
        label=_("Inventors: one per line, “name; share in %”"),
        help_text=_("The shares must add up to 100 %."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    modes = forms.MultipleChoiceField(
        label=_("Licensing modes"),
        choices=LicensingMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    licence_fee = forms.DecimalField(
        label=_("Published licence fee (open or express licence)"), required=False, **AMOUNT
    )
    licence_currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    licence_terms = forms.CharField(
        label=_("Published licence terms"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=6000,
    )
    confidential_text = forms.CharField(
        label=_("Confidential description (shown only after an NDA)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )
    language = forms.ChoiceField(
        label=_("Language of the listing"),
        choices=[("en", "English"), ("zh-hant", "繁體中文"), ("zh-hans", "简体中文")],
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean_inventors(self) -> list[dict[str, Any]]:
        out = []
        for parts in _lines(self.cleaned_data["inventors"]):
            if len(parts) != 2:
                raise forms.ValidationError(_("Write each inventor as “name; share”."))
            out.append({"name": parts[0], "share": parts[1]})
        return out

    def clean_patents(self) -> list[dict[str, Any]]:
        out = []
        for parts in _lines(self.cleaned_data.get("patents") or ""):
            if len(parts) != 3:
                raise forms.ValidationError(
                    _("Write each patent as “number; jurisdiction; status”.")
                )
            jur, status = parts[1].upper(), parts[2].lower()
            if jur not in Jurisdiction.values or status not in PatentStatus.values:
                raise forms.ValidationError(
                    _("Unknown jurisdiction or status: %(line)s") % {"line": "; ".join(parts)}
                )
            out.append({"number": parts[0], "jurisdiction": jur, "status": status})
        return out

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["keywords"] = [k.strip() for k in (d.get("keywords") or "").split(",") if k.strip()]
        for k in ("owner", "inventors", "patents"):
            d.pop(k, None)
        return d


class DemandForm(forms.Form):
    """The guided demand form: each step asks one question."""

    title = forms.CharField(label=_("1. In one line: what do you need?"), max_length=300)
    problem = forms.CharField(
        label=_("2. The problem"), widget=forms.Textarea(attrs={"rows": 3}), max_length=6000
    )
    current_solution = forms.CharField(
        label=_("3. What you use now, and why it falls short"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    target_spec = forms.CharField(
        label=_("4. Target specification"),
        help_text=_("What must a solution achieve, measurably?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    target_value = forms.DecimalField(
        label=_("Target value (a number)"), max_digits=14, decimal_places=4, required=False
    )
    target_unit = forms.CharField(label=_("Unit of the target"), max_length=60, required=False)
    constraints = forms.CharField(
        label=_("5. Constraints"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=3000,
    )
    budget_min = forms.DecimalField(label=_("Budget from"), **AMOUNT)
    budget_max = forms.DecimalField(label=_("Budget up to"), **AMOUNT)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    preferred_mode = forms.ChoiceField(label=_("Preferred mode"), choices=DemandMode.choices)
    bounty_reward = forms.DecimalField(
        label=_("Bounty reward (for a bounty)"), required=False, **AMOUNT
    )
    is_anonymous = forms.BooleanField(
        label=_("Post under a description instead of our name"), required=False
    )
    anonymous_description = forms.CharField(
        label=_("Description shown instead of the name"), required=False, max_length=200
    )
    language = forms.ChoiceField(
        label=_("Language of the demand"),
        choices=[("en", "English"), ("zh-hant", "繁體中文"), ("zh-hans", "简体中文")],
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=BLANK + TriageReason.choices, required=False
    )


class InterestForm(forms.Form):
    message = forms.CharField(
        label=_("Your message to the owner"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class PassForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why do you pass?"), choices=PassReason.choices)
    other_text = forms.CharField(label=_("Other reason"), required=False, max_length=300)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class TermSheetForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=LicensingMode.choices)
    field_of_use = forms.CharField(label=_("Field of use"), max_length=300)
    territory = forms.CharField(label=_("Territory"), max_length=200)
    exclusive = forms.BooleanField(label=_("Exclusive"), required=False)
    upfront_fee = forms.DecimalField(label=_("Upfront fee"), **AMOUNT)
    royalty_pct = forms.DecimalField(
        label=_("Royalty (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)


class SignForm(forms.Form):
    outcome = forms.ChoiceField(label=_("What was signed"), choices=OutcomeType.choices)
    mode = forms.ChoiceField(
        label=_("Licence mode"), choices=BLANK + LicensingMode.choices, required=False
    )
    signed_date = forms.DateField(
        label=_("Date signed"), widget=forms.DateInput(attrs={"type": "date"})
    )
    value = forms.DecimalField(label=_("Value"), **AMOUNT)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    terms = forms.CharField(
        label=_("Main terms"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000
    )


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Why is the deal closed?"), max_length=2000)


class PlanForm(forms.Form):
    team = forms.CharField(label=_("Team"), max_length=300)
    summary = forms.CharField(
        label=_("Solution plan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000
    )


class PreferenceForm(forms.Form):
    in_app = forms.BooleanField(label=_("Show new matches on my transfer page"), required=False)
    daily_digest = forms.BooleanField(
        label=_("Send me a daily e-mail digest of new matches"), required=False
    )


class NdaForm(forms.Form):
    text_en = forms.CharField(
        label=_("NDA (English)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    text_zh_hant = forms.CharField(
        label=_("NDA (繁體中文)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    text_zh_hans = forms.CharField(
        label=_("NDA (简体中文)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("PDF file"))


# --------------------------------------------------------------------------- buttons
# The fields the pages' buttons post besides a form's own: these forms read them, so a
# view never reads ``request.POST`` itself.


class InterestDemandForm(forms.Form):
    """The demand an interest answers (optional; not a number or no such demand: the
    view's 404; a demand the person is not a member of is dropped by the service)."""

    demand = forms.ModelChoiceField(Demand.objects.all(), required=False)


class TakeTermsForm(forms.Form):
    """The licence mode chosen from the published terms (the service checks it)."""

    mode = forms.CharField(required=False, strip=False)


class NdaVersionForm(forms.Form):
    """The NDA version the person read (missing or malformed: 0, which the service
    refuses with "the NDA has changed: read it again")."""

    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)

    def read(self) -> int:
        return int(self.cleaned_data["version"] or 0) if self.is_valid() else 0


class MembershipRequestForm(forms.Form):
    """Ask to act for an organisation: one of the directory's, or a company to register."""

    kind = forms.ChoiceField(
        label=_("I act as"),
        choices=MembershipKind.choices,
        initial=MembershipKind.ENTERPRISE,
        widget=forms.RadioSelect,
    )
    organisation = OrganisationNameField(
        label=_("My organisation, if the directory holds it"),
        required=False,
        help_text=_("Type its name in English or Chinese, its acronym or its ROR id."),
    )
    company_name = forms.CharField(
        label=_("Or a company to register: its name"), required=False, max_length=300
    )
    company_name_zh = forms.CharField(label=_("Its Chinese name"), required=False, max_length=300)
    region = forms.ChoiceField(
        label=_("Registered in"), choices=BLANK + Region.choices, required=False
    )
    city = forms.CharField(label=_("City"), required=False, max_length=120)
    website = forms.URLField(
        label=_("Website"), required=False, max_length=500, assume_scheme="https"
    )
    registration_number = forms.CharField(
        label=_("Business registration number"),
        required=False,
        max_length=40,
        help_text=_(
            "The Hong Kong business registration number or the Mainland unified social "
            "credit code: it helps the administrator check the company."
        ),
    )
    job_title = forms.CharField(label=_("Your position"), max_length=120)
    message = forms.CharField(
        label=_("Message to the administrator"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
