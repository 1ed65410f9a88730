"""AuditEvent in Django's admin: visible to nobody as editable; rows can be looked at, never changed."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .events import event_label
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["seq", "occurred_at", "label", "event_type", "actor_label", "organisation_id", "object_type",
                    "object_id"]
    list_filter = ["event_type"]
    search_fields = ["event_type", "actor_label", "object_id"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description=_("事件"))
    def label(self, event: AuditEvent) -> str:
        return event_label(event.event_type)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
