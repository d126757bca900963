from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views

from innobridge.core import authbackend
from innobridge.core.caching import public_page
from innobridge.core.forms import ActionForm, apply_service_errors
from innobridge.core.models import Region
from innobridge.core.permissions import Role, can_act_as

from . import permissions, selectors, services
from .forms import (
    ApiTokenForm,
    ConfirmedAuthenticationForm,
    LanguagePreferenceForm,
    LanguageSwitchForm,
    PublicationImportForm,
    ResearcherProfileForm,
    SignUpForm,
    TokenPickForm,
)
from .models import (
    ApiToken,
    CareerStage,
    Organisation,
    OrganisationType,
    Person,
    ResearcherProfile,
)
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


@public_page("people.researchers")
def researcher_list(request: HttpRequest) -> HttpResponse:
    filters = _researcher_filters(request)
    qs = selectors.search_researchers(request.user, **filters).annotate(
        n_publications=Count("authorship")
    )
    page = Paginator(qs, RESEARCHERS_PER_PAGE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "regions": Region.choices,
        "career_stages": CareerStage.choices,
        "organisations": selectors.organisations_with_researchers(request.user)[:300],
        "query_string": keep.urlencode(),
        "own_profile": getattr(request.user, "researcher_profile", None)
        if request.user.is_authenticated
        else None,
    }
    template = (
        "people/_researcher_results.html"
        if _is_htmx_partial(request)
        else "people/researcher_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def researcher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(selectors.visible_researchers(request.user), pk=pk)
    publications = Paginator(
        selectors.researcher_publications(profile), PUBLICATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "profile": profile,
        "publications": publications,
        "can_edit": permissions.can_edit_profile(request.user, profile),
    }
    return render(request, "people/researcher_detail.html", context)


def _editable_profile(request: HttpRequest, pk: int) -> ResearcherProfile:
    profile = get_object_or_404(
        ResearcherProfile.objects.select_related("person", "organisation"), pk=pk
    )
    if not permissions.can_edit_profile(request.user, profile):
        raise PermissionDenied(_("Only the owner of this profile may change it."))
    return profile


def _profile_initial(profile: ResearcherProfile) -> dict[str, Any]:
    return {
        "display_name": profile.person.display_name or str(profile.person),
        "orcid": profile.orcid or "",
        # shown in the reader's language, as it resolves back to this one organisation
        "organisation": profile.organisation,
        # Empty when it simply follows the organisation, so a new organisation brings its own.
        "region": ""
        if profile.organisation and profile.organisation.region == profile.region
        else profile.region,
        "career_stage": profile.career_stage,
        "position": profile.position,
        "keywords": ", ".join(profile.keywords),
        "biography": profile.biography,
        "biography_language": profile.biography_language,
        "is_public": profile.is_public,
    }


@login_required
def researcher_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _editable_profile(request, pk)
    if request.method == "POST":
        form = ResearcherProfileForm(request.POST)
        if form.is_valid():
            try:
                services.update_profile(request.user, profile, **form.changes())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect(profile.get_absolute_url())
    else:
        form = ResearcherProfileForm(initial=_profile_initial(profile))
    return render(
        request,
        "people/researcher_form.html",
        {"form": form, "profile": profile, "creating": False},
    )


@login_required
def researcher_new(request: HttpRequest) -> HttpResponse:
    """My profile: a signed-in person without a researcher profile creates one."""
    person = request.user
    if not isinstance(person, Person):
        raise PermissionDenied
    existing = ResearcherProfile.objects.filter(person=person).first()
    if existing is not None:
        return redirect("people:researcher_edit", pk=existing.pk)
    if request.method == "POST":
        form = ResearcherProfileForm(request.POST)
        if form.is_valid():
            try:
                profile = services.create_profile(request.user, person, **form.changes())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Your researcher profile is created."))
                return redirect(profile.get_absolute_url())
    else:
        form = ResearcherProfileForm(initial={"display_name": str(person), "is_public": True})
    return render(
        request, "people/researcher_form.html", {"form": form, "profile": None, "creating": True}
    )


@login_required
def researcher_import(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _editable_profile(request, pk)
    if request.method == "POST":
        form = PublicationImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = services.import_publications(
                    request.user,
                    profile,
                    form.cleaned_data["file"].read(),
                    form.cleaned_data["format"],
                )
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(
                    request,
                    _(
                        "Imported %(total)d publications: %(created)d new, %(linked)d linked "
                        "to records already here, %(unchanged)d already on your profile."
                    )
                    % {
                        "total": result.total,
                        "created": result.created,
                        "linked": result.linked,
                        "unchanged": result.unchanged,
                    },
                )
                return redirect(profile.get_absolute_url())
    else:
        form = PublicationImportForm()
    return render(request, "people/researcher_import.html", {"form": form, "profile": profile})


def organisation_options(request: HttpRequest) -> HttpResponse:
    """<option>s for an organisation box (HTMX). htmx sends the box's text under the
    box's own name (``organisation`` on the profile and facility forms,
    ``home_organisation`` on an exchange application…): the one parameter there is."""
    typed = [t for t in ((request.GET.get(k) or "").strip() for k in request.GET) if t]
    q = typed[0][:200] if len(typed) == 1 else ""
    orgs = selectors.search_organisations(q=q)[:12] if len(q) >= 2 else []
    return render(request, "people/_organisation_options.html", {"orgs": orgs})


# --- Accounts, roles and API tokens ------------------------------------------


def _apply_language(response: HttpResponse, language: str) -> HttpResponse:
    """Make ``language`` the UI language from the next page on (the switcher's cookie)."""
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
        translation.activate(language)
    return response


class LoginView(auth_views.LoginView):
    """Django's log-in, plus: the person's preferred language becomes the UI language, and
    a person with two-factor sign-in on goes on to its second step."""

    redirect_authenticated_user = True
    authentication_form = ConfirmedAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if selectors.has_two_factor(user):
            # Not logged in yet: the code from the authenticator app comes first.
            from .two_factor_views import start_second_step

            return start_second_step(self.request, user, self.get_success_url())
        response = super().form_valid(form)
        return _apply_language(response, form.get_user().preferred_language)


# Where a new researcher creates their profile (the first URL name that exists).
PROFILE_CREATION_URLS = ("people:researcher_create", "people:researcher_new")


def _after_signup_url(person: Person) -> str:
    """A researcher creates their profile; an enterprise user starts at home, whose panel
    leads them to link their account to their company; anyone else to their account."""
    if can_act_as(person, Role.ENTERPRISE) and not can_act_as(person, Role.RESEARCHER):
        return reverse("home")
    if can_act_as(person, Role.RESEARCHER):
        for name in PROFILE_CREATION_URLS:
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
    return reverse("account")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.sign_up(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                display_name=data["display_name"],
                preferred_language=data["preferred_language"],
                role=data["role"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            services.send_email_verification(person, request.build_absolute_uri("/"))
            response = render(
                request, "registration/verify_email_sent.html", {"email": person.email}
            )
            return _apply_language(response, person.preferred_language)
    return render(request, "registration/signup.html", {"form": form})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link e-mailed at sign-up: confirms the address and logs the person in."""
    try:
        person = services.verify_email(token)
    except ValidationError as exc:
        return render(
            request, "registration/verify_email_failed.html", {"errors": exc.messages}, status=400
        )
    if not person.is_active:
        return redirect("login")
    auth_login(request, person, backend=authbackend.BACKEND)
    response = redirect(_after_signup_url(person))
    _apply_language(response, person.preferred_language)
    messages.success(request, _("Welcome to InnoBridge! Your account is ready."))
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    person = request.user
    language_form = LanguagePreferenceForm(
        initial={"preferred_language": person.preferred_language}  # type: ignore[union-attr]
    )
    token_form = ApiTokenForm()
    new_token = new_key = None
    status = 200
    if request.method == "POST":
        action = ActionForm(
            request.POST, choices=("language", "create_token", "revoke_token")
        ).chosen()
        if action == "language":
            language_form = LanguagePreferenceForm(request.POST)
            if language_form.is_valid():
                language = language_form.cleaned_data["preferred_language"]
                try:
                    services.set_preferred_language(person, language)
                except ValidationError as exc:
                    apply_service_errors(language_form, exc)
                else:
                    response = redirect("account")
                    _apply_language(response, language)
                    messages.success(request, _("Your preferred language is saved."))
                    return response
        elif action == "create_token":
            token_form = ApiTokenForm(request.POST)
            if token_form.is_valid():
                try:
                    new_token, new_key = services.create_api_token(
                        person, token_form.cleaned_data["name"]
                    )
                except ValidationError as exc:
                    apply_service_errors(token_form, exc)
                else:
                    token_form = ApiTokenForm()
                    status = 201
        elif action == "revoke_token":
            pick = TokenPickForm(request.POST)
            if not pick.is_valid():
                raise Http404
            try:
                token = selectors.api_token_of(person, pick.cleaned_data["token"])
            except ApiToken.DoesNotExist as exc:
                raise Http404 from exc
            try:
                services.revoke_api_token(person, token)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
            return redirect("account")
        else:
            return HttpResponseBadRequest(_("Unknown action."))
        if status == 200:
            status = 400
    page = render(
        request,
        "registration/account.html",
        {
            "person": person,
            "roles": selectors.roles_held(person),
            "language_form": language_form,
            "token_form": token_form,
            "tokens": selectors.active_api_tokens(person),
            "two_factor_available": selectors.two_factor_available(person),
            "new_token": new_token,
            "new_key": new_key,
        },
        status=status,
    )
    if new_key:
        page["Cache-Control"] = "no-store"
    return page


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher; for a signed-in person it also saves the choice as
    their preferred language, so it follows them to their next log-in."""
    response = i18n_views.set_language(request)
    language = LanguageSwitchForm(request.POST).chosen() if request.method == "POST" else ""
    if request.user.is_authenticated and language:
        services.set_preferred_language(request.user, language)
    return response


# --- Partner search ------------------------------------------------------------


def partner_search(request: HttpRequest) -> HttpResponse:
    """Find researchers and organisations across the boundary by topic."""
    from .forms import PartnerSearchForm

    result = None
    form = PartnerSearchForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        use_profile = bool(data["use_profile"]) and hasattr(request.user, "researcher_profile")
        result = selectors.find_partners(
            request.user,
            q=data["q"],
            use_profile=use_profile,
            regions=data["region"] or None,
            organisation_type=data["organisation_type"],
            career_stage=data["career_stage"],
            fields=selectors.PARTNER_PAGE_FIELDS,
        )
    template = (
        "people/partials/partner_results.html"
        if request.headers.get("HX-Request") and result is not None
        else "people/partners.html"
    )
    return render(request, template, {"form": form, "result": result})
