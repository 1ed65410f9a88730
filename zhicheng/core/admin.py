"""Calendar tables in Django's admin, read-only: edits go through the calendar page so they are audited."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import CalendarYearSchedule, HolidayOverride


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Admin pages that only read: every change goes through a service that audits it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name", "note", "created_by"]
    list_filter = ["kind"]


@admin.register(CalendarYearSchedule)
class CalendarYearScheduleAdmin(ReadOnlyAdmin):
    list_display = ["year", "note", "confirmed_by", "created_at"]
