"""Forms of the funding app (the simple actions post plain fields checked by the services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from innobridge.core.forms import AmountField
from innobridge.core.models import Region
from innobridge.core.money import MoneyError, parse_amount, parse_amount_with_currency
from innobridge.people.models import Organisation, Person
from innobridge.people.selectors import person_by_handle

from .models import (
    BudgetLine,
    Call,
    ChangeRequest,
    Criterion,
    Funder,
    MemberRole,
    Milestone,
    Project,
    Proposal,
    Report,
    Scheme,
    TeamMember,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format or "%Y-%m-%dT%H:%M")


class CallBasicsForm(forms.Form):
    """What every call has: titles, what applicants must know, and its dates."""

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


class CallForm(CallBasicsForm):
    field_order = ["scheme"]
    scheme = forms.ModelChoiceField(Scheme.objects.none(), label=_("Scheme"))
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
                label=f"{c.label} ({c.weight:g} %)",
                min_value=0,
                max_value=c.max_score,
                help_text=_("0 to %(max)s") % {"max": c.max_score},
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    funders = forms.ModelMultipleChoiceField(
        Funder.objects.order_by("side", "name"),
        label=_("Funders (one per side)"),
        widget=forms.CheckboxSelectMultiple,
    )


class CallEditForm(CallBasicsForm):
    """The call's own fields; each funder's budget, cap and reviewers are edited by that
    funder's officers (the fields of other funders' sides are shown disabled)."""

    min_duration_months = forms.IntegerField(label=_("Shortest duration (months)"), min_value=1)
    max_duration_months = forms.IntegerField(label=_("Longest duration (months)"), min_value=1)
    min_industry_share = forms.DecimalField(
        label=_("Minimum industry sponsorship (%)"), min_value=Decimal(0), max_value=Decimal(100)
    )
    one_application_per_person = forms.BooleanField(
        label=_("One application per person"), required=False
    )
    eligible_org_types = forms.CharField(
        label=_("Eligible organisation types (comma separated; empty: any)"), required=False
    )
    eligible_regions = forms.MultipleChoiceField(
        label=_("Team institutions may come from (none ticked: anywhere)"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    required_sides = forms.MultipleChoiceField(
        label=_("Required partner mix: at least one institution from each of"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    accepted_languages = forms.MultipleChoiceField(
        label=_("Languages accepted"),
        choices=[("en", _("English")), ("zh", _("Chinese"))],
        widget=forms.CheckboxSelectMultiple,
    )
    max_attachment_mb = forms.IntegerField(
        label=_("Largest attachment (MB)"), min_value=1, max_value=100
    )
    coi_years = forms.IntegerField(
        label=_("Co-authorship conflict window (years)"), min_value=0, max_value=20
    )

    def __init__(self, *args: Any, sides: list[Any], mine: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.side_fields: list[tuple[Any, list[str]]] = []
        for cs in sides:
            names = []
            for key, label, field in (
                ("budget", _("Budget"), forms.DecimalField(min_value=Decimal("1"))),
                ("cap", _("Cap per project"), forms.DecimalField(min_value=Decimal("1"))),
                (
                    "reviewers",
                    _("Reviewers per proposal"),
                    forms.IntegerField(min_value=1, max_value=10),
                ),
                ("load", _("Most proposals per reviewer"), forms.IntegerField(min_value=1)),
            ):
                name = f"{key}_{cs.funder_id}"
                field.label = f"{label} ({cs.funder.name}, {cs.currency})"
                field.disabled = cs.funder_id not in mine
                field.required = cs.funder_id in mine
                self.fields[name] = field
                names.append(name)
            self.side_fields.append((cs, names))

    def main_fields(self) -> list[Any]:
        side_names = {n for _cs, names in self.side_fields for n in names}
        return [self[n] for n in self.fields if n not in side_names]

    def side_groups(self) -> list[tuple[Any, list[Any]]]:
        return [(cs, [self[n] for n in names]) for cs, names in self.side_fields]


def _model_field(model: Any, name: str, **kwargs: Any) -> Any:
    """The form field of ``model.name``: its limits (length, digits, validators) as well."""
    return model._meta.get_field(name).formfield(**kwargs)


class BudgetLineForm(forms.Form):
    """One budget line of a proposal. Side, category and source are checked by the
    service (with its messages); the amount and description carry the model's limits."""

    model = BudgetLine  # its fields' names in error messages (core.forms.field_label)
    side = forms.CharField(max_length=3)
    category = forms.CharField(max_length=20)
    source = forms.CharField(max_length=10, required=False)
    amount = _model_field(BudgetLine, "amount", form_class=AmountField)
    description = _model_field(BudgetLine, "description", required=False)

    def currency(self) -> str | None:
        """The currency the user named with the amount ("CNY 1,500"), or None."""
        try:
            return parse_amount_with_currency(self.data.get("amount", ""))[1] or None
        except MoneyError:
            return None


