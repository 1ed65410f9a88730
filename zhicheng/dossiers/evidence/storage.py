"""Storing inspected evidence: random names, previews of the first page or picture, no leftovers on failure."""

from __future__ import annotations

import io
import logging
import os
import uuid
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone

from .inspection import EXTENSIONS, PREVIEW_EDGE, PREVIEW_MAX_PIXELS, Inspected

logger = logging.getLogger(__name__)


def evidence_storage_name(kind: str) -> str:
    """A fresh random name under evidence/YYYY/MM/ (Asia/Shanghai): the user's name never becomes a path."""
    local = timezone.localtime()
    return f"evidence/{local:%Y}/{local:%m}/{uuid.uuid4().hex}{EXTENSIONS[kind]}"


def evidence_preview_name(stored_name: str) -> str:
    """Where the preview of a stored evidence file lives, beside it."""
    return f"{os.path.splitext(stored_name)[0]}.preview.jpg"


def evidence_store(upload: IO[bytes], *, kind: str, storage: Storage | None = None) -> str:
    """Save an inspected file to storage in chunks under a random name; return the stored name."""
    storage = storage or default_storage
    content = upload if isinstance(upload, File) else File(upload)
    content.seek(0)
    return storage.save(evidence_storage_name(kind), content)


def _preview_image(img) -> bytes:
    from PIL import Image

    img.thumbnail((PREVIEW_EDGE, PREVIEW_EDGE))
    if img.mode not in ("RGB", "L"):
        rgba = img.convert("RGBA")
        img = Image.new("RGB", rgba.size, "white")
        img.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def evidence_preview_render(source: IO[bytes], *, kind: str, width: int | None = None, height: int | None = None):
    """A small JPEG of an image or of a PDF's first page, or None when it cannot be made cheaply."""
    source.seek(0)
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(source)  # pdfium reads the file object as it needs, not whole
        try:
            page = pdf[0]
            scale = PREVIEW_EDGE / max((*page.get_size(), 1.0))
            return _preview_image(page.render(scale=scale).to_pil())
        finally:
            pdf.close()
    from PIL import Image

    if kind == "png" and (width or 0) * (height or 0) > PREVIEW_MAX_PIXELS:
        return None
    with Image.open(source, formats=[kind.upper()]) as img:
        if kind == "jpeg":
            img.draft("RGB", (PREVIEW_EDGE, PREVIEW_EDGE))
        return _preview_image(img)


def evidence_preview_store(source: IO[bytes], *, stored_name: str, inspected: Inspected, storage=None) -> str | None:
    """Make and save the preview; a preview that fails is logged, never a reason to refuse the file."""
    storage = storage or default_storage
    try:
        data = evidence_preview_render(source, kind=inspected.kind, width=inspected.width, height=inspected.height)
    except Exception:
        logger.warning("evidence preview failed for %s", stored_name, exc_info=True)
        return None
    finally:
        source.seek(0)
    if data is None:
        return None
    return storage.save(evidence_preview_name(stored_name), ContentFile(data))


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
    """Store the file and its preview, then call write(stored_name) in a transaction; on failure remove both."""
    stored = evidence_store(upload, kind=inspected.kind, storage=storage)
    preview = None
    try:
        preview = evidence_preview_store(upload, stored_name=stored, inspected=inspected, storage=storage)
        with transaction.atomic():
            return write(stored)
    except BaseException:
        evidence_storage_discard(stored, preview, storage=storage)
        raise
