"""Read-only admin views; overrides and exemptions are decided on the dossier pages so they are checked and audited."""

from django.contrib import admin

from zhicheng.catalog.admin import ReadOnlyAdmin

from .models import EligibilityCheck, ExemptionDeclaration, FindingOverride, RecheckRun


@admin.register(EligibilityCheck)
class EligibilityCheckAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "dossier_revision", "version", "computed_at", "blocking_count", "rules_version"]
    list_select_related = ["dossier__applicant", "dossier__series", "dossier__level", "version"]


@admin.register(FindingOverride)
class FindingOverrideAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "rule", "subject", "by", "at", "revoked_at"]
    list_select_related = ["dossier__applicant", "dossier__series", "dossier__level", "by"]


@admin.register(ExemptionDeclaration)
class ExemptionDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "rule", "subject", "state", "declared_at", "decided_by", "decided_at"]
    list_select_related = ["dossier__applicant", "dossier__series", "dossier__level", "decided_by"]


@admin.register(RecheckRun)
class RecheckRunAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "requested_at", "finished_at", "total", "done", "dossiers_changed", "findings_changed"]
