"""The administrator's one transfer tool: who acts for which organisation. An enterprise
user who signs up has no company until an administrator links them here (a TTO officer
likewise); a link is added through ``services.add_membership`` (the role and the audit) and
removed through ``services.remove_membership`` (the audit), one by one or several at once
in one transaction."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from innobridge.core.admin import DeletesThroughService

from . import services
from .models import Membership


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