# --------------------------------------------------------------------------- the project page
# The project page's small forms post back to the page: a form's errors (its own, and the
# service's put on it with ``apply_service_errors``) are shown there as messages. Fields
# the services check keep the services' words; the forms add the model's limits.


class ListField(forms.Field):
    """The values of a field posted several times (``name=a&name=b``), as a list."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]


class MilestoneForm(forms.Form):
    title = _model_field(Milestone, "title", required=False)
    due_date = forms.DateField(
        error_messages={"required": _("Give a due date."), "invalid": _("Give a due date.")}
    )


class ReportForm(forms.Form):
    milestone = forms.ModelChoiceField(Milestone.objects.none())
    summary = _model_field(Report, "summary", required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = project.milestones.all()  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    rating = forms.CharField(max_length=20, required=False)  # the service names the choices
    comment = _model_field(Report, "rating_comment", required=False)


class DecideChangeForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    note = _model_field(ChangeRequest, "decision_note", required=False)


class InstalmentForm(forms.Form):
    funder = forms.ModelChoiceField(Funder.objects.none())
    amount = forms.CharField(max_length=40, required=False)  # the service reads amounts
    depends_on = forms.ModelChoiceField(Milestone.objects.none(), required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        funders = Funder.objects.filter(call_sides__call=project.proposal.call)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]
        self.fields["depends_on"].queryset = project.milestones.all()  # type: ignore[attr-defined]


class TerminateForm(forms.Form):
    reason = _model_field(Project, "termination_reason", required=False)


class ChangeRequestForm(forms.Form):
    """A change request: the kind and side, and what changes (a new end date, the side's
    new budget lines posted as parallel ``line_*`` lists, who leaves and who joins)."""

    kind = forms.CharField(max_length=10, required=False)
    side = forms.CharField(max_length=3, required=False)
    description = _model_field(ChangeRequest, "description", required=False)
    new_end_date = forms.DateField(required=False, error_messages={"invalid": _("Give a date.")})
    line_category = ListField(required=False)
    line_source = ListField(required=False)
    line_amount = ListField(required=False)
    line_description = ListField(required=False)
    remove_member = forms.ModelChoiceField(
        TeamMember.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("That person is not on the project team.")},
    )
    add_person = forms.CharField(max_length=254, required=False)
    add_role = forms.CharField(max_length=20, required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = project.proposal.members.all()
        self.fields["remove_member"].queryset = members  # type: ignore[attr-defined]

    def clean_add_person(self) -> Any:
        handle = self.cleaned_data["add_person"].strip()
        if not handle:
            return None
        person = person_by_handle(handle)
        if person is None:
            raise forms.ValidationError(_("No account with that user name or e-mail."))
        return person

    def clean_line_amount(self) -> list[str]:
        """Amounts as people write them ("HK$ 300,000", "1,500.50"), each checked."""
        out = []
        for raw in self.cleaned_data["line_amount"]:
            if not raw.strip():
                out.append("")
                continue
            try:
                out.append(str(parse_amount(raw)))
            except MoneyError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return out

    def new_budget(self) -> list[dict[str, str]]:
        """The budget lines given (rows without an amount are left out)."""
        d = self.cleaned_data
        rows = zip(
            d["line_category"],
            d["line_source"],
            d["line_amount"],
            d["line_description"],
            strict=False,
        )
        return [
            {"category": cat, "source": src, "amount": amount, "description": desc}
            for cat, src, amount, desc in rows
            if amount
        ]


# --------------------------------------------------------------------------- review pages


def flag() -> forms.TypedChoiceField:
    """A yes/no posted as "1" (a ticked box, a Yes button) or "0"/absent."""
    return forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=False,  # type: ignore[arg-type]  # absent: no (not coerced)
    )


class AssignmentRunForm(forms.Form):
    fair = flag()
    cross_border = flag()


class AnswerForm(forms.Form):
    accept = flag()


class ByHandForm(forms.Form):
    proposal = forms.ModelChoiceField(Proposal.objects.none())
    funder = forms.ModelChoiceField(Funder.objects.none())
    reviewer = forms.ModelChoiceField(Person.objects.all())

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = call.proposals.all()  # type: ignore[attr-defined]
        funders = Funder.objects.filter(call_sides__call=call)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]


class InvitationsForm(forms.Form):
    deadline = forms.DateTimeField(
        required=False, error_messages={"invalid": _("Give the deadline as a date and time.")}
    )


class SharingForm(forms.Form):
    funder = forms.ModelChoiceField(Funder.objects.none())
    comments = flag()
    scores = flag()

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        funders = Funder.objects.filter(call_sides__call=call)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]


class DraftChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — {obj.call.title}"


class PersonInviteForm(forms.Form):
    """Invite a chosen person (from their profile or a search hit) to one of the user's
    own draft proposals."""

    proposal = DraftChoiceField(
        label=_("Proposal"), queryset=Proposal.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[c for c in MemberRole.choices if c[0] != MemberRole.LEAD]
    )

    def __init__(self, *args: Any, drafts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proposal"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = drafts


# --------------------------------------------------------------------------- proposal pages
# The proposal, award and call pages' buttons post plain fields that the services check
# (with their own messages): these forms only read the post, so a view never reads
# ``request.POST`` itself. A text left empty is "" (the services say what is missing).


def text(max_length: int | None = None) -> forms.CharField:
    """A posted text as typed (not stripped: the services strip and check it), at most
    ``max_length`` characters when given (a model field's limit: a form error, not a
    database error)."""
    return forms.CharField(required=False, strip=False, max_length=max_length)


def object_id() -> forms.IntegerField:
    """The id of an object the view looks up (a missing or unknown one is the view's 404)."""
    return forms.IntegerField(required=False)


class NextForm(forms.Form):
    """``next``: the page to go back to (a path on this site; anything else is ignored)."""

    next = forms.CharField(required=False)

    def clean_next(self) -> str:
        target = self.cleaned_data["next"]
        return target if url_has_allowed_host_and_scheme(target, allowed_hosts=None) else ""


class OrganisationField(forms.ModelChoiceField):
    """The organisation chosen for a proposal or a team member (none: empty)."""

    def __init__(self) -> None:
        super().__init__(Organisation.objects.all(), required=False)


class ApplyForm(forms.Form):
    organisation = OrganisationField()
    title_en = text()
    title_zh = text()


class ProposalTextForm(forms.Form):
    """The editor's text fields (posted with every button of the editor)."""

    title_en = text(Proposal._meta.get_field("title_en").max_length)
    title_zh = text(Proposal._meta.get_field("title_zh").max_length)
    abstract_en = text()
    abstract_zh = text()
    keywords = text()
    duration_months = forms.CharField(required=False)

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposal = proposal

    def clean_keywords(self) -> list[str]:
        """Comma separated (the Chinese comma too)."""
        raw = self.cleaned_data["keywords"].replace("，", ",")
        return [k.strip() for k in raw.split(",") if k.strip()]

    def clean_duration_months(self) -> int:
        """Whole months within the model's limits (left empty: the proposal's duration as
        it is) — a negative or huge number is a form error, not a database error."""
        try:
            months = int(self.cleaned_data["duration_months"] or self.proposal.duration_months)
        except ValueError as exc:
            raise forms.ValidationError(_("Give the duration in whole months.")) from exc
        for validator in Proposal._meta.get_field("duration_months").validators:
            validator(months)
        return months


class MemberInviteForm(forms.Form):
    """Invite a person (chosen from the lead's contacts by ``person_id``, or typed by user
    name or e-mail in ``person``) with an organisation and a role."""

    person_id = forms.CharField(required=False)
    person = text()
    organisation = OrganisationField()
    role = forms.CharField(required=False)

    def clean_role(self) -> str:
        """The role chosen (not posted at all: partner lead, the usual invitation)."""
        return self.cleaned_data["role"] if "role" in self.data else MemberRole.PARTNER_LEAD


class ReasonForm(forms.Form):
    reason = text()


class ScreenForm(NextForm):
    eligible = flag()
    funder = object_id()
    reason = text()


class DecisionForm(NextForm):
    funder = object_id()
    decision = forms.CharField(required=False)
    reasons = text()
    amount = forms.CharField(required=False)  # the service reads amounts ("HK$ 300,000")
    conditions = text()


class ConflictForm(forms.Form):
    detail = text()


class AwardAnswerForm(forms.Form):
    accept = flag()
    note = text()


class InformationRequestForm(NextForm):
    funder = object_id()
    question = text()
    deadline = forms.DateTimeField(
        required=False, error_messages={"invalid": _("Give the deadline as a date and time.")}
    )


class InformationAnswerForm(forms.Form):
    answer = text()


class RubricForm(forms.Form):
    """A funder's rubric: one row per criterion, posted as parallel lists."""

    name = ListField(required=False)
    name_zh = ListField(required=False)
    weight = ListField(required=False)
    max_score = ListField(required=False)

    @staticmethod
    def rows_of(d: dict[str, Any]) -> list[dict[str, Any]]:
        """The rows of the cleaned data (a row without a maximum score: 5)."""
        return [
            {"name": n, "name_zh": z, "weight": w, "max_score": m or 5}
            for n, z, w, m in zip(
                d["name"], d["name_zh"], d["weight"], d["max_score"], strict=False
            )
        ]


class PoolForm(forms.Form):
    """A funder's reviewer pool: ``remove`` (a person's id) takes them out, else ``person``
    (user name or e-mail) is added."""

    remove = object_id()
    person = text()
