"""Read-only admin views: publicity changes go through the services, which audit them."""

from django.contrib import admin

from .models import Objection, PublicityBatch


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PublicityBatch)
class PublicityBatchAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "kind", "starts_on", "ends_on", "closed_at"]
    list_select_related = ["organisation"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["entry", "filed_at", "status", "decided_at"]
    exclude = ["code_hash"]
