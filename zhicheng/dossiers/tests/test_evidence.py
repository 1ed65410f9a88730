"""Attaching evidence to a dossier's row: by content type, audited, within the dossier's total, no leftovers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers import evidence as attach_module
from zhicheng.files.inspection import MB
from zhicheng.files.storage import evidence_preview_name
from zhicheng.files.tests import samples as files
from zhicheng.files.tests.test_inspection_upload import BOUNDARY, _request, _stored_files
from zhicheng.files.uploads import evidence_upload_handlers_install, evidence_upload_received

ev = attach_module


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
        assert not (media / evidence_preview_name(got.file.name)).exists()  # made when first asked for, not now
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
