"""The administrator's transfer tools: who acts for which organisation. An enterprise user
who signs up has no company until they are linked to one: they ask on "My organisation"
and an administrator decides on the transfer page of requests (shown here read-only), or
an administrator links them here directly (a TTO officer likewise). A link is added
through ``services.add_membership`` (the role and the audit) and removed through
``services.remove_membership`` (the audit), one by one or several at once in one
transaction."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from innobridge.core.admin import DeletesThroughService, ReadOnlyAdmin

from . import services
from .models import Membership, MembershipRequest


@admin.register(Membership)
class MembershipAdmin(DeletesThroughService):
    list_display = ["person", "organisation", "kind"]
    list_filter = ["kind"]
    search_fields = ["person__username", "person__display_name", "organisation__name"]
    autocomplete_fields = ["person", "organisation"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a link is added or removed, never re-pointed

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        saved = services.add_membership(request.user, obj.person, obj.organisation, obj.kind)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.remove_membership(request.user, obj)


@admin.register(MembershipRequest)
class MembershipRequestAdmin(ReadOnlyAdmin):
    """Read-only: a request is sent from "My organisation" and decided on the transfer
    page of requests (``transfer:membership_requests``), where approving registers a new
    company and links the account through the services, with their audit events."""

    list_display = ["requester", "organisation_name", "kind", "state", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["requester__username", "requester__display_name", "company_name"]
