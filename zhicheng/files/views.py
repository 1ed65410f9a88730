"""Serving a stored file's preview once the owning app has checked who may see it: the image, or a placeholder.

The first request for a file's preview queues it (`previews.preview_request`). While it is being made the answer
is 202 with a "preview pending" placeholder; when it could not be
made, 404 with a "preview unavailable" placeholder. Both are images, so an <img> shows them in place, and both
carry `X-Preview-Status`. Nothing is rendered here: this reads what the worker stored, or asks for it.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import PreviewStatus, StoredFile
from .previews import preview_request
from .storage import evidence_preview_name

_PLACEHOLDER = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">'
    '<rect width="320" height="240" fill="#f1f3f5"/><text x="160" y="126" font-size="20" text-anchor="middle" '
    'fill="#495057">{text}</text></svg>'
)


def private_response(response: HttpResponse) -> HttpResponse:
    """No sniffing, no shared caches: these are personal files."""
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def _placeholder(status: str, text: str, http_status: int) -> HttpResponse:
    response = HttpResponse(_PLACEHOLDER.format(text=escape(text)), content_type="image/svg+xml; charset=utf-8",
                            status=http_status)
    response["X-Preview-Status"] = str(getattr(status, "value", status))  # wsgiref wants a plain str
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return private_response(response)


def preview_status_of(name: str) -> tuple[str, str]:
    """(status, stored preview name) of the stored file `name`, queuing its preview on the first ask; files stored
    before previews left the request have no record: their preview, if one was made then, lies beside them."""
    fields = ("preview_status", "preview_name", "preview_queued_at")
    record = StoredFile.objects.filter(name=name).only(*fields).first()
    if record is not None:
        if preview_request(record):  # a task backend that runs at once (tests, no worker) may have made it already
            record.refresh_from_db(fields=["preview_status", "preview_name"])
        return record.preview_status, record.preview_name
    legacy = evidence_preview_name(name)
    if default_storage.exists(legacy):
        return PreviewStatus.READY, legacy
    return PreviewStatus.UNAVAILABLE, ""


def preview_response(name: str, *, filename: str) -> HttpResponse:
    """The preview of the stored file `name` (already permission-checked by the caller) or its placeholder."""
    status, preview = preview_status_of(name)
    if status == PreviewStatus.PENDING:
        return _placeholder(status, _("预览生成中"), 202)
    if status != PreviewStatus.READY or not preview or not default_storage.exists(preview):
        return _placeholder(PreviewStatus.UNAVAILABLE, _("无法预览，请下载查看"), 404)
    response = FileResponse(default_storage.open(preview, "rb"), content_type="image/jpeg", filename=filename)
    response["X-Preview-Status"] = PreviewStatus.READY.value
    return private_response(response)
