"""API of reports: the statistics' figures, exports (ask, list, progress, file) and archive bundles.

The same selectors, services and checks as the pages: an organisation or export outside the caller's reach is a
404, a caller without the role a 403, too many rows a 400 naming the limit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from zhicheng.campaigns.models import Campaign
from zhicheng.campaigns.selectors import campaign_current
from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip

from . import selectors, services
from .models import Export, ExportStatus
from .permissions import id_or_none
from .sources import statistics_organisation_get
from .statistics import statistics_figures

router = Router(tags=["reports"])


class FigureOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


class StatisticsOut(Schema):
    organisation_id: int
    organisation: str
    campaign_id: int | None
    figures: list[FigureOut]


class ExportIn(Schema):
    kind: str
    filters: dict[str, str | list[str]] = {}


class ArchiveIn(Schema):
    dossier: int


class ArchiveBatchIn(Schema):
    campaign: int
    organisation: int | None = None


class ExportOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    filters: dict[str, Any]
    status: str
    status_label: str
    rows_total: int
    rows_done: int
    percent: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    file_url: str | None

    @staticmethod
    def resolve_kind_label(obj: Export) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Export) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_file_url(obj: Export) -> str | None:
        return f"/api/v1/reports/exports/{obj.pk}/file" if obj.status == ExportStatus.READY else None


@router.get("/statistics", response=StatisticsOut)
def statistics(request, organisation: int | None = None, campaign: str = ""):
    """Every figure of the statistics page; `campaign` is an id, "all", or empty for the current campaign."""
    org = statistics_organisation_get(request.auth, organisation)
    if campaign == "all":
        chosen = None
    elif campaign:
        pk = id_or_none(campaign)
        chosen = Campaign.objects.filter(pk=pk).first() if pk else None
        if chosen is None:
            raise NotFound("not_found", "年度评审不存在", "Campaign not found")
    else:
        chosen = campaign_current()
    figures = statistics_figures(org, chosen)
    return {"organisation_id": org.pk, "organisation": org.name, "campaign_id": chosen.pk if chosen else None,
            "figures": [{"key": f.key, "title": f.title, "columns": f.columns, "rows": f.rows} for f in figures]}


@router.post("/exports", response={201: ExportOut})
def export_create(request, payload: ExportIn):
    """Ask for an Excel export of a list with the page's filters (as its query string's names and values)."""
    export = services.export_request(actor=request.auth, kind=payload.kind, filters=payload.filters,
                                     ip=client_ip(request))
    export.refresh_from_db()
    return Status(201, export)


@router.get("/exports", response=list[ExportOut])
def export_list(request):
    """Your own exports and archive bundles, newest first (the last 50)."""
    return list(selectors.exports_of(request.auth)[:50])


@router.get("/exports/{int:export_id}", response=ExportOut)
def export_get(request, export_id: int):
    return selectors.export_get_for(request.auth, export_id)


@router.get("/exports/{int:export_id}/file", response={200: None})
def export_file(request, export_id: int):
    """The finished file (XLSX, PDF or ZIP); 409 while it is being made."""
    export = selectors.export_get_for(request.auth, export_id)
    if export.status != ExportStatus.READY or not export.file:
        raise HttpError(409, "导出文件尚未生成 / the file is not ready yet")
    services.export_downloaded(actor=request.auth, export=export, ip=client_ip(request))
    return FileResponse(default_storage.open(export.file.name, "rb"), as_attachment=True,
                        filename=export.file_name or "export")


@router.post("/archives", response={201: ExportOut})
def archive_create(request, payload: ArchiveIn):
    """Ask for a finished dossier's archive bundle (the title office or the dossier's unit)."""
    export = services.archive_request(actor=request.auth, dossier_id=payload.dossier, ip=client_ip(request))
    export.refresh_from_db()
    return Status(201, export)


@router.post("/archives/campaign", response={201: ExportOut})
def archive_batch_create(request, payload: ArchiveBatchIn):
    """Ask for a ZIP of the archive bundles of a campaign's finished dossiers (the title office)."""
    export = services.archive_batch_request(actor=request.auth, campaign_id=payload.campaign,
                                            organisation_id=payload.organisation, ip=client_ip(request))
    export.refresh_from_db()
    return Status(201, export)
