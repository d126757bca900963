from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["base", "quote", "rate", "valid_from", "source"]
    list_filter = ["base", "quote"]
    date_hierarchy = "valid_from"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from .services import set_exchange_rate

        set_exchange_rate(
            request.user,
            base=obj.base,
            quote=obj.quote,
            rate=obj.rate,
            valid_from=obj.valid_from,
            source=obj.source,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_repr", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_repr", "actor_repr", "object_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
