"""Asking for an export or an archive bundle: checked as the page would check it, counted against the maximum,
recorded with an audit row, and handed to the task worker in the same transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.models import Campaign
from zhicheng.core.errors import ApplicationError, NotFound, PermissionDenied
from zhicheng.dossiers.models import Dossier

from .archive_scope import ARCHIVE_STATES, archive_dossiers_for
from .models import Export, ExportKind
from .permissions import can_download_archive, id_or_none
from .sources import export_source, statistics_organisation_get


def export_max_rows() -> int:
    return int(getattr(settings, "ZHICHENG_EXPORT_MAX_ROWS", 200_000))


def _clean_filters(filters) -> dict:
    """Keep plain string values (a query string's), drop paging: the export is the whole filtered list."""
    clean = {}
    for key, value in dict(filters or {}).items():
        if key in ("page", "csrfmiddlewaretoken", "kind"):
            continue
        values = value if isinstance(value, list) else [value]
        values = [str(v)[:200] for v in values if v not in (None, "")]
        if values:
            clean[str(key)[:50]] = values if len(values) > 1 else values[0]
    return clean


def export_request(*, actor, kind: str, filters: dict | None = None, ip: str | None = None) -> Export:
    """Queue an Excel export of a list as filtered on screen; refused (nothing saved) when the user may not see the
    list or it holds more rows than ZHICHENG_EXPORT_MAX_ROWS."""
    from .tasks import export_run_task

    if kind in (ExportKind.ARCHIVE, ExportKind.ARCHIVE_BATCH):
        raise ApplicationError("unknown_export", "没有这种导出内容", "No such export")
    filters = _clean_filters(filters)
    source = export_source(actor, kind, filters)
    limit = export_max_rows()
    if source.count > limit:
        raise ApplicationError(
            "export_too_large",
            f"要导出的数据共 {source.count} 行，超过单次导出上限 {limit} 行，请缩小筛选范围后再导出",
            f"The export would hold {source.count} rows, more than the limit of {limit} rows; narrow the filters",
            details={"rows": source.count, "limit": limit},
        )
    with transaction.atomic():
        export = Export.objects.create(requested_by=actor, kind=kind, filters=filters, title=source.title[:200],
                                       rows_total=source.count)
        audit_event_record(event_type=EventType.REPORTS_EXPORT_REQUESTED, actor=actor, obj=export, ip=ip,
                           data={"kind": kind, "filters": filters, "rows": source.count})
        export_run_task.enqueue(export.pk)
    return export


def archive_request(*, actor, dossier_id, ip: str | None = None) -> Export:
    """Queue the archive bundle (one PDF) of a finished dossier, for the title office or the dossier's unit."""
    from .tasks import archive_run_task

    dossier = (Dossier.objects.select_related("organisation__parent__parent", "applicant")
               .filter(pk=id_or_none(dossier_id) or 0).first())
    if dossier is None or not can_download_archive(actor, dossier):
        raise NotFound("not_found", "申报材料不存在或无权下载其归档材料", "Dossier not found")
    if dossier.state not in ARCHIVE_STATES:
        raise ApplicationError("not_finished", f"申报材料当前为“{dossier.get_state_display()}”，评审结束后才能归档",
                               "Only a dossier whose evaluation has ended can be archived", status=409)
    with transaction.atomic():
        export = Export.objects.create(
            requested_by=actor, organisation=dossier.organisation, kind=ExportKind.ARCHIVE,
            filters={"dossier": dossier.pk},
            title=f"归档材料 {dossier.applicant.real_name} {dossier.campaign.year}"[:200],
        )
        audit_event_record(event_type=EventType.REPORTS_ARCHIVE_REQUESTED, actor=actor, obj=dossier, ip=ip,
                           organisation=dossier.organisation, data={"export": export.pk})
        archive_run_task.enqueue(export.pk)
    return export


def archive_batch_request(*, actor, campaign_id, organisation_id=None, ip: str | None = None) -> Export:
    """Queue a ZIP of the archive bundles of every finished dossier of a campaign in the office's area."""
    from .tasks import archive_run_task

    organisation = statistics_organisation_get(actor, organisation_id)
    if organisation.kind != "office":
        raise PermissionDenied("office_only", "年度归档材料仅职改办可生成", "Only the title office makes the batch")
    campaign = Campaign.objects.filter(pk=id_or_none(campaign_id) or 0).first()
    if campaign is None:
        raise NotFound("not_found", "年度评审不存在", "Campaign not found")
    count = archive_dossiers_for(organisation, campaign).count()
    if count == 0:
        raise ApplicationError("nothing_to_archive", "该年度还没有评审结束的申报材料", "No finished dossier to archive")
    with transaction.atomic():
        export = Export.objects.create(
            requested_by=actor, organisation=organisation, kind=ExportKind.ARCHIVE_BATCH,
            filters={"campaign": campaign.pk, "organisation": organisation.pk}, rows_total=count,
            title=f"{campaign.year} 年度归档材料（{count} 份）"[:200],
        )
        audit_event_record(event_type=EventType.REPORTS_ARCHIVE_REQUESTED, actor=actor, obj=export, ip=ip,
                           organisation=organisation, data={"campaign": campaign.pk, "dossiers": count})
        archive_run_task.enqueue(export.pk)
    return export


def export_downloaded(*, actor, export: Export, ip: str | None = None) -> None:
    audit_event_record(event_type=EventType.REPORTS_EXPORT_DOWNLOADED, actor=actor, obj=export, ip=ip,
                       data={"kind": export.kind})
