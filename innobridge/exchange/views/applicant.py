from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innobridge.core.forms import (
    ActionForm,
    apply_service_errors,
    flash_form_errors,
    service_error_messages,
)

from .. import selectors, services
from ..forms import (
    ApplicationForm,
    DocumentForm,
    LetterForm,
    NoteForm,
    PreferencesForm,
    RefereeForm,
    ReviewerForm,
    picked_or_404,
)
from ..models import (
    ApplicationDocument,
    ApplicationState,
    Offer,
    OfferState,
    Programme,
    Referee,
    RefereeState,
)
from ..permissions import can_edit_application, can_see_reviewers, can_view_letters, require
from ..workflow import APPLICATION_FLOW, OFFER_FLOW, actions
from .common import attempt


@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme, pk=pk)
    existing = p.applications.filter(applicant_id=request.user.pk).first()
    if existing:
        return redirect("exchange:application", existing.pk)
    if not p.accepting_applications:
        # Said before the form is filled in, not after (the service refuses it as well).
        messages.info(
            request,
            _("Applications to this programme are open from %(a)s to %(b)s.")
            % {"a": p.applications_open, "b": p.applications_close},
        )
        return redirect("exchange:programme", p.pk)
    profile = getattr(request.user, "researcher_profile", None)
    initial = {}
    if profile is not None:
        initial = {
            "home_region": profile.region,
            "home_organisation": profile.organisation_id,
            "career_stage": profile.career_stage,
        }
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.start_application(request.user, p, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("exchange:application", app.pk)
    return render(
        request, "exchange/form.html", {"form": form, "title": _("Apply: %(p)s") % {"p": p}}
    )


APPLICATION_ACTIONS = (
    "save",
    "preferences",
    "document",
    "referee",
    "resend",
    "submit",
    "withdraw",
    "nominate",
    "decline_nomination",
    "close",
    "shortlist",
    "not_shortlist",
    "assign_reviewer",
)


NOMINATION_ACTIONS = ("nominate", "decline_nomination")


def _post(request: HttpRequest, app: object) -> None:
    from ..models import Application

    assert isinstance(app, Application)
    user = request.user
    action = ActionForm(request.POST, choices=APPLICATION_ACTIONS).chosen() or ""
    if action == "save":
        form = ApplicationForm(request.POST, instance=None)
        if form.is_valid():
            attempt(
                request,
                lambda: services.save_application(user, app, **form.cleaned_data),
                _("Draft saved."),
            )
        else:
            flash_form_errors(request, form)
    elif action == "preferences":
        pform = PreferencesForm(
            request.POST,
            programme=app.programme,
            placements=selectors.open_placements(app.programme),
        )
        if pform.is_valid():
            attempt(
                request,
                lambda: services.set_preferences(user, app, pform.placement_ids()),
                _("Saved."),
            )
    elif action == "document":
        dform = DocumentForm(request.POST, request.FILES)
        if dform.is_valid():
            attempt(
                request,
                lambda: services.add_document(
                    user, app, kind=dform.cleaned_data["kind"], upload=dform.cleaned_data["file"]
                ),
                _("Uploaded."),
            )
        else:
            messages.error(request, _("Upload a PDF file."))
    elif action == "referee":
        rform = RefereeForm(request.POST)
        if rform.is_valid():
            attempt(
                request,
                lambda: services.invite_referee(user, app, **rform.cleaned_data),
                _("The referee has been sent a link by e-mail."),
            )
        else:
            messages.error(request, _("Give the referee's name and e-mail."))
    elif action == "resend":
        ref = picked_or_404(request.POST, "referee", Referee.objects.filter(application=app))
        attempt(
            request, lambda: services.resend_invitation(user, ref), _("A new link has been sent.")
        )
    elif action == "submit":
        attempt(
            request, lambda: services.submit_application(user, app), _("Application submitted.")
        )
    elif action == "withdraw":
        attempt(
            request, lambda: services.withdraw_application(user, app), _("Application withdrawn.")
        )
    elif action in {"nominate", "decline_nomination"}:
        nform = NoteForm(request.POST)
        note = nform.cleaned_data["note"] if nform.is_valid() else ""
        attempt(
            request,
            lambda: services.nominate(user, app, yes=action == "nominate", note=note),
            _("Saved."),
        )
    elif action == "close":
        attempt(
            request,
            lambda: services.close_unsuccessful(user, app),
            _("Closed as unsuccessful."),
        )
    elif action in {"shortlist", "not_shortlist"}:
        attempt(
            request, lambda: services.shortlist(user, app, yes=action == "shortlist"), _("Saved.")
        )
    elif action == "assign_reviewer":
        from innobridge.people.selectors import person_by_handle

        rvform = ReviewerForm(request.POST)
        handle = rvform.cleaned_data["reviewer"] if rvform.is_valid() else ""
        reviewer = person_by_handle(handle)  # None when nobody has this handle
        if reviewer is None:
            messages.error(request, _("No such person."))
        else:
            attempt(
                request,
                lambda: services.assign_reviewer(user, app, reviewer),
                _("Reviewer assigned."),
            )


def application(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_for(request.user, pk)
    if request.method == "POST":
        _post(request, app)
        return redirect("exchange:application", app.pk)
    services.log_application_view(request.user, app, "application file")
    editable = can_edit_application(request.user, app)
    offer = app.offers.filter(state=OfferState.SENT).first()
    is_applicant = app.applicant_id == request.user.pk
    # Only the steps this page takes: an offer is answered on its own form above, and
    # offers are sent from the matching page.
    steps = [
        a
        for a in actions(APPLICATION_FLOW, request.user, app)
        if a["action"] in APPLICATION_ACTIONS
    ]
    return render(
        request,
        "exchange/application.html",
        {
            "app": app,
            "ApplicationState": ApplicationState,  # the template compares with members
            "RefereeState": RefereeState,
            "editable": editable,
            "form": ApplicationForm(instance=app) if editable else None,
            "pref_form": PreferencesForm(
                programme=app.programme,
                placements=selectors.open_placements(app.programme),
                initial={f"choice_{p.rank}": str(p.placement_id) for p in app.preferences.all()},
            )
            if editable
            else None,
            "preferences": app.preferences.select_related("placement__organisation"),
            "documents": app.documents.all(),
            "referees": app.referees.all(),
            "problems": services.submission_problems(app) if editable else [],
            "actions": steps,
            "nominating": any(a["action"] in NOMINATION_ACTIONS for a in steps),
            "show_letters": can_view_letters(request.user, app),
            "show_reviewers": can_see_reviewers(request.user, app),
            "reviews": app.reviews.all() if can_see_reviewers(request.user, app) else [],
            "offer": offer,
            "offer_actions": actions(OFFER_FLOW, request.user, offer) if offer else [],
            "stay": getattr(app, "stay", None),
            "doc_form": DocumentForm(),
            "ref_form": RefereeForm(),
            "views": selectors.application_views_for(request.user, app) if is_applicant else [],
            "is_applicant": is_applicant,
        },
    )


def _file(f: Any, name: str) -> FileResponse:
    return FileResponse(f.open("rb"), as_attachment=True, filename=name)


@login_required
def document(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    """An application's document (PDF) for whoever may see the application; each view by
    someone other than the applicant is registered."""
    app = selectors.application_for(request.user, pk)
    d = get_object_or_404(ApplicationDocument, pk=doc, application=app)
    services.log_application_view(request.user, app, f"document: {d.kind}")
    return _file(d.file, f"application-{app.pk}-{d.kind}.pdf")


@login_required
def letter(request: HttpRequest, pk: int, referee: int) -> FileResponse:
    """A referee's letter: officers and assigned reviewers only, never the applicant."""
    app = selectors.application_for(request.user, pk)
    require(can_view_letters(request.user, app))
    ref = get_object_or_404(Referee, pk=referee, application=app)
    if not ref.letter:
        raise Http404
    services.log_application_view(request.user, app, f"reference letter {ref.pk}")
    return _file(ref.letter, f"application-{app.pk}-letter-{ref.pk}.pdf")


@login_required
def offer_reply(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer.objects.select_related("application"), pk=pk)
    require(offer.application.applicant_id == request.user.pk)
    if request.method == "POST":
        action = ActionForm(request.POST, choices=("accept", "decline")).chosen()
        if action == "accept":
            stay = attempt(
                request, lambda: services.accept_offer(request.user, offer), _("Offer accepted.")
            )
            if stay:
                return redirect("exchange:stay", stay.pk)
        elif action == "decline":
            attempt(
                request, lambda: services.decline_offer(request.user, offer), _("Offer declined.")
            )
    return redirect("exchange:application", offer.application_id)


def referee_upload(request: HttpRequest, token: str) -> HttpResponse:
    """The referee's page: no account, only this application's name and the upload."""
    try:
        ref = services.referee_for_token(token)
    except ValidationError as exc:
        return render(
            request, "exchange/referee.html", {"error": service_error_messages(exc)[0]}, status=410
        )
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_letter(token, form.cleaned_data["letter"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return render(request, "exchange/referee.html", {"done": True})
    return render(request, "exchange/referee.html", {"referee": ref, "form": form})
