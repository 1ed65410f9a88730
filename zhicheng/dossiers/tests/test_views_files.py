"""Evidence over HTTP: upload a real file, download it byte-identical, and every caller who may not see it gets 404."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.accounts.tokens import api_token_create
from zhicheng.dossiers.models import EvidenceFile
from zhicheng.dossiers.services import dossier_submit, section_item_create
from zhicheng.files.models import StoredFile
from zhicheng.files.tests import samples as files

from .factories import at, dossier_for, fill, signed, valid_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inside_window")]  # one server clock throughout
INSIDE = "2024-10-01T10:00:00+08:00"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path / "media"


@pytest.fixture
def draft(campaign, applicant):
    with at(INSIDE):
        dossier = dossier_for(applicant, campaign)
        row = section_item_create(dossier=dossier, actor=applicant, section="education", data=valid_row("education"))
    return dossier, row


def _url(dossier, section="education", **query):
    url = reverse("evidence:upload", args=[dossier.pk, section])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _post(client, dossier, row, data: bytes, name: str = "学历证书.pdf", **extra):
    return client.post(_url(dossier), {"file": SimpleUploadedFile(name, data), "item_id": row.pk}, **extra)


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def queued_tasks(settings):
    """A task backend that only records what is queued (the worker has not run yet)."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend.results


def _preview_tasks(results) -> list:
    return [r for r in results if r.task.name == "preview_make_task"]


def _stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


