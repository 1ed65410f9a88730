"""Read-only Django admin for accounts: every change goes through the services (and their audit events)."""

from django.contrib import admin

from .models import Membership, Organisation, StaffRosterEntry, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: writing here would bypass the predicates and the audit trail."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "parent", "credit_code", "suspended_at")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")
    list_select_related = ("parent",)


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "real_name", "id_type", "is_active", "last_login")
    search_fields = ("username", "real_name", "id_number")
    exclude = ("password",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "role", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("user", "organisation")


@admin.register(StaffRosterEntry)
class StaffRosterEntryAdmin(ReadOnlyAdmin):
    list_display = ("real_name", "organisation", "relation", "is_active")
    list_filter = ("relation", "is_active")
    list_select_related = ("organisation",)
