"""Evidence files: type from content, refusals that say what to do, streaming upload, storage without leftovers."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory

from zhicheng.campaigns.models import Campaign
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers import evidence as ev
from zhicheng.dossiers.evidence import MB, evidence_inspect
from zhicheng.dossiers.evidence import attach as attach_module
from zhicheng.dossiers.evidence import storage as storage_module
from zhicheng.dossiers.uploads import (
    EvidenceUploadHandler,
    evidence_upload_handlers_install,
    evidence_upload_parse,
    evidence_upload_received,
)

from . import files

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
        assert ev.evidence_download_name("扫描件.pdf", got.kind) == "扫描件.jpg"

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
        assert ev.evidence_clean_name("C:\\Users\\张三\\扫描件.pdf") == "扫描件.pdf"
        assert ev.evidence_clean_name("../../etc/passwd") == "passwd"
        long = ev.evidence_clean_name("长" * 300 + ".pdf")
        assert len(long) == 200 and long.endswith(".pdf")


class TestLimits:
    def test_campaign_limits_in_bytes(self):
        campaign = Campaign(evidence_file_max_mb=20, dossier_max_mb=500)
        assert ev.evidence_file_limit_bytes(campaign) == 20 * MB
        assert ev.evidence_dossier_limit_bytes(campaign) == 500 * MB

    def test_dossier_total_at_the_limit_is_allowed(self):
        ev.evidence_dossier_room_check(used_bytes=400 * MB, adding_bytes=100 * MB, max_bytes=500 * MB)

    def test_dossier_total_past_the_limit_is_refused(self):
        with pytest.raises(ApplicationError) as caught:
            ev.evidence_dossier_room_check(used_bytes=400 * MB, adding_bytes=100 * MB + 1, max_bytes=500 * MB)
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


@pytest.mark.django_db
class TestStorage:
    def test_stored_under_a_random_name_with_a_preview(self, tmp_path):
        storage = FileSystemStorage(location=tmp_path)
        data = files.image_bytes("jpeg", 1200, 900)
        inspected = evidence_inspect(io.BytesIO(data), claimed_name="张三身份证.pdf", max_bytes=MB)
        name = ev.evidence_store_then(io.BytesIO(data), inspected=inspected, write=lambda n: n, storage=storage)
        assert name.startswith("evidence/") and name.endswith(".jpg") and "张三" not in name
        assert storage.open(name).read() == data
        preview = storage.open(ev.evidence_preview_name(name)).read()
        assert preview[:3] == b"\xff\xd8\xff"

    def test_failed_database_write_leaves_no_file(self, tmp_path):
        storage = FileSystemStorage(location=tmp_path)
        data = files.pdf_bytes()
        inspected = evidence_inspect(io.BytesIO(data), claimed_name="a.pdf", max_bytes=MB)

        def write(name):
            assert _stored_files(tmp_path)  # the file and its preview exist while the row is written
            raise RuntimeError("database went away")

        with pytest.raises(RuntimeError):
            ev.evidence_store_then(io.BytesIO(data), inspected=inspected, write=write, storage=storage)
        assert _stored_files(tmp_path) == []

    def test_a_preview_that_fails_does_not_refuse_the_file(self, tmp_path, monkeypatch):
        def boom(*args, **kwargs):
            raise OSError("renderer crashed")

        monkeypatch.setattr(storage_module, "evidence_preview_render", boom)
        storage = FileSystemStorage(location=tmp_path)
        data = files.pdf_bytes()
        inspected = evidence_inspect(io.BytesIO(data), claimed_name="a.pdf", max_bytes=MB)
        name = ev.evidence_store_then(io.BytesIO(data), inspected=inspected, write=lambda n: n, storage=storage)
        assert _stored_files(tmp_path) == [tmp_path / name]


class TestPreview:
    def test_pdf_first_page_and_transparent_png_become_small_jpegs(self):
        from PIL import Image

        for data, kind in [(files.pdf_bytes(2), "pdf"), (files.image_bytes("png", 900, 300, mode="RGBA"), "png")]:
            out = ev.evidence_preview_render(io.BytesIO(data), kind=kind)
            with Image.open(io.BytesIO(out)) as img:
                assert img.format == "JPEG" and max(img.size) <= ev.PREVIEW_EDGE

    def test_huge_png_gets_no_preview(self):
        data = files.image_bytes("png", 10, 10)
        assert ev.evidence_preview_render(io.BytesIO(data), kind="png", width=10_000, height=6_000) is None


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path / "media"


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _education_row(dossier, applicant):
    from zhicheng.dossiers.services import section_item_create

    from .factories import valid_row

    return section_item_create(dossier=dossier, actor=applicant, section="education", data=valid_row("education"))


@pytest.mark.django_db
class TestEvidenceAttach:
    def test_attaches_by_content_type_and_audits(self, dossier, applicant, media):
        from zhicheng.audit.models import AuditEvent

        row = _education_row(dossier, applicant)
        revision = type(dossier).objects.get(pk=dossier.pk).revision
        data = files.image_bytes("jpeg")
        got = ev.evidence_attach(dossier=dossier, section="education", item_id=row.pk,
                                 upload=_upload(data, "毕业证.pdf"), actor=applicant, ip="10.0.0.9")
        assert (got.kind, got.original_name, got.size, got.item_id) == ("jpeg", "毕业证.pdf", len(data), row.pk)
        assert got.sha256 == hashlib.sha256(data).hexdigest() and (got.width, got.height) == (640, 480)
        assert got.file.name.endswith(".jpg") and "毕业证" not in got.file.name
        assert (media / got.file.name).read_bytes() == data
        assert (media / ev.evidence_preview_name(got.file.name)).exists()
        assert type(dossier).objects.get(pk=dossier.pk).revision == revision + 1
        assert AuditEvent.objects.filter(event_type="dossier.evidence_attached").count() == 1

    def test_identity_section_takes_no_item(self, dossier, applicant, media):
        got = ev.evidence_attach(dossier=dossier, section="identity", item_id=None,
                                 upload=_upload(files.pdf_bytes(2), "身份证.pdf"), actor=applicant)
        assert (got.kind, got.page_count, got.item_id) == ("pdf", 2, None)

    def test_another_applicant_is_refused_and_nothing_is_stored(self, dossier, applicant, tree, media):
        row = _education_row(dossier, applicant)
        with pytest.raises(ApplicationError) as caught:
            ev.evidence_attach(dossier=dossier, section="education", item_id=row.pk,
                               upload=_upload(files.pdf_bytes(), "a.pdf"), actor=tree["other_applicant"])
        assert caught.value.status == 403
        assert not media.exists() or _stored_files(media) == []

    @pytest.mark.parametrize(("section", "item_id"), [("education", 999_999), ("no_such_section", None)])
    def test_unknown_row_or_section_is_not_found(self, dossier, applicant, media, section, item_id):
        with pytest.raises(ApplicationError) as caught:
            ev.evidence_attach(dossier=dossier, section=section, item_id=item_id,
                               upload=_upload(files.pdf_bytes(), "a.pdf"), actor=applicant)
        assert caught.value.status == 404

    def test_refused_file_leaves_nothing(self, dossier, applicant, media):
        row = _education_row(dossier, applicant)
        with pytest.raises(ApplicationError) as caught:
            ev.evidence_attach(dossier=dossier, section="education", item_id=row.pk,
                               upload=_upload(files.encrypted_pdf_bytes(), "a.pdf"), actor=applicant)
        assert caught.value.code == "evidence_encrypted"
        assert not media.exists() or _stored_files(media) == []
        assert not dossier.evidence_files.exists()

    def test_dossier_total_limit_is_enforced(self, dossier, applicant, media):
        from zhicheng.dossiers.models import EvidenceFile

        dossier.campaign.dossier_max_mb = 1
        dossier.campaign.save(update_fields=["dossier_max_mb"])
        EvidenceFile.objects.create(dossier=dossier, section="identity", kind="pdf", file="evidence/x.pdf",
                                    original_name="x.pdf", size=MB - 100, sha256="0" * 64, uploaded_by=applicant)
        with pytest.raises(ApplicationError) as caught:
            ev.evidence_attach(dossier=dossier, section="identity", item_id=None,
                               upload=_upload(files.pdf_bytes(), "a.pdf"), actor=applicant)
        assert (caught.value.code, caught.value.status) == ("evidence_dossier_full", 413)
        assert not media.exists() or _stored_files(media) == []

    def test_streamed_upload_is_attached_and_its_temporary_file_moved(self, dossier, applicant, media):
        data = files.pdf_bytes(3)
        request, _ = _request(files.multipart_body("file", "职称证书.pdf", data, BOUNDARY))
        evidence_upload_handlers_install(request, max_bytes=MB)
        upload = evidence_upload_received(request, "file")
        got = ev.evidence_attach(dossier=dossier, section="identity", item_id=None, upload=upload, actor=applicant)
        upload.close()
        assert (got.kind, got.page_count, got.sha256) == ("pdf", 3, upload.sha256)
        assert (media / got.file.name).read_bytes() == data
        assert (media / ev.evidence_preview_name(got.file.name)).exists()
        assert [p for p in media.parent.iterdir() if p.is_file()] == []  # no temporary file left behind

    def test_limit_reached_meanwhile_removes_the_stored_file(self, dossier, applicant, media, monkeypatch):
        used = iter([0, 500 * MB])  # another upload filled the dossier between the first check and the lock
        monkeypatch.setattr(attach_module, "evidence_used_bytes", lambda d: next(used))
        with pytest.raises(ApplicationError) as caught:
            ev.evidence_attach(dossier=dossier, section="identity", item_id=None,
                               upload=_upload(files.pdf_bytes(), "a.pdf"), actor=applicant)
        assert caught.value.code == "evidence_dossier_full"
        assert _stored_files(media) == []
        assert not dossier.evidence_files.exists()