class TestUpload:
    def test_pdf_is_stored_and_downloads_byte_identical(self, client, media, draft, applicant):
        dossier, row = draft
        data = files.pdf_bytes(pages=2)
        login_verified(client, applicant)
        r = _post(client, dossier, row, data)
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["kind"] == "pdf" and body["page_count"] == 2 and body["size"] == len(data)
        stored = EvidenceFile.objects.get(pk=body["id"])
        assert stored.item_id == row.pk and stored.original_name == "学历证书.pdf"

        download = client.get(body["download_url"])
        assert download.status_code == 200
        assert _content(download) == data
        assert download["Content-Type"] == "application/pdf"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]
        assert "filename*=utf-8''%E5%AD%A6%E5%8E%86" in download["Content-Disposition"]

        preview = client.get(body["preview_url"])
        assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
        assert _content(preview)[:3] == b"\xff\xd8\xff"

    def test_preview_says_pending_until_the_worker_made_it_and_unavailable_after_a_failure(
        self, client, media, draft, applicant, queued_tasks
    ):
        from zhicheng.files.models import PreviewStatus, StoredFile

        dossier, row = draft
        login_verified(client, applicant)
        body = _post(client, dossier, row, files.pdf_bytes()).json()
        record = StoredFile.objects.get(name=EvidenceFile.objects.get(pk=body["id"]).file.name)
        assert _preview_tasks(queued_tasks) == []  # an upload renders nothing and queues nothing
        assert (record.preview_status, record.preview_queued_at) == (PreviewStatus.PENDING, None)
        pending = client.get(body["preview_url"])
        assert (pending.status_code, pending["X-Preview-Status"]) == (202, "pending")
        assert "预览生成中" in pending.content.decode() and "no-store" in pending["Cache-Control"]
        again = client.get(body["preview_url"])
        assert (again.status_code, len(_preview_tasks(queued_tasks))) == (202, 1)  # the first view queued one task
        task = _preview_tasks(queued_tasks)[0]
        assert task.task.call(*task.args, **task.kwargs)["status"] == "ready"  # the worker runs it
        ready = client.get(body["preview_url"])
        assert ready.status_code == 200 and _content(ready)[:3] == b"\xff\xd8\xff"
        record.refresh_from_db()
        record.preview_status = PreviewStatus.UNAVAILABLE
        record.save()
        unavailable = client.get(body["preview_url"])
        assert (unavailable.status_code, unavailable["X-Preview-Status"]) == (404, "unavailable")
        assert "无法预览" in unavailable.content.decode()
        assert len(_preview_tasks(queued_tasks)) == 1

    def test_the_page_asks_for_the_preview_and_polls_until_it_is_made(self, client, media, draft, applicant,
                                                                      queued_tasks):
        dossier, row = draft
        login_verified(client, applicant)
        file_id = _post(client, dossier, row, files.pdf_bytes()).json()["id"]
        frame_url = reverse("evidence:preview_frame", args=[file_id])
        page = client.get(reverse("dossiers:section", args=[dossier.pk, "education"])).content.decode()
        assert "预览生成中…" in page and f'hx-get="{frame_url}"' in page and 'hx-trigger="revealed"' in page
        assert _preview_tasks(queued_tasks) == []  # showing the page is not yet asking: the frame is, once in view
        first = client.get(frame_url, HTTP_HX_REQUEST="true").content.decode()
        assert "预览生成中…" in first and "load delay:3s" in first and "<img" not in first
        assert len(_preview_tasks(queued_tasks)) == 1
        client.get(frame_url, HTTP_HX_REQUEST="true")  # the poll
        assert len(_preview_tasks(queued_tasks)) == 1
        task = _preview_tasks(queued_tasks)[0]
        task.task.call(*task.args, **task.kwargs)
        shown = client.get(frame_url, HTTP_HX_REQUEST="true").content.decode()
        assert f'<img src="{reverse("evidence:preview", args=[file_id])}"' in shown and "hx-get" not in shown
        page = client.get(reverse("dossiers:section", args=[dossier.pk, "education"])).content.decode()
        assert "<img src=" in page and "预览生成中…" not in page  # made: the page shows it straight away

    def test_two_views_at_once_queue_one_preview(self, media, draft, applicant, client, queued_tasks):
        """Both requests read the record before either claims it; the conditional UPDATE lets one through."""
        from zhicheng.files.models import StoredFile
        from zhicheng.files.previews import preview_request

        dossier, row = draft
        login_verified(client, applicant)
        body = _post(client, dossier, row, files.pdf_bytes()).json()
        name = EvidenceFile.objects.get(pk=body["id"]).file.name
        first, second = StoredFile.objects.get(name=name), StoredFile.objects.get(name=name)
        assert [preview_request(first), preview_request(second)] == [True, False]
        assert len(_preview_tasks(queued_tasks)) == 1

    def test_reviewer_of_the_unit_downloads_after_submission(self, client, media, draft, tree):
        dossier, row = draft
        applicant = tree["applicant"]
        data = files.pdf_bytes()
        login_verified(client, applicant)
        file_id = _post(client, dossier, row, data).json()["id"]
        client.logout()
        login_verified(client, tree["unit_clerk"])
        url = reverse("evidence:download", args=[file_id])
        assert client.get(url).status_code == 404  # still a draft
        with at(INSIDE):
            fill(dossier, applicant)
            signed(dossier, applicant)
            dossier_submit(dossier=dossier, actor=applicant)
        response = client.get(url)
        assert response.status_code == 200 and _content(response) == data

    def test_jpeg_named_pdf_is_stored_as_jpeg(self, client, media, draft, applicant):
        dossier, row = draft
        login_verified(client, applicant)
        r = _post(client, dossier, row, files.image_bytes("jpeg"), name="扫描件.pdf")
        assert r.status_code == 201, r.content
        assert r.json()["kind"] == "jpeg"
        download = client.get(r.json()["download_url"])
        assert download["Content-Type"] == "image/jpeg"
        assert "%E6%89%AB%E6%8F%8F%E4%BB%B6.jpg" in download["Content-Disposition"]

    def test_over_size_is_413_and_nothing_stored(self, client, media, draft, applicant, campaign):
        dossier, row = draft
        campaign.evidence_file_max_mb = 1
        campaign.save(update_fields=["evidence_file_max_mb"])
        login_verified(client, applicant)
        r = _post(client, dossier, row, files.pdf_bytes() + b"\0" * (1024 * 1024))
        assert r.status_code == 413
        assert set(r.json()) == {"code", "message", "details"}
        assert not EvidenceFile.objects.exists()
        assert _stored(media) == []

    def test_refused_type_is_refused_naming_the_field(self, client, media, draft, applicant):
        dossier, row = draft
        login_verified(client, applicant)
        r = _post(client, dossier, row, files.exe_bytes(), name="证书.pdf")
        assert r.status_code == 415 and "file" in r.json()["details"]["fields"]
        assert not EvidenceFile.objects.exists() and _stored(media) == []

    def test_browser_form_goes_back_to_next(self, client, media, draft, applicant):
        dossier, row = draft
        login_verified(client, applicant)
        with at(INSIDE):
            r = client.post(_url(dossier, next="/dossiers/"),
                            {"file": SimpleUploadedFile("a.pdf", files.pdf_bytes()), "item_id": row.pk})
            assert r.status_code == 302 and r["Location"] == "/dossiers/"
            evil = client.post(_url(dossier, next="https://evil.example/"),
                               {"file": SimpleUploadedFile("a.pdf", files.pdf_bytes()), "item_id": row.pk})
        assert evil.status_code == 201  # an outside `next` is ignored: plain JSON
        assert EvidenceFile.objects.count() == 2

    def test_htmx_and_refusals_go_back_with_a_message(self, client, media, draft, applicant, campaign):
        dossier, row = draft
        login_verified(client, applicant)
        ok = client.post(_url(dossier, next="/dossiers/"), {"file": SimpleUploadedFile("a.png", files.image_bytes()),
                         "item_id": row.pk}, HTTP_HX_REQUEST="true")
        assert ok.status_code == 204 and ok["HX-Redirect"] == "/dossiers/"
        campaign.evidence_file_max_mb = 1
        campaign.save(update_fields=["evidence_file_max_mb"])
        big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"\0" * (2 * 1024 * 1024))
        refused = client.post(_url(dossier, next="/dossiers/"), {"file": big, "item_id": row.pk}, follow=False)
        assert refused.status_code == 302 and refused["Location"] == "/dossiers/"
        shown = [str(m) for m in get_messages(refused.wsgi_request)]
        assert any("MB" in m for m in shown), shown
        assert EvidenceFile.objects.count() == 1

    def test_bearer_token_upload(self, client, media, draft, applicant):
        dossier, row = draft
        _token, raw = api_token_create(user=applicant, name="对接")
        r = _post(client, dossier, row, files.image_bytes("png"), name="a.png", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert r.status_code == 201, r.content
        bad = _post(client, dossier, row, files.image_bytes("png"), name="a.png", HTTP_AUTHORIZATION="Bearer nope")
        assert bad.status_code == 401

    def test_session_upload_without_csrf_token_is_refused(self, media, draft, applicant):
        from django.test import Client

        dossier, row = draft
        strict = Client(enforce_csrf_checks=True)
        login_verified(strict, applicant)
        r = _post(strict, dossier, row, files.pdf_bytes())
        assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
        assert not EvidenceFile.objects.exists()


class TestDenials:
    @pytest.fixture
    def uploaded(self, client, media, draft, applicant):
        dossier, row = draft
        login_verified(client, applicant)
        file_id = _post(client, dossier, row, files.pdf_bytes()).json()["id"]
        client.logout()
        return dossier, row, file_id

    def _assert_hidden(self, client, dossier, row, file_id):
        assert client.get(reverse("evidence:download", args=[file_id])).status_code == 404
        assert client.get(reverse("evidence:preview", args=[file_id])).status_code == 404
        assert client.get(reverse("evidence:preview_frame", args=[file_id])).status_code == 404
        assert _post(client, dossier, row, files.pdf_bytes()).status_code == 404
        stored = StoredFile.objects.get(name=EvidenceFile.objects.get(pk=file_id).file.name)
        assert stored.preview_queued_at is None  # a view that was refused asked for nothing
        assert EvidenceFile.objects.count() == 1

    def test_another_applicant_gets_404(self, client, uploaded, tree):
        login_verified(client, tree["other_applicant"])
        self._assert_hidden(client, *uploaded)

    def test_clerk_of_another_unit_gets_404_even_after_submission(self, client, uploaded, tree):
        dossier = uploaded[0]
        with at(INSIDE):
            fill(dossier, tree["applicant"])
            signed(dossier, tree["applicant"])
            dossier_submit(dossier=dossier, actor=tree["applicant"])
        login_verified(client, tree["other_clerk"])
        self._assert_hidden(client, *uploaded)

    def test_anonymous_is_sent_to_login_or_401(self, client, uploaded):
        dossier, row, file_id = uploaded
        download = client.get(reverse("evidence:download", args=[file_id]))
        assert download.status_code == 302 and "login" in download["Location"]
        r = _post(client, dossier, row, files.pdf_bytes())
        assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
        assert EvidenceFile.objects.count() == 1

    def test_deleted_file_is_404(self, client, uploaded, tree):
        dossier, _row, file_id = uploaded
        EvidenceFile.objects.filter(pk=file_id).update(deleted_at=dossier.created_at)
        login_verified(client, tree["applicant"])
        assert client.get(reverse("evidence:download", args=[file_id])).status_code == 404
