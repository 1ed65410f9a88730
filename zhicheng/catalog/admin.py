"""Read-only admin views of the catalog; edits go through the office pages so they are audited."""

from django.contrib import admin

from .models import Condition, Level, Series, Specialty, TitleName, WaiverAchievement


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows but never writes: every change must pass a service and leave an audit event."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Level)
class LevelAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "rank"]


@admin.register(Series)
class SeriesAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "skilled_workers_may_apply"]


@admin.register(TitleName)
class TitleNameAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "series", "level"]
    list_filter = ["level"]


@admin.register(Specialty)
class SpecialtyAdmin(ReadOnlyAdmin):
    list_display = ["name", "series", "is_active"]


@admin.register(Condition)
class ConditionAdmin(ReadOnlyAdmin):
    list_display = ["series", "level", "education", "min_years", "below_title", "scope"]


@admin.register(WaiverAchievement)
class WaiverAchievementAdmin(ReadOnlyAdmin):
    list_display = ["name", "series", "is_active"]
