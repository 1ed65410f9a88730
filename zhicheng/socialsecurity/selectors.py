"""Reading imports (the office) and checks (each reviewer for the dossiers they may see)."""

from __future__ import annotations

from django.db.models import QuerySet

from zhicheng.accounts.permissions import is_office_staff
from zhicheng.core.errors import NotFound
from zhicheng.core.permissions import require
from zhicheng.dossiers.selectors import dossier_get_for, dossiers_visible_to

from .models import ContributionCheck, ContributionImport
from .permissions import can_view_checks, can_view_imports

MISMATCH, FAILING = "mismatch", "failing"
FILTERS = (MISMATCH, FAILING)


def imports_for(user, *, campaign_id: int | None = None) -> QuerySet[ContributionImport]:
    require(can_view_imports(user))
    qs = ContributionImport.objects.select_related("campaign", "uploaded_by")
    return qs.filter(campaign_id=campaign_id) if campaign_id else qs


def import_get_for(user, pk) -> ContributionImport:
    row = imports_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if row is None:
        raise NotFound("not_found", "导入记录不存在", "Import not found")
    return row


def checks_visible_to(user, *, campaign_id: int | None = None, only: str = "") -> QuerySet[ContributionCheck]:
    """Current checks of the dossiers the user may see (the office: all), newest first.

    `only`: "mismatch" (some month differs) or "failing" (R-SOCSEC fails on the bureau's months).
    """
    require(can_view_checks(user))
    qs = ContributionCheck.objects.filter(is_current=True).select_related(
        "dossier", "dossier__applicant", "dossier__organisation", "dossier__series", "dossier__level",
        "contribution_import",
    )
    if not is_office_staff(user):
        qs = qs.filter(dossier_id__in=dossiers_visible_to(user).exclude(applicant_id=user.pk).values("pk"))
    if campaign_id:
        qs = qs.filter(dossier__campaign_id=campaign_id)
    if only == MISMATCH:
        qs = qs.filter(mismatch_count__gt=0)
    elif only == FAILING:
        qs = qs.filter(socsec_ok=False)
    return qs.order_by("-checked_at", "-id")


def check_for_dossier(user, dossier_id) -> ContributionCheck | None:
    """The dossier's current check; a dossier the user may not see is a 404."""
    require(can_view_checks(user))
    dossier = dossier_get_for(user, dossier_id)
    if dossier.applicant_id == user.pk:
        raise NotFound("not_found", "申报材料不存在或无权查看", "Dossier not found")
    return checks_visible_to(user).filter(dossier=dossier).first()
