"""The office's upload of the bureau's file, the background import, and the per-dossier check.

The upload stores the file and queues `tasks.contribution_import_run` in one transaction (with the database
backend the queued task is a row, so both commit or neither). The task reads the file row by row, keeps
good rows in chunks, reports bad rows by line, then matches the people to the campaign's dossiers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from itertools import islice

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import require

from .matching import contribution_import_match
from .models import ContributionImport, ContributionRecord, ImportStatus
from .parsing import GoodRow, file_format, file_lines, rows_read
from .permissions import can_upload_contributions

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000
ERRORS_KEPT = 1000
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # a district's year of contributions is far below this
ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx")


def _stored_name(original: str) -> str:
    suffix = os.path.splitext(original)[1].lower()
    return f"{uuid.uuid4().hex}{suffix if suffix in ALLOWED_SUFFIXES else ''}"


def contribution_import_create(*, campaign, upload, actor, ip: str | None = None) -> ContributionImport:
    """Store the uploaded file (streamed from its temporary file) and queue its import."""
    require(can_upload_contributions(actor))
    name = os.path.basename(upload.name or "")[:255]
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ApplicationError("socsec_bad_type", "请上传社保局导出的 CSV 或 Excel（.xlsx）文件",
                               "Upload the bureau's file as CSV or Excel (.xlsx)", details={"field": "file"})
    from .tasks import contribution_import_run

    with transaction.atomic():
        row = ContributionImport(campaign=campaign, original_name=name, size=upload.size or 0,
                                 sha256=getattr(upload, "sha256", ""), uploaded_by=actor, uploaded_at=timezone.now())
        row.file.save(_stored_name(name), upload, save=False)  # Storage.save copies chunk by chunk
        row.save()
        audit_event_record(event_type=EventType.SOCIAL_SECURITY_IMPORT_UPLOADED, actor=actor, obj=row, ip=ip,
                           data={"campaign": campaign.pk, "name": name, "size": row.size, "sha256": row.sha256})
        contribution_import_run.enqueue(row.pk)
    row.refresh_from_db()  # the immediate backend (tests) has run it already
    return row


def stored_file_open(name: str):
    """The stored upload opened for binary reading (one place, so tests can watch how it is read)."""
    return default_storage.open(name, "rb")


def _progress(row: ContributionImport, **fields) -> None:
    ContributionImport.objects.filter(pk=row.pk).update(**fields)
    for key, value in fields.items():
        setattr(row, key, value)


def _store_rows(row: ContributionImport, results) -> None:
    """Keep good rows CHUNK_ROWS at a time; count bad rows and keep the first ERRORS_KEPT messages."""
    total = ok = bad = 0
    errors: list[dict] = []
    while chunk := list(islice(results, CHUNK_ROWS)):
        good = [r for r in chunk if isinstance(r, GoodRow)]
        for result in chunk:
            if not isinstance(result, GoodRow):
                errors.extend(e.as_dict() for e in result[: max(0, ERRORS_KEPT - len(errors))])
        ContributionRecord.objects.bulk_create(
            ContributionRecord(contribution_import=row, line=r.line, id_number=r.id_number, month=r.month,
                               credit_code=r.credit_code, unit_name=r.unit_name) for r in good
        )
        total, ok, bad = total + len(chunk), ok + len(good), bad + len(chunk) - len(good)
        _progress(row, rows_total=total, rows_ok=ok, rows_bad=bad, errors=errors)


def _fail(row: ContributionImport, exc: ApplicationError, *, keep_rows: bool = False) -> None:
    fields = {}
    if not keep_rows:
        ContributionRecord.objects.filter(contribution_import=row).delete()
        fields["rows_ok"] = 0
    line = (exc.details or {}).get("line")
    if line is not None:
        fields["errors"] = [{"line": line, "field": "header", "message_zh": exc.message_zh,
                             "message_en": exc.message_en}]
    _progress(row, status=ImportStatus.FAILED, finished_at=timezone.now(), failure_zh=exc.message_zh,
              failure_en=exc.message_en, **fields)
    audit_event_record(
        event_type=EventType.SOCIAL_SECURITY_IMPORT_FAILED, obj=row, data={"import": row.pk, "code": exc.code}
    )


def _isolated():
    """A savepoint when run inside a transaction (the immediate backend), so a failed step can still be recorded.

    The worker runs outside any transaction: there each chunk commits on its own and the progress shows.
    """
    return transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext()


def _parse(row: ContributionImport) -> bool:
    """Read and keep the rows; False (and the import failed) when the file cannot be read."""
    try:
        with _isolated(), stored_file_open(row.file.name) as binary:
            fmt = file_format(binary)
            _progress(row, file_format=fmt)
            _store_rows(row, rows_read(file_lines(binary, fmt), timezone.localdate()))
        return True
    except ApplicationError as exc:
        _fail(row, exc)
    except Exception:  # a broken file must end as `failed`, never stay `running`
        logger.exception("social-security import %s unreadable", row.pk)
        _fail(row, ApplicationError("socsec_unreadable", "文件无法读取，请确认是社保局导出的 CSV 或 Excel 文件",
                                    "The file cannot be read; check it is the bureau's CSV or Excel file"))
    return False


def _match(row: ContributionImport) -> int | None:
    """Check the matched dossiers; None (and the import failed, its rows kept) when that breaks."""
    try:
        with _isolated():
            return contribution_import_match(row)
    except Exception:
        logger.exception("social-security import %s: matching failed", row.pk)
        _fail(row, ApplicationError("socsec_match_failed", "数据已导入，但与申报材料比对时出错，请重新上传该文件",
                                    "The rows were read but matching them to dossiers failed; upload the file again"),
              keep_rows=True)
    return None


def contribution_import_execute(*, row: ContributionImport) -> ContributionImport:
    """Parse the stored file and match it; a file that cannot be read ends as `failed` with the reason."""
    if row.status != ImportStatus.QUEUED:
        return row  # a task delivered twice does the work once
    _progress(row, status=ImportStatus.RUNNING, started_at=timezone.now())
    if not _parse(row) or (matched := _match(row)) is None:
        return row
    _progress(row, status=ImportStatus.DONE, finished_at=timezone.now(), dossiers_matched=matched)
    audit_event_record(event_type=EventType.SOCIAL_SECURITY_IMPORT_FINISHED, obj=row,
                       data={"import": row.pk, "rows_total": row.rows_total, "rows_ok": row.rows_ok,
                             "rows_bad": row.rows_bad, "dossiers_matched": matched})
    return row
