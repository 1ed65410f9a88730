"""files_gc with evidence as the owner: leftovers and unowned stored files go after the grace period; owned stay."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.management import call_command

from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditEvent
from zhicheng.files.models import StoredFile
from zhicheng.files.tasks import files_gc_task

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


@pytest.fixture
def places(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    return tmp_path / "media", tmp_path / "tmp"


def _plant(path, *, age_hours: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 leftover")
    when = time.time() - age_hours * 3600
    os.utime(path, (when, when))


def _owned_evidence_name(dossier, applicant) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhicheng.dossiers.evidence import evidence_attach
    from zhicheng.files.previews import preview_request
    from zhicheng.files.tests import samples

    upload = SimpleUploadedFile("a.pdf", samples.pdf_bytes())
    name = evidence_attach(dossier=dossier, section="identity", item_id=None, upload=upload, actor=applicant).file.name
    preview_request(StoredFile.objects.get(name=name))  # viewed once: the preview lies beside it (test backend)
    return name


def test_old_orphans_go_young_and_owned_files_stay(places, dossier, applicant):
    media, tmp = places
    owned = _owned_evidence_name(dossier, applicant)
    for name in (owned, owned.replace(".pdf", ".preview.jpg")):
        os.utime(media / name, (time.time() - 3 * DAY,) * 2)  # old, but a row names it (or its source)
    _plant(media / "evidence/2024/10/old-orphan.pdf", age_hours=25)  # killed between storing and the row
    _plant(media / "evidence/2024/10/young-orphan.pdf", age_hours=1)  # perhaps its row is committing now
    StoredFile.objects.create(name="evidence/2024/10/old-orphan.pdf", kind="pdf", size=1, sha256="0" * 64)
    _plant(tmp / "zc-upload-abc.upload", age_hours=30)  # a killed server's upload spool
    _plant(tmp / "zc-upload-def.upload", age_hours=0.5)
    _plant(tmp / "someone-elses.tmp", age_hours=100)  # not ours: never touched
    _plant(media / "elsewhere/old.pdf", age_hours=100)  # not a folder this system writes to

    out = io.StringIO()
    call_command("files_gc", stdout=out)

    assert not (media / "evidence/2024/10/old-orphan.pdf").exists() and not (tmp / "zc-upload-abc.upload").exists()
    assert not StoredFile.objects.filter(name="evidence/2024/10/old-orphan.pdf").exists()
    for kept in (media / owned, media / owned.replace(".pdf", ".preview.jpg"),
                 media / "evidence/2024/10/young-orphan.pdf", tmp / "zc-upload-def.upload", tmp / "someone-elses.tmp",
                 media / "elsewhere/old.pdf"):
        assert kept.exists(), kept
    printed = out.getvalue()
    assert "removed evidence/2024/10/old-orphan.pdf" in printed and "zc-upload-abc.upload" in printed
    assert "young-orphan" not in printed.replace("kept", "")
    assert AuditEvent.objects.filter(event_type=EventType.FILES_ORPHANS_REMOVED).count() == 1


def test_dry_run_lists_and_removes_nothing(places):
    media, tmp = places
    _plant(media / "evidence/2024/10/old-orphan.pdf", age_hours=48)
    _plant(tmp / "zc-upload-old.upload", age_hours=48)
    out = io.StringIO()
    call_command("files_gc", "--dry-run", stdout=out)
    assert "would remove evidence/2024/10/old-orphan.pdf" in out.getvalue() and "zc-upload-old" in out.getvalue()
    assert (media / "evidence/2024/10/old-orphan.pdf").exists() and (tmp / "zc-upload-old.upload").exists()
    assert not AuditEvent.objects.exists()


def test_the_grace_period_is_a_setting(places, settings):
    media, _tmp = places
    _plant(media / "evidence/2024/10/orphan.pdf", age_hours=3)
    settings.ZHICHENG_FILES_GC_GRACE_HOURS = 2
    result = files_gc_task.enqueue()  # the periodic run, through the task backend
    assert result.return_value["removed"] == ["evidence/2024/10/orphan.pdf"]
    assert not (media / "evidence/2024/10/orphan.pdf").exists()
