"""Pages after a decision and at screening: the award (letter, acceptance) and requests for
more information."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innobridge.core.forms import service_error_messages

from .. import letters, selectors, services
from ..forms import AwardAnswerForm, InformationAnswerForm, InformationRequestForm
from ..models import Award, Funder, Proposal, ProposalRole
from ._helpers import act, act_on_form, bounce


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    return get_object_or_404(selectors.visible_proposals(request.user), pk=pk)


@login_required
def award_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The bilingual award letter (PDF) for the team and the call's officers."""
    p = _proposal(request, pk)
    award = get_object_or_404(Award, proposal=p)
    if selectors.proposal_role(request.user, p) not in (ProposalRole.TEAM, ProposalRole.OFFICER):
        raise PermissionDenied(_("Only the applicants and the officers see the award letter."))
    data = letters.award_letter_pdf(award)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="award-{p.pk}.pdf"'
    return response


@login_required
@require_POST
def award_respond(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    award = get_object_or_404(Award, proposal=p)
    form = AwardAnswerForm(request.POST)
    if not form.is_valid():
        return bounce(request, form, p.get_absolute_url())
    note = form.cleaned_data["note"]
    if form.cleaned_data["accept"]:
        try:
            project = services.accept_award(request.user, award, note=note)
        except ValidationError as exc:
            for m in service_error_messages(exc):
                messages.error(request, m)
            return redirect(p)
        messages.success(request, _("You accepted the award: the project has started."))
        return redirect(project)
    return act(
        request,
        lambda: services.decline_award(request.user, award, note=note),
        _("You declined the award."),
        p.get_absolute_url(),
    )


@login_required
@require_POST
def request_info(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    form = InformationRequestForm(request.POST)
    if not form.is_valid():
        return bounce(request, form, p.get_absolute_url())
    d = form.cleaned_data
    funder = get_object_or_404(Funder, pk=d["funder"] or 0)
    return act(
        request,
        lambda: services.request_information(
            request.user, p, funder, question=d["question"], deadline=d["deadline"]
        ),
        _("The proposal went back to the applicants with your question."),
        d["next"] or p.get_absolute_url(),
    )


@login_required
@require_POST
def answer_info(request: HttpRequest, pk: int) -> HttpResponse:
    p = _proposal(request, pk)
    return act_on_form(
        request,
        InformationAnswerForm(request.POST),
        lambda d: services.answer_information(request.user, p, answer=d["answer"]),
        _("Your answer was sent and the proposal resubmitted."),
        p.get_absolute_url(),
    )


@login_required
@require_POST
def resume_screening(request: HttpRequest, pk: int) -> HttpResponse:
    """After a missed deadline: the officer goes on screening without the answer."""
    p = _proposal(request, pk)
    return act(
        request,
        lambda: services.resume_screening(request.user, p),
        _("Screening resumed without the applicants' answer."),
        p.get_absolute_url() + "#screening",
    )
