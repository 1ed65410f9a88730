"""Storing inspected files: random names, one `StoredFile` record with the owning row, no leftovers.

The bytes are written first (they may be large and take time), then the owning row and its `StoredFile` are
written in one transaction; if anything fails the stored bytes are removed. The preview is not queued here: it
is made when someone first asks to see it (`previews.preview_request`). A
process killed between the two leaves bytes with no row: `manage.py files_gc` removes them after a grace period.
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone

from .inspection import EXTENSIONS, Inspected
from .models import StoredFile

logger = logging.getLogger(__name__)


def evidence_storage_name(kind: str) -> str:
    """A fresh random name under evidence/YYYY/MM/ (Asia/Shanghai): the user's name never becomes a path."""
    local = timezone.localtime()
    return f"evidence/{local:%Y}/{local:%m}/{uuid.uuid4().hex}{EXTENSIONS[kind]}"


def evidence_preview_name(stored_name: str) -> str:
    """Where the preview of a stored file lives, beside it."""
    return f"{os.path.splitext(stored_name)[0]}.preview.jpg"


def evidence_store(upload: IO[bytes], *, kind: str, storage: Storage | None = None) -> str:
    """Save an inspected file to storage in chunks under a random name; return the stored name."""
    storage = storage or default_storage
    content = upload if isinstance(upload, File) else File(upload)
    content.seek(0)
    return storage.save(evidence_storage_name(kind), content)


def stored_file_record(*, name: str, inspected: Inspected) -> StoredFile:
    """Record what the stored bytes are (preview pending, not yet asked for); call inside the owner's transaction."""
    return StoredFile.objects.create(name=name, kind=inspected.kind, size=inspected.size, sha256=inspected.sha256)


def evidence_storage_discard(*names: str | None, storage: Storage | None = None) -> None:
    """Delete stored files of an upload that did not make it into the database."""
    storage = storage or default_storage
    for name in names:
        if name:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("could not delete %s after a failed upload", name, exc_info=True)


def evidence_store_then(upload: IO[bytes], *, inspected: Inspected, write, storage: Storage | None = None):
    """Store the file, then call write(stored_name) and record it in one transaction; on failure remove the bytes."""
    stored = evidence_store(upload, kind=inspected.kind, storage=storage)
    try:
        with transaction.atomic():
            result = write(stored)
            stored_file_record(name=stored, inspected=inspected)
            return result
    except BaseException:
        evidence_storage_discard(stored, evidence_preview_name(stored), storage=storage)
        raise
