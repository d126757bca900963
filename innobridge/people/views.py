from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import selectors
from .models import Organisation


def organisation_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.search_organisations(
        q=request.GET.get("q", ""),
        region=request.GET.get("region", ""),
        type=request.GET.get("type", ""),
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "people/organisation_list.html", {"page": page})


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=pk)
    return render(request, "people/organisation_detail.html", {"org": org})


def researcher_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.search_researchers(request.user, q=request.GET.get("q", ""))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "people/researcher_list.html", {"page": page})


def researcher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(selectors.visible_researchers(request.user), pk=pk)
    return render(request, "people/researcher_detail.html", {"profile": profile})


def signup(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup.html", {})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/account.html", {})
