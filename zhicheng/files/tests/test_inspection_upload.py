"""Uploaded files: type from content, refusals that say what to do, streaming upload, storage without leftovers."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory

from zhicheng.core.errors import ApplicationError
from zhicheng.files import inspection
from zhicheng.files import storage as storage_module
from zhicheng.files.inspection import MB, evidence_inspect
from zhicheng.files.tests import samples as files
from zhicheng.files.uploads import (
    EvidenceUploadHandler,
    evidence_upload_handlers_install,
    evidence_upload_parse,
    evidence_upload_received,
)

BOUNDARY = "zhichengBoundary"


def _refusal(data: bytes, name: str = "file.pdf", max_bytes: int = 2 * MB) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        evidence_inspect(io.BytesIO(data), claimed_name=name, max_bytes=max_bytes)
    assert caught.value.details["field"] == "file"
    return caught.value


class TestInspectAccepts:
    def test_valid_pdf_has_its_page_count(self):
        data = files.pdf_bytes(pages=3)
        got = evidence_inspect(io.BytesIO(data), claimed_name="学历证书.pdf", max_bytes=MB)
        assert (got.kind, got.page_count, got.size) == ("pdf", 3, len(data))
        assert got.sha256 == hashlib.sha256(data).hexdigest()
        assert got.content_type == "application/pdf"

    def test_valid_png_has_width_and_height(self):
        data = files.image_bytes("png", 321, 123)
        got = evidence_inspect(io.BytesIO(data), claimed_name="证书.png", max_bytes=MB)
        assert (got.kind, got.width, got.height, got.page_count) == ("png", 321, 123, None)
        assert got.sha256 == hashlib.sha256(data).hexdigest()

    def test_jpeg_named_pdf_is_accepted_as_jpeg(self):
        got = evidence_inspect(io.BytesIO(files.image_bytes("jpeg")), claimed_name="扫描件.pdf", max_bytes=MB)
        assert (got.kind, got.width, got.height) == ("jpeg", 640, 480)
        assert inspection.evidence_download_name("扫描件.pdf", got.kind) == "扫描件.jpg"

    def test_a_path_is_read_like_a_file(self, tmp_path):
        path = tmp_path / "a.bin"
        path.write_bytes(files.pdf_bytes())
        assert evidence_inspect(path, claimed_name="a.bin", max_bytes=MB).kind == "pdf"

    def test_size_equal_to_the_limit_is_accepted(self):
        data = files.image_bytes("png", 50, 50)
        assert evidence_inspect(io.BytesIO(data), claimed_name="a.png", max_bytes=len(data)).size == len(data)


class TestInspectRefuses:
    @pytest.mark.parametrize(
        ("make", "code", "hint"),
        [
            (files.encrypted_pdf_bytes, "evidence_encrypted", "去除密码"),
            (files.truncated_pdf_bytes, "evidence_broken", "重新扫描或导出"),
            (lambda: b"%PDF-1.4\n%%EOF\n", "evidence_broken", "重新扫描或导出"),
            (files.truncated_jpeg_bytes, "evidence_broken", "重新扫描或导出"),
            (lambda: files.image_bytes("png")[:1500], "evidence_broken", "重新扫描或导出"),
            (files.bomb_png_bytes, "evidence_image_too_large", "缩小尺寸"),
            (lambda: files.bomb_png_bytes(10_001, 10_000), "evidence_image_too_large", "百万像素"),
            (files.docx_like_bytes, "evidence_type", "另存为 PDF"),
            (files.exe_bytes, "evidence_type", "可执行程序"),
            (files.html_bytes, "evidence_type", "网页"),
            (files.text_bytes, "evidence_type", "PDF、JPEG（.jpg）、PNG"),
            (lambda: b"", "evidence_empty", "重新选择"),
            (lambda: b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "evidence_type", "HEIC"),
            (lambda: files.image_bytes("webp"), "evidence_type", "WebP"),
        ],
    )
    def test_refusal_says_what_to_do(self, make, code, hint):
        refusal = _refusal(make())
        assert refusal.code == code
        assert hint in refusal.message_zh
        assert refusal.message_en and refusal.message_en != refusal.message_zh
        assert 400 <= refusal.status < 500

    def test_text_renamed_png_is_refused_by_content(self):
        refusal = _refusal(files.text_bytes(), name="照片.png")
        assert (refusal.code, refusal.status) == ("evidence_type", 415)
        assert "照片.png" in refusal.message_zh

    def test_over_size_is_refused_without_reading(self):
        class Unreadable(io.BytesIO):
            def read(self, *args):
                raise AssertionError("the content was read")

        with pytest.raises(ApplicationError) as caught:
            evidence_inspect(Unreadable(b"x" * (MB + 1)), claimed_name="大.pdf", max_bytes=MB)
        assert (caught.value.code, caught.value.status) == ("evidence_too_large", 413)
        assert "1.0 MB" in caught.value.message_zh and "上限 1 MB" in caught.value.message_zh

    def test_folders_in_the_claimed_name_are_dropped(self):
        assert inspection.evidence_clean_name("C:\\Users\\张三\\扫描件.pdf") == "扫描件.pdf"
        assert inspection.evidence_clean_name("../../etc/passwd") == "passwd"
        long = inspection.evidence_clean_name("长" * 300 + ".pdf")
        assert len(long) == 200 and long.endswith(".pdf")


class TestLimits:
    def test_campaign_limits_in_bytes(self):
        campaign = SimpleNamespace(evidence_file_max_mb=20, dossier_max_mb=500)
        assert inspection.evidence_file_limit_bytes(campaign) == 20 * MB
        assert inspection.evidence_dossier_limit_bytes(campaign) == 500 * MB

    def test_dossier_total_at_the_limit_is_allowed(self):
        inspection.evidence_dossier_room_check(used_bytes=400 * MB, adding_bytes=100 * MB, max_bytes=500 * MB)

    def test_dossier_total_past_the_limit_is_refused(self):
        with pytest.raises(ApplicationError) as caught:
            inspection.evidence_dossier_room_check(used_bytes=400 * MB, adding_bytes=100 * MB + 1, max_bytes=500 * MB)
        assert caught.value.code == "evidence_dossier_full"
        assert "剩余 100.0 MB" in caught.value.message_zh


def _request(body: bytes, *, content_length: int | None = None, **extra) -> tuple[WSGIRequest, io.BytesIO]:
    stream = io.BytesIO(body)  # its position is how many body bytes the server handed to Django
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD="POST", PATH_INFO="/upload/", CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(len(body) if content_length is None else content_length), **{"wsgi.input": stream},
        **extra,
    )
    return WSGIRequest(environ), stream


def _two_files_body(data: bytes) -> bytes:
    one = files.multipart_body("file", "a.png", data, BOUNDARY)
    return one[: -len(f"--{BOUNDARY}--\r\n")] + files.multipart_body("other", "b.png", data, BOUNDARY)


@pytest.fixture
def upload_tmp(settings, tmp_path) -> Path:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


class TestUploadHandler:
    def test_file_streams_to_a_temporary_file_with_its_hash(self, upload_tmp):
        data = files.image_bytes("png", 800, 600)
        request, _ = _request(files.multipart_body("file", "证书.png", data, BOUNDARY))
        evidence_upload_handlers_install(request, max_bytes=MB)
        upload = evidence_upload_received(request, "file")
        assert upload.sha256 == hashlib.sha256(data).hexdigest()
        assert (upload.size, upload.name) == (len(data), "证书.png")
        assert Path(upload.temporary_file_path()).parent == upload_tmp
        assert evidence_inspect(upload, claimed_name=upload.name, max_bytes=MB).kind == "png"
        upload.close()
        assert list(upload_tmp.iterdir()) == []

    def test_declared_over_size_is_refused_before_reading_the_body(self, upload_tmp):
        body = files.multipart_body("file", "大.pdf", b"0" * (3 * MB), BOUNDARY)
        request, stream = _request(body)
        handler = evidence_upload_handlers_install(request, max_bytes=MB)
        with pytest.raises(ApplicationError) as caught:
            evidence_upload_received(request, "file")
        assert (caught.value.code, caught.value.status) == ("evidence_too_large", 413)
        assert stream.tell() == 0 and handler.bytes_received == 0
        assert list(upload_tmp.iterdir()) == []

    def test_running_count_stops_the_upload_early(self, upload_tmp):
        size = MB + MB // 2
        body = files.multipart_body("file", "大.pdf", b"0" * size, BOUNDARY)
        request, stream = _request(body)
        handler = evidence_upload_handlers_install(request, max_bytes=MB, max_files=2)  # length check passes
        with pytest.raises(ApplicationError) as caught:
            evidence_upload_received(request, "file")
        assert caught.value.code == "evidence_too_large"
        assert "超过单个文件上限 1 MB" in caught.value.message_zh
        assert handler.bytes_received < size
        assert stream.tell() < len(body)
        assert list(upload_tmp.iterdir()) == []

    def test_a_second_file_is_refused(self, upload_tmp):
        data = files.image_bytes("png", 10, 10)
        request, _ = _request(_two_files_body(data))
        evidence_upload_handlers_install(request, max_bytes=MB, max_files=1)
        with pytest.raises(ApplicationError) as caught:
            evidence_upload_received(request, "file")
        assert caught.value.code == "evidence_too_many"
        assert list(upload_tmp.iterdir()) == []

    def test_no_file_is_refused_naming_the_field(self, upload_tmp):
        request, _ = _request(f"--{BOUNDARY}--\r\n".encode())
        evidence_upload_handlers_install(request, max_bytes=MB)
        with pytest.raises(ApplicationError) as caught:
            evidence_upload_received(request, "file")
        assert caught.value.code == "evidence_missing" and caught.value.details["field"] == "file"

    def test_handler_defaults_to_twenty_megabytes(self):
        assert EvidenceUploadHandler(None).max_bytes == 20 * MB


class TestUploadParseWithCsrf:
    def _csrf(self) -> dict:
        from django.middleware.csrf import _get_new_csrf_string

        secret = _get_new_csrf_string()
        return {"HTTP_COOKIE": f"csrftoken={secret}", "HTTP_X_CSRFTOKEN": secret}

    def test_upload_with_the_token_is_received(self, upload_tmp):
        data = files.pdf_bytes()
        request, _ = _request(files.multipart_body("file", "a.pdf", data, BOUNDARY), **self._csrf())
        upload = evidence_upload_parse(request, max_bytes=MB)
        assert upload.sha256 == hashlib.sha256(data).hexdigest()
        upload.close()

    def test_upload_without_the_token_is_refused_and_removed(self, upload_tmp):
        request, _ = _request(files.multipart_body("file", "a.pdf", files.pdf_bytes(), BOUNDARY))
        with pytest.raises(ApplicationError) as caught:
            evidence_upload_parse(request, max_bytes=MB)
        assert (caught.value.code, caught.value.status) == ("csrf_failed", 403)
        assert list(upload_tmp.iterdir()) == []

    def test_over_size_is_refused_before_the_token_is_looked_at(self, upload_tmp):
        request, stream = _request(files.multipart_body("file", "a.pdf", b"0" * (2 * MB), BOUNDARY))
        with pytest.raises(ApplicationError) as caught:
            evidence_upload_parse(request, max_bytes=MB)
        assert caught.value.code == "evidence_too_large" and stream.tell() == 0


def _stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path / "media"


@pytest.mark.django_db
class TestStorage:
    def test_stored_under_a_random_name_recorded_and_previewed_by_the_worker_when_first_asked(self, media):
        from zhicheng.files.models import PreviewStatus, StoredFile
        from zhicheng.files.previews import preview_request

        data = files.image_bytes("jpeg", 1200, 900)
        inspected = evidence_inspect(io.BytesIO(data), claimed_name="张三身份证.pdf", max_bytes=MB)
        name = storage_module.evidence_store_then(io.BytesIO(data), inspected=inspected, write=lambda n: n)
        assert name.startswith("evidence/") and name.endswith(".jpg") and "张三" not in name
        assert (media / name).read_bytes() == data
        record = StoredFile.objects.get(name=name)
        assert (record.kind, record.size, record.sha256) == ("jpeg", len(data), inspected.sha256)
        assert record.preview_status == PreviewStatus.PENDING  # an upload queues no preview (decision 91)
        assert preview_request(record) is True  # the first view asks; the immediate backend runs the task at once
        record.refresh_from_db()
        assert record.preview_status == PreviewStatus.READY
        assert (media / record.preview_name).read_bytes()[:3] == b"\xff\xd8\xff"

    def test_failed_database_write_leaves_no_file_and_no_record(self, media):
        from zhicheng.files.models import StoredFile

        data = files.pdf_bytes()
        inspected = evidence_inspect(io.BytesIO(data), claimed_name="a.pdf", max_bytes=MB)

        def write(name):
            assert _stored_files(media)  # the file exists while the row is written
            raise RuntimeError("database went away")

        with pytest.raises(RuntimeError):
            storage_module.evidence_store_then(io.BytesIO(data), inspected=inspected, write=write)
        assert _stored_files(media) == [] and not StoredFile.objects.exists()

    def test_a_preview_that_fails_does_not_refuse_the_file(self, media, monkeypatch):
        from zhicheng.files import previews
        from zhicheng.files.models import PreviewFailure, PreviewStatus, StoredFile

        monkeypatch.setattr(previews, "preview_child_run",
                            lambda *a, **k: previews.ChildOutcome(None, PreviewFailure.UNREADABLE, "crashed"))
        data = files.pdf_bytes()
        inspected = evidence_inspect(io.BytesIO(data), claimed_name="a.pdf", max_bytes=MB)
        name = storage_module.evidence_store_then(io.BytesIO(data), inspected=inspected, write=lambda n: n)
        assert _stored_files(media) == [media / name]
        record = StoredFile.objects.get(name=name)
        previews.preview_request(record)
        record.refresh_from_db()
        assert (record.preview_status, record.preview_failure) == (PreviewStatus.UNAVAILABLE, "unreadable")
