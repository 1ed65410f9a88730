"""Removing what a killed server leaves behind: upload temp files, and stored files that no row names.

A stored file is owned when any row of any installed model names it in a `FileField` (evidence, objections,
papers, imports — found through the app registry, so this app imports none of them), or when it is the
preview of an owned file. Soft-deleted evidence still names its file, so it is kept. Only files older than the
grace period go: an upload being received, or a file stored a moment before its row commits, is left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import models

from .models import StoredFile
from .storage import evidence_preview_name
from .uploads import UPLOAD_TEMP_PREFIX, upload_temp_dir

logger = logging.getLogger(__name__)
DEFAULT_FOLDERS = ("evidence", "recommendations", "socialsecurity")  # where this system writes; nothing else


@dataclass
class GcReport:
    temp_removed: list[str] = field(default_factory=list)
    stored_removed: list[str] = field(default_factory=list)
    kept_young: list[str] = field(default_factory=list)


def files_gc_grace() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "ZHICHENG_FILES_GC_GRACE_HOURS", 24)))


def _folders() -> tuple[str, ...]:
    return tuple(getattr(settings, "ZHICHENG_FILES_GC_FOLDERS", DEFAULT_FOLDERS))


def _owned_names() -> set[str]:
    """Every stored name a row points at, and the previews beside them."""
    owned: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                names = model._default_manager.exclude(**{model_field.attname: ""}).values_list(
                    model_field.attname, flat=True
                )
                owned.update(name for name in names.iterator() if name)
    owned.update(evidence_preview_name(name) for name in list(owned))
    owned.update(StoredFile.objects.filter(name__in=owned).exclude(preview_name="").values_list(
        "preview_name", flat=True
    ))
    return owned


def _walk(storage: Storage, folder: str):
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}")


def _stored_orphans(storage: Storage, cutoff: dt.datetime, report: GcReport, *, dry_run: bool) -> None:
    owned = _owned_names()
    for folder in _folders():
        for name in _walk(storage, folder):
            if name in owned:
                continue
            if storage.get_modified_time(name) > cutoff:
                report.kept_young.append(name)
                continue
            report.stored_removed.append(name)
            if not dry_run:
                storage.delete(name)
                StoredFile.objects.filter(name=name).delete()  # a record of bytes no row owns says nothing


def _temp_orphans(cutoff: dt.datetime, report: GcReport, *, dry_run: bool) -> None:
    for path in Path(upload_temp_dir()).glob(f"{UPLOAD_TEMP_PREFIX}*"):
        try:
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
            if modified > cutoff:
                report.kept_young.append(str(path))
                continue
            report.temp_removed.append(str(path))
            if not dry_run:
                os.unlink(path)
        except FileNotFoundError:  # its request finished meanwhile
            continue


def files_gc(*, dry_run: bool = False, now: dt.datetime | None = None, storage: Storage | None = None) -> GcReport:
    """Remove orphans older than the grace period (or only list them, dry_run); audited when anything went."""
    from zhicheng.audit.events import EventType
    from zhicheng.audit.services import audit_event_record

    # file times come from the operating system's clock, so the cut-off does too (not the app's, which tests move)
    cutoff = (now or dt.datetime.now(dt.UTC)) - files_gc_grace()
    report = GcReport()
    _temp_orphans(cutoff, report, dry_run=dry_run)
    _stored_orphans(storage or default_storage, cutoff, report, dry_run=dry_run)
    if not dry_run and (report.temp_removed or report.stored_removed):
        logger.info("files_gc removed %d temp and %d stored files", len(report.temp_removed),
                    len(report.stored_removed))
        audit_event_record(event_type=EventType.FILES_ORPHANS_REMOVED, data={
            "temp": len(report.temp_removed), "stored": report.stored_removed[:1000],
        })
    return report
