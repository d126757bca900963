from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innobridge.core.forms import ActionForm, apply_service_errors
from innobridge.core.services import mark_notices_read

from .. import selectors, services
from ..forms import PlacementForm, ProgrammeForm, RankForm
from ..matching import pair_level
from ..models import Programme
from ..permissions import (
    can_create_programme,
    can_manage_programme,
    can_propose_placement,
    can_rank_placement,
    require,
)
from ..workflow import PLACEMENT_FLOW, actions
from .common import attempt


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST" and user.is_authenticated:
        if ActionForm(request.POST, choices=("read_notices",)).chosen() == "read_notices":
            mark_notices_read(user, "exchange")
        return redirect("exchange:home")
    ctx = {"programmes": selectors.programmes(), "can_create": can_create_programme(user)}
    if user.is_authenticated:
        ctx["notices"] = selectors.my_notices(user)[:20]
        apps, places = selectors.coordinator_queue(user)
        ctx.update(
            my_applications=selectors.my_applications(user),
            my_reviews=selectors.my_reviews(user),
            my_placements=selectors.my_placements(user),
            my_stays=selectors.my_stays(user),
            coordinator_apps=apps,
            coordinator_places=places,
        )
    return render(request, "exchange/home.html", ctx)


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    require(can_create_programme(request.user))
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            p = services.create_programme(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("exchange:programme", p.pk)
    return render(request, "exchange/form.html", {"form": form, "title": _("New programme")})


def programme(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme, pk=pk)
    mine = None
    if request.user.is_authenticated:
        mine = p.applications.filter(applicant=request.user).first()
    return render(
        request,
        "exchange/programme.html",
        {
            "programme": p,
            "placements": selectors.open_placements(p),
            "stipends": p.stipends.all(),
            "mine": mine,
            "can_manage": can_manage_programme(request.user, p),
            "can_propose": can_propose_placement(request.user, p),
        },
    )


@login_required
def placement_new(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Programme, pk=pk)
    require(can_propose_placement(request.user, p))
    form = PlacementForm(request.POST or None, programme=p)
    if request.method == "POST" and form.is_valid():
        try:
            pl = services.propose_placement(request.user, p, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Placement posted; the host institution's coordinator will review it.")
            )
            return redirect("exchange:placement", pl.pk)
    return render(request, "exchange/form.html", {"form": form, "title": _("Post a placement")})


PLACEMENT_ACTIONS = ("rank", "approve", "reject", "close")


def placement(request: HttpRequest, pk: int) -> HttpResponse:
    pl = selectors.placement_for(request.user, pk)
    rank_form = RankForm(request.POST or None) if can_rank_placement(request.user, pl) else None
    if request.method == "POST":
        action = ActionForm(request.POST, choices=PLACEMENT_ACTIONS).chosen()
        if action == "rank" and rank_form is not None and rank_form.is_valid():
            try:
                ids = rank_form.ids()
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                attempt(
                    request, lambda: services.rank_applicants(request.user, pl, ids), _("Saved.")
                )
        elif action in {"approve", "reject", "close"}:
            attempt(request, lambda: services.move_placement(request.user, pl, action), _("Saved."))
        return redirect("exchange:placement", pl.pk)
    applicants = selectors.placement_applicants(request.user, pl)
    ranks = dict(pl.ranks.values_list("application_id", "rank"))
    aff = selectors.latest_affinities(pl.programme) if applicants else {}
    return render(
        request,
        "exchange/placement.html",
        {
            "placement": pl,
            "actions": actions(PLACEMENT_FLOW, request.user, pl),
            # with each applicant's calibrated fit to the placement (the newest run's)
            "applicants": [
                (
                    a,
                    ranks.get(a.pk),
                    aff.get(f"{a.pk}:{pl.pk}"),
                    pair_level(aff.get(f"{a.pk}:{pl.pk}")),
                )
                for a in applicants
            ],
            "rank_form": rank_form,
        },
    )


def fellows(request: HttpRequest) -> HttpResponse:
    return render(request, "exchange/fellows.html", {"groups": selectors.public_fellows()})
