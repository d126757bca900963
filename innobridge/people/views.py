from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from innobridge.core.models import Region

from . import selectors
from .models import Organisation, OrganisationType
from .ror import ZH_NAME_SUPPLEMENT


# --- Organisations (ROR) -----------------------------------------------------

ORGANISATIONS_PER_PAGE = 25


def _organisation_filters(request: HttpRequest) -> dict[str, Any]:
    """The directory's filters from the query string; unknown values are ignored."""
    params = request.GET
    region = params.get("region", "")
    org_type = params.get("type", "")
    return {
        "q": params.get("q", "").strip()[:200],
        "region": region if region in Region.values else "",
        "type": org_type if org_type in OrganisationType.values else "",
        "city": params.get("city", "").strip()[:120],
        "include_inactive": params.get("inactive", "") in {"1", "on", "true"},
    }


def organisation_list(request: HttpRequest) -> HttpResponse:
    filters = _organisation_filters(request)
    qs = selectors.search_organisations(**filters)
    page = Paginator(qs, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "regions": Region.choices,
        "types": OrganisationType.choices,
        "cities": selectors.organisation_cities(filters["region"]),
        "query_string": keep.urlencode(),
    }
    is_htmx = request.headers.get("HX-Request") == "true"
    whole_page = (
        request.headers.get("HX-Boosted") == "true"
        or request.headers.get("HX-History-Restore-Request") == "true"
    )
    template = (
        "people/_organisation_results.html"
        if is_htmx and not whole_page
        else "people/organisation_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        org = selectors.organisation_detail(pk)
    except Organisation.DoesNotExist as exc:
        raise Http404(_("No such organisation.")) from exc
    external = [r for r in org.external_relationships if isinstance(r, dict)]
    local = selectors.organisations_by_ror_id([r.get("ror_id", "") for r in external])
    relationship_labels = {
        "parent": _("Parent"),
        "child": _("Child"),
        "related": _("Related"),
        "predecessor": _("Predecessor"),
        "successor": _("Successor"),
    }
    external_rows = [
        {
            "type": relationship_labels.get(r.get("type", ""), r.get("type", "")),
            "label": r.get("label") or r.get("ror_id", ""),
            "ror_url": f"https://ror.org/{r.get('ror_id', '')}",
            "local": local.get(r.get("ror_id", "")),
        }
        for r in external
    ]
    researchers = selectors.organisation_researchers(org, request.user)
    type_labels = dict(OrganisationType.choices)
    context = {
        "org": org,
        "type_names": [str(type_labels.get(t, t)) for t in org.types],
        "parents": sorted(org.parents.all(), key=lambda o: o.name),
        "children": sorted(org.children.all(), key=lambda o: o.name),
        "related": sorted(org.related.all(), key=lambda o: o.name),
        "external": external_rows,
        "researchers": researchers[:200],
        "researcher_count": researchers.count(),
        "name_zh_supplemented": bool(
            org.ror_id and ZH_NAME_SUPPLEMENT.get(org.ror_id) == org.name_zh
        ),
    }
    return render(request, "people/organisation_detail.html", context)


# --- Researchers and publications -------------------------------------------

RESEARCHERS_PER_PAGE = 20
PUBLICATIONS_PER_PAGE = 50


def _researcher_filters(request: HttpRequest) -> dict[str, Any]:
    """The listing's filters from the query string; unknown values are ignored."""
    params = request.GET
    region = params.get("region", "")
    stage = params.get("career_stage", "")
    org = params.get("organisation", "")
    return {
        "q": params.get("q", "").strip()[:200],
        "region": region if region in Region.values else "",
        "career_stage": stage if stage in CareerStage.values else "",
        "organisation": int(org) if org.isdigit() else None,
        "keyword": params.get("keyword", "").strip()[:100],
        "has_orcid": True if params.get("orcid", "") in {"1", "on"} else None,
    }


def _is_htmx_partial(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


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
