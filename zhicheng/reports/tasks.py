"""Background work of reports: Excel exports and archive bundles, each writing to a temporary file (flat memory)
and then to private storage; the Export row shows progress and, when ready, the download link."""

from __future__ import annotations

import logging
import tempfile
import uuid
import zipfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def _storage_name(ext: str) -> str:
    local = timezone.localtime()
    return f"exports/{local:%Y}/{local:%m}/{uuid.uuid4().hex}{ext}"


def _finish(export, handle, *, ext: str, download_name: str) -> None:
    from .models import Export, ExportStatus

    handle.flush()
    handle.seek(0)
    name = default_storage.save(_storage_name(ext), File(handle))
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY, file=name, size=default_storage.size(name), file_name=download_name,
        finished_at=timezone.now(), rows_done=export.rows_total,
    )


def _fail(export_id: int, message: str) -> None:
    from .models import Export, ExportStatus

    Export.objects.filter(pk=export_id).update(status=ExportStatus.FAILED, error=message[:2000],
                                               finished_at=timezone.now())


def _start(export_id: int):
    from .models import Export, ExportStatus

    export = Export.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return None  # gone, or already made by an earlier run of this task
    Export.objects.filter(pk=export_id).update(status=ExportStatus.RUNNING)
    return export


def _safe_file_name(title: str, ext: str) -> str:
    keep = "".join(ch for ch in title if ch not in '\\/:*?"<>|\n\r\t')
    return f"{keep.strip()[:80] or 'export'}{ext}"


@task()
def export_run_task(export_id: int) -> dict:
    """Write one Excel export as its requester: the same selector and permissions as the page, streamed."""
    from zhicheng.core.errors import ApplicationError

    from .models import Export
    from .services import export_max_rows
    from .sources import export_source
    from .tables import xlsx_write

    export = _start(export_id)
    if export is None:
        return {"status": "skipped"}
    try:
        source = export_source(export.requested_by, export.kind, export.filters)
        if source.count > export_max_rows():
            raise ApplicationError("export_too_large", f"要导出的数据共 {source.count} 行，超过单次导出上限 "
                                   f"{export_max_rows()} 行", "Too many rows")
        Export.objects.filter(pk=export_id).update(rows_total=source.count)
        export.rows_total = source.count

        def progress(done: int) -> None:
            Export.objects.filter(pk=export_id).update(rows_done=done)

        sheets = source.sheets or [(source.title, source.columns, source.rows())]
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            xlsx_write(handle.name, sheets, progress=progress)
            _finish(export, handle, ext=".xlsx", download_name=_safe_file_name(export.title, ".xlsx"))
    except ApplicationError as exc:
        _fail(export_id, exc.message_zh)
        return {"status": "failed"}
    except Exception:
        logger.exception("export %s failed", export_id)
        _fail(export_id, "生成导出文件时出错，请稍后重试")
        raise
    return {"status": "ready"}


@task()
def archive_run_task(export_id: int) -> dict:
    """Make an archive bundle (one dossier: a PDF) or a campaign's bundles (a ZIP of PDFs)."""
    from zhicheng.dossiers.models import Dossier

    from .archive import archive_bundle_write, archive_dossiers_for
    from .models import Export, ExportKind
    from .permissions import can_download_archive, may_see_full_id

    export = _start(export_id)
    if export is None:
        return {"status": "skipped"}
    user = export.requested_by
    full_id = may_see_full_id(user)
    try:
        if export.kind == ExportKind.ARCHIVE:
            dossier = Dossier.objects.select_related(
                "applicant", "organisation__parent__parent", "campaign", "series", "level").get(
                pk=export.filters["dossier"])
            if not can_download_archive(user, dossier):
                _fail(export_id, "无权生成该申报材料的归档材料")
                return {"status": "failed"}
            with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
                bundle = archive_bundle_write(dossier, handle, full_id=full_id)
                Export.objects.filter(pk=export_id).update(rows_total=bundle.pages)
                export.rows_total = bundle.pages
                _finish(export, handle, ext=".pdf", download_name=_safe_file_name(export.title, ".pdf"))
            return {"status": "ready", "pages": bundle.pages}
        from zhicheng.accounts.models import Organisation
        from zhicheng.campaigns.models import Campaign

        organisation = Organisation.objects.get(pk=export.filters["organisation"])
        campaign = Campaign.objects.get(pk=export.filters["campaign"])
        dossiers = list(archive_dossiers_for(organisation, campaign).select_related(
            "organisation__parent__parent", "campaign", "series", "level"))
        with tempfile.NamedTemporaryFile(suffix=".zip") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for done, dossier in enumerate(dossiers, start=1):
                    with tempfile.TemporaryFile() as pdf:
                        archive_bundle_write(dossier, pdf, full_id=full_id)
                        pdf.seek(0)
                        name = _safe_file_name(
                            f"{dossier.organisation.name}-{dossier.applicant.real_name}-{dossier.pk}", ".pdf")
                        with archive.open(name, "w") as member:
                            while chunk := pdf.read(1 << 20):
                                member.write(chunk)
                    Export.objects.filter(pk=export_id).update(rows_done=done)
            export.rows_total = len(dossiers)
            _finish(export, handle, ext=".zip", download_name=_safe_file_name(export.title, ".zip"))
    except Exception:
        logger.exception("archive %s failed", export_id)
        _fail(export_id, "生成归档材料时出错，请稍后重试")
        raise
    return {"status": "ready"}
