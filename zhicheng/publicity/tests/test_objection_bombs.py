"""Decompression bombs through the public objection form (anonymous): the web process stays small, the capped
preview child is killed at its limit, and the attachment is kept, marked "preview unavailable"."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhicheng.dossiers.tests.factories import at
from zhicheng.files.models import PreviewFailure, PreviewStatus, StoredFile
from zhicheng.files.previews import preview_request
from zhicheng.files.tests import bombs
from zhicheng.publicity.models import Objection, PublicityEntry

from .factories import published

pytestmark = pytest.mark.django_db
DURING = "2024-10-08T10:00:00+08:00"
GROWTH_LIMIT_MB = 50


@pytest.fixture
def entry(tree, passed, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    published(tree["unit_clerk"], [passed], "2024-09-27")
    return PublicityEntry.objects.get(dossier=passed)


def _file_objection(entry, name: str, data: bytes):
    client = Client(enforce_csrf_checks=True)  # anonymous, as anyone on the internet
    url = f"/public/publicity/{entry.pk}/objection/"
    with at(DURING):
        client.get(url, {"form": "1"})  # opening the form sets the CSRF cookie
        form = {"name": "匿名", "contact": "x@example.com", "text": "见附件",
                "file": SimpleUploadedFile(name, data), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
        measured = bombs.peak_rss_reset()
        before = bombs.peak_rss_mb() if measured else bombs.rss_mb()
        response = client.post(url, form)
        after = bombs.peak_rss_mb() if measured else bombs.rss_mb()
    return response, after - before


@pytest.mark.parametrize("name, make", [("举报材料.pdf", bombs.pdf_content_bomb), ("照片.png", bombs.png_bomb)],
                         ids=["pdf-bomb-1MB", "png-bomb-190KB"])
def test_a_bomb_kills_only_the_preview_child(entry, name, make):
    data = make()
    response, growth_mb = _file_objection(entry, name, data)
    assert response.status_code == 200 and re.search(r"<strong>[A-Z0-9-]{14}</strong>", response.content.decode())
    assert growth_mb < GROWTH_LIMIT_MB, f"the web process grew by {growth_mb:.0f} MB"
    objection = Objection.objects.get()
    stored = StoredFile.objects.get(name=objection.file.name)
    assert stored.size == len(data) and objection.file_size == len(data)  # the attachment itself is kept
    assert (stored.preview_status, stored.preview_queued_at) == (PreviewStatus.PENDING, None)  # nothing on upload
    assert preview_request(stored)  # first asked for: the (test backend's immediate) task runs the capped child
    stored.refresh_from_db()
    assert (stored.preview_status, stored.preview_failure) == (PreviewStatus.UNAVAILABLE, PreviewFailure.MEMORY)
