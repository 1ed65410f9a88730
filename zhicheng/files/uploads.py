"""An upload handler that streams a file to a temporary file, hashing and counting as it goes.

Used for evidence, objection attachments, sealed papers and the bureau's imports. Memory stays flat (one 64 KB
chunk at a time) and an over-size upload is stopped as soon as it is known:
from the request's Content-Length before any byte is read, or from the running count for a body that lied
about its length. The refusal is kept on the handler; the view raises it with `evidence_upload_received`.

CsrfViewMiddleware reads request.POST, which would parse the body with the default handlers before the view can
install this one; so the upload view is `csrf_exempt` and calls `evidence_upload_parse`, which installs the
handler, parses, refuses an over-size body first (413 tells a forged request nothing) and then checks CSRF:

    upload = evidence_upload_parse(request, max_bytes=evidence_file_limit_bytes(dossier.campaign))
    evidence_attach(dossier=dossier, section=..., item_id=..., upload=upload, actor=request.user, ip=...)
"""

from __future__ import annotations

import hashlib
import tempfile

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.datastructures import MultiValueDict

from zhicheng.core.errors import ApplicationError, PermissionDenied

from .inspection import MB, evidence_too_large_error

MULTIPART_ALLOWANCE = 64 * 1024  # boundaries, part headers and a few small form fields around the file
UPLOAD_TEMP_PREFIX = "zc-upload-"  # so files_gc can tell our leftovers (a killed server) from anyone else's


def upload_temp_dir() -> str:
    """Where uploads are spooled while they are received: FILE_UPLOAD_TEMP_DIR, else the system's."""
    return settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()


class PrefixedTemporaryUploadedFile(TemporaryUploadedFile):
    """A TemporaryUploadedFile named zc-upload-*.upload, never with the client's name or extension in it."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed with the upload, as Django's own
            prefix=UPLOAD_TEMP_PREFIX, suffix=".upload", dir=upload_temp_dir())
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class EvidenceUploadHandler(TemporaryFileUploadHandler):
    """Write each file to a temporary file with its SHA-256 and size; stop once a file passes max_bytes."""

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int = 20 * MB, max_files: int = 1) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.refusal: ApplicationError | None = None
        self.bytes_received = 0  # file bytes this handler was given, over all files
        self.files_started = 0
        self._digest = hashlib.sha256()
        self._size = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        """Refuse a request whose declared length alone passes the limit, without reading its body."""
        if content_length and content_length > self.max_bytes * self.max_files + MULTIPART_ALLOWANCE:
            self._refuse_size(content_length)
            return QueryDict(mutable=False), MultiValueDict()  # "handled": the parser reads nothing
        return None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        self.files_started += 1
        if self.files_started > self.max_files:
            self.refusal = ApplicationError(
                "evidence_too_many", f"一次最多上传 {self.max_files} 个文件，请分批上传",
                f"Upload at most {self.max_files} file(s) at a time", details={"field": "file"},
            )
            raise StopUpload(connection_reset=True)
        self._digest = hashlib.sha256()
        self._size = 0
        FileUploadHandler.new_file(self, field_name, file_name, content_type, content_length, charset,
                                   content_type_extra)
        self.file = PrefixedTemporaryUploadedFile(self.file_name, self.content_type, 0, self.charset,
                                                  self.content_type_extra)

    def receive_data_chunk(self, raw_data, start):
        self._size += len(raw_data)
        self.bytes_received += len(raw_data)
        if self._size > self.max_bytes:
            self._refuse_size(self._size, final=False)
            self.upload_interrupted()  # the parser only closes the file; make sure it is gone
            raise StopUpload(connection_reset=True)  # no point reading the rest of the body
        self._digest.update(raw_data)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size) -> TemporaryUploadedFile:
        upload = super().file_complete(file_size)
        upload.sha256 = self._digest.hexdigest()
        return upload

    def _refuse_size(self, size: int, *, final: bool = True) -> None:
        name = getattr(self, "file_name", None) or ""
        shown = size if final else None
        self.refusal = evidence_too_large_error(max_bytes=self.max_bytes, claimed_name=name, size=shown)


def evidence_upload_handlers_install(request: HttpRequest, *, max_bytes: int, max_files: int = 1):
    """Make the request parse its files with EvidenceUploadHandler only; call before reading POST/FILES."""
    handler = EvidenceUploadHandler(request, max_bytes=max_bytes, max_files=max_files)
    request.upload_handlers = [handler]
    return handler


def evidence_upload_received(request: HttpRequest, field: str = "file"):
    """The uploaded file of `field`, or the ApplicationError the handler refused it with."""
    files = request.FILES  # parses the body through the installed handler
    for handler in request.upload_handlers:
        refusal = getattr(handler, "refusal", None)
        if refusal is not None:
            for upload in files.values():
                upload.close()
            raise refusal
    upload = files.get(field)
    if upload is None:
        raise ApplicationError(
            "evidence_missing", "没有收到文件，请选择文件后再上传", "No file was received; choose a file and upload it",
            details={"field": field, "fields": {field: ["请选择文件"]}},
        )
    return upload


def evidence_upload_parse(request: HttpRequest, *, max_bytes: int, field: str = "file", check_csrf: bool = True):
    """Install the handler, parse the body, raise its refusal, check CSRF (for csrf_exempt views), return the file."""
    handler = evidence_upload_handlers_install(request, max_bytes=max_bytes)
    request.POST  # noqa: B018 - parses the body (and files) through the handler, as CsrfViewMiddleware would
    if handler.refusal is not None:
        evidence_upload_received(request, field)  # raises the refusal and closes what was received
    if check_csrf and CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None:
        for upload in request.FILES.values():
            upload.close()
        raise PermissionDenied(
            "csrf_failed", "页面已过期或来源不明，请刷新页面后重新上传", "The page expired or the request came from "
            "another site; reload the page and upload again", details={"field": field},
        )
    return evidence_upload_received(request, field)
