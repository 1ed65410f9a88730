"""Read-only admin views of campaigns; edits go through the office pages so they are validated and audited."""

from django.contrib import admin

from zhicheng.catalog.admin import ReadOnlyAdmin

from .models import Campaign, CampaignQuota, CampaignRoute


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["year", "name", "notice_number", "status"]


@admin.register(CampaignRoute)
class CampaignRouteAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "series", "level", "route", "committee"]


@admin.register(CampaignQuota)
class CampaignQuotaAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "series", "level", "count"]
