"""Pages of reports: the statistics dashboard (SVG charts, each figure as CSV/XLSX), the user's exports with their
progress and download links, and the forms that ask for an export or an archive bundle."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from zhicheng.campaigns.models import Campaign
from zhicheng.campaigns.selectors import campaign_current, campaign_list
from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip, refusals_go_back

from . import selectors, services
from .charts import bar_chart
from .models import ExportStatus
from .permissions import id_or_none, statistics_organisations_for
from .sources import statistics_organisation_get
from .statistics import statistics_figure, statistics_figures
from .tables import csv_text, xlsx_bytes

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign_from(request) -> tuple[Campaign | None, str]:
    """The campaign filter: ?campaign=<id>, "all", or (absent) the current campaign."""
    raw = request.GET.get("campaign")
    if raw == "all":
        return None, "all"
    if raw:
        campaign = Campaign.objects.filter(pk=id_or_none(raw) or 0).first()
        if campaign is None:
            raise NotFound("not_found", "年度评审不存在", "Campaign not found")
        return campaign, str(campaign.pk)
    campaign = campaign_current()
    return campaign, str(campaign.pk) if campaign else "all"


@login_required
@require_GET
def statistics(request):
    organisation = statistics_organisation_get(request.user, request.GET.get("organisation"))
    campaign, chosen = _campaign_from(request)
    figures = statistics_figures(organisation, campaign)
    return render(request, "reports/statistics.html", {
        "organisation": organisation, "organisations": statistics_organisations_for(request.user),
        "campaigns": campaign_list(), "campaign": campaign, "chosen": chosen,
        "figures": [(f, bar_chart(f)) for f in figures],
        "query": f"organisation={organisation.pk}&campaign={chosen}",
    })


@login_required
@require_GET
def statistics_download(request, key: str, fmt: str):
    organisation = statistics_organisation_get(request.user, request.GET.get("organisation"))
    campaign, _chosen = _campaign_from(request)
    figure = statistics_figure(organisation, campaign, key) if fmt in ("csv", "xlsx") else None
    if figure is None:
        raise NotFound("not_found", "没有这项统计", "No such figure")
    name = f"{figure.title}-{campaign.year if campaign else '全部年度'}"
    if fmt == "csv":
        response = HttpResponse(csv_text(figure.columns, figure.rows), content_type="text/csv; charset=utf-8")
        ext = "csv"
    else:
        response = HttpResponse(xlsx_bytes(figure.title, figure.columns, figure.rows), content_type=_XLSX)
        ext = "xlsx"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename=\"figure.{ext}\"; filename*=UTF-8''{quote(name)}.{ext}"
    return response


@login_required
@require_GET
def exports(request):
    rows = list(selectors.exports_of(request.user)[:50])
    busy = any(e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for e in rows)
    template = "reports/_exports_table.html" if request.htmx else "reports/exports.html"
    return render(request, template, {"exports": rows, "busy": busy})


def _back(request, **_kwargs) -> str:
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith("/"):
        return back
    return reverse("reports:exports")


@login_required
@require_POST
@refusals_go_back(_back)
def export_create(request):
    """Ask for an export of a list as filtered on screen: `kind` and the page's query string in `query`."""
    filters = {k: (v if len(v) > 1 else v[0]) for k, v in QueryDict(request.POST.get("query", "")).lists()}
    for key in ("organisation", "batch", "campaign"):
        if request.POST.get(key):
            filters[key] = request.POST[key]
    services.export_request(actor=request.user, kind=request.POST.get("kind", ""), filters=filters,
                            ip=client_ip(request))
    return redirect("reports:exports")


@login_required
@require_POST
@refusals_go_back(_back)
def archive_create(request, pk: int):
    services.archive_request(actor=request.user, dossier_id=pk, ip=client_ip(request))
    return redirect("reports:exports")


@login_required
@require_POST
@refusals_go_back(_back)
def archive_batch_create(request):
    services.archive_batch_request(actor=request.user, campaign_id=request.POST.get("campaign", ""),
                                   organisation_id=request.POST.get("organisation") or None, ip=client_ip(request))
    return redirect("reports:exports")


@login_required
@require_GET
def export_download(request, pk: int):
    export = selectors.export_get_for(request.user, pk)
    if export.status != ExportStatus.READY or not export.file:
        raise NotFound("not_ready", "导出文件尚未生成", "The file is not ready yet")
    services.export_downloaded(actor=request.user, export=export, ip=client_ip(request))
    return FileResponse(default_storage.open(export.file.name, "rb"), as_attachment=True,
                        filename=export.file_name or "export")
