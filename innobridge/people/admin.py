from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from innobridge.core.admin import (
    NoBulkDelete,
    ReadOnlyAdmin,
    RefusalsAsMessages,
    each_through_service,
    refusal_messages,
)
from innobridge.core.permissions import Role

from . import services
from .models import ApiToken, Organisation, Person, Publication, ResearcherProfile

# --- Accounts, roles and API tokens ------------------------------------------


def _role_action(role: Role, grant: bool) -> Callable[..., None]:
    """An admin action granting (or removing) ``role`` through ``services.assign_roles``,
    so every change is checked (administrators only) and audited. All or nothing: the
    people are changed in one transaction, and a refusal for one of them rolls back the
    changes already made to the others and is shown naming that person."""

    def action(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        write = services.grant_role if grant else services.remove_role
        changed = each_through_service(
            modeladmin, request, queryset, lambda person: write(request.user, person, role.value)
        )
        if changed is None:
            return
        modeladmin.message_user(
            request,
            gettext("%(role)s: %(n)d people updated.") % {"role": role.label, "n": changed},
            messages.SUCCESS,
        )

    verb = "grant" if grant else "remove"
    action.__name__ = f"{verb}_role_{role.value}"
    action.short_description = format_lazy(  # type: ignore[attr-defined]
        "{}: {}", _("Grant role") if grant else _("Remove role"), role.label
    )
    return action


@admin.register(Person)
class PersonAdmin(NoBulkDelete, UserAdmin):
    list_display = ["username", "display_name", "email", "roles", "is_demo", "is_staff"]
    list_filter = [*UserAdmin.list_filter, "is_demo"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("InnoBridge", {"fields": ("display_name", "preferred_language", "is_demo")}),
    )
    # Roles (groups) change only through the actions, which audit every change.
    readonly_fields = ["groups"]
    actions = [
        *[_role_action(role, grant=True) for role in Role],
        *[_role_action(role, grant=False) for role in Role],
    ]

    @admin.display(description=_("roles"))
    def roles(self, obj: Person) -> str:
        return ", ".join(str(Role(r).label) for r in services.person_roles(obj))


@admin.register(Organisation)
class OrganisationAdmin(RefusalsAsMessages):
    """An organisation imported from ROR is the import's (its next run would undo an
    edit): shown here, not changed. One the directory does not hold is added through
    ``register_organisation`` and changed through ``update_organisation`` (validated,
    findable by name at once, audited). None is deleted here: one that closed or was
    entered by mistake is marked inactive or withdrawn, and whatever points to it stays."""

    list_display = ["name", "name_zh", "region", "primary_type", "city", "ror_id", "status"]
    list_filter = ["region", "primary_type", "status"]
    search_fields = ["name", "name_zh", "ror_id", "search_text"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.ror_id:
            return ["ror_id", *services.ROR_IMPORT_FIELDS, "parents"]
        return list(services.ORGANISATION_FIELDS) + ([] if obj is None else ["ror_id"])

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.ror_id:
            return self.get_fields(request, obj)
        return ["ror_id"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        data = {
            f: form.cleaned_data[f] for f in services.ORGANISATION_FIELDS if f in form.cleaned_data
        }
        if not change:
            data.pop("status", None)  # a new organisation is active
            made = services.register_organisation(request.user, **data)
            obj.pk = made.pk
            obj._state.adding = False
            return
        stored = Organisation.objects.get(pk=obj.pk)  # the form has changed ``obj`` already
        changed = {f: v for f, v in data.items() if v != getattr(stored, f)}
        if changed:  # a page posted back unchanged writes nothing
            services.update_organisation(request.user, stored, **changed)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # nothing related is edited here (a registered organisation has no ROR links)


@admin.register(ResearcherProfile)
class ResearcherProfileAdmin(RefusalsAsMessages):
    """A profile is added through ``create_profile`` (which also gives the researcher role)
    and changed through ``update_profile`` (its search text rewritten, audited), as on the
    researcher's own page. It is not deleted here: it goes with its account, or is hidden
    by unticking "public"."""

    list_display = ["person", "organisation", "region", "career_stage", "orcid", "is_public"]
    list_filter = ["region", "career_stage", "is_public"]
    search_fields = ["person__display_name", "person__username", "orcid", "search_text"]
    raw_id_fields = ["person", "organisation"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["person", *services.PROFILE_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["person"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ResearcherProfile, form: Any, change: bool
    ) -> None:
        taken = [f for f in services.PROFILE_FIELDS if f in form.cleaned_data]
        if not change:
            data = {f: form.cleaned_data[f] for f in taken}
            made = services.create_profile(request.user, form.cleaned_data["person"], **data)
            obj.pk = made.pk
            obj._state.adding = False
            return
        stored = ResearcherProfile.objects.get(pk=obj.pk)  # the form has changed ``obj``
        changed = {
            f: form.cleaned_data[f]
            for f in taken
            if f in form.changed_data and form.cleaned_data[f] != getattr(stored, f)
        }
        if changed:  # a page posted back unchanged writes nothing
            services.update_profile(request.user, stored, **changed)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # a profile has no related rows edited here


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """Publications are added by their researchers (by DOI, by hand, from ORCID) and by
    the imports (``import_publications``, the bulk OpenAlex/ORCID import), which
    de-duplicate them and link their authors: shown here, not written."""

    list_display = ["title", "year", "venue", "doi", "source"]
    list_filter = ["source", "language", "year"]
    search_fields = ["title", "doi", "source_id"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made by their owners (the key is shown to them once) and are revoked,
    not deleted: the revoked row, and its audit events, say which key was used until
    when. Administrators revoke them with the action, through the service (audited)."""

    list_display = ["person", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["person__username", "name", "prefix"]
    readonly_fields = ["person", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke_tokens"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        try:
            with transaction.atomic():  # a token the service refuses revokes none
                revoked = 0
                for token in queryset.filter(revoked_at__isnull=True):
                    services.revoke_api_token(request.user, token)  # audited
                    revoked += 1
        except (PermissionDenied, ValidationError) as exc:
            for message in refusal_messages(exc) or [gettext("You may not do this.")]:
                self.message_user(request, message, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", revoked) % {"n": revoked},
            messages.SUCCESS,
        )
