"""Read-only admin views: publicity changes go through the services, which audit them."""

from django.contrib import admin

from zhicheng.core.admin import ReadOnlyAdmin

from .models import Objection, PublicityBatch


@admin.register(PublicityBatch)
class PublicityBatchAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "kind", "starts_on", "ends_on", "closed_at"]
    list_select_related = ["organisation"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["entry", "filed_at", "status", "decided_at"]
    exclude = ["code_hash"]
