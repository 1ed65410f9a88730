"""The streamed upload of the bureau's file: the evidence handler (temp file, SHA-256, size cap), our messages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.files.uploads import EvidenceUploadHandler, evidence_upload_received

MB = 1024 * 1024


class ContributionUploadHandler(EvidenceUploadHandler):
    """Stream to a temporary file (memory stays at one 64 KB chunk); refuse past max_bytes in our words."""

    def _refuse_size(self, size: int, *, final: bool = True) -> None:
        limit = self.max_bytes // MB
        self.refusal = ApplicationError(
            "socsec_too_large", f"文件超过 {limit} MB，请按月份拆分后分批导入",
            f"The file is over {limit} MB; split it by month and import the parts", status=413,
            details={"field": "file"},
        )


def _no_view(request: HttpRequest) -> HttpResponse:
    """Stands in for the view: the CSRF check only reads the request."""
    return HttpResponse()


def contribution_upload_parse(request: HttpRequest, *, max_bytes: int, check_csrf: bool = True):
    """Install the handler before anything reads the body, parse, refuse, check CSRF, return the file."""
    handler = ContributionUploadHandler(request, max_bytes=max_bytes)
    request.upload_handlers = [handler]
    request.POST  # noqa: B018 - parses the body (and the file) through the handler
    if handler.refusal is not None:
        evidence_upload_received(request, "file")  # raises the refusal, closing what was received
    if check_csrf and CsrfViewMiddleware(_no_view).process_view(request, _no_view, (), {}) is not None:
        for name in request.FILES:
            for upload in request.FILES.getlist(name):
                upload.close()
        raise PermissionDenied("csrf_failed", "页面已过期，请刷新页面后重新上传",
                               "The page expired; reload it and upload again", details={"field": "file"})
    return evidence_upload_received(request, "file")
