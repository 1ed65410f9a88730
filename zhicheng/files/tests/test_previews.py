"""Previews are made by the worker in a capped child process: bombs kill only the child, the page says so."""

from __future__ import annotations

import io
import tempfile

import pytest
from PIL import Image

from zhicheng.files.models import PreviewFailure, PreviewStatus, StoredFile
from zhicheng.files.previews import PreviewLimits, preview_child_run, preview_make
from zhicheng.files.views import preview_response

from . import bombs
from . import samples as files


def _run(data: bytes, kind: str, **limits):
    with tempfile.TemporaryFile() as source:
        source.write(data)
        source.seek(0)
        return preview_child_run(source, kind=kind, limits=PreviewLimits(**limits))


class TestChild:
    @pytest.mark.parametrize("data, kind", [
        (files.pdf_bytes(2), "pdf"), (files.image_bytes("png", 900, 300, mode="RGBA"), "png"),
        (files.image_bytes("jpeg", 4000, 3000), "jpeg"),
    ], ids=["pdf", "png", "jpeg"])
    def test_pdf_first_page_png_and_jpeg_become_small_jpegs(self, data, kind):
        outcome = _run(data, kind)
        with Image.open(io.BytesIO(outcome.data)) as img:
            assert img.format == "JPEG" and max(img.size) <= PreviewLimits().edge

    def test_a_pdf_content_bomb_kills_the_child_at_its_memory_limit(self):
        outcome = _run(bombs.pdf_content_bomb(), "pdf")
        assert (outcome.data, outcome.failure) == (None, PreviewFailure.MEMORY)

    def test_the_same_bomb_with_room_to_spare_would_have_rendered(self):
        """The other side of the limit: a small bomb under the cap renders, so the cap is what stopped the big one."""
        outcome = _run(bombs.pdf_content_bomb(inflated_mb=1, size=0), "pdf")
        assert outcome.failure == "" and outcome.data[:3] == b"\xff\xd8\xff"

    def test_a_png_bomb_kills_the_child_at_its_memory_limit(self):
        assert _run(bombs.png_bomb(), "png").failure == PreviewFailure.MEMORY
        assert _run(bombs.png_bomb(width=2000, height=2000), "png").failure == ""  # 16 MB decoded: fine

    def test_an_image_over_the_pixel_limit_is_refused_from_its_header(self):
        outcome = _run(files.image_bytes("png", 400, 300), "png", max_pixels=100_000)
        assert outcome.failure == PreviewFailure.TOO_LARGE

    def _child_script(self, tmp_path, monkeypatch, body: str) -> None:
        """Swap the renderer for a script that applies the real limits and then misbehaves."""
        from zhicheng.files import previews

        script = tmp_path / "child.py"
        script.write_text(
            f"import json, sys\nsys.path.insert(0, {str(previews.CHILD.parent)!r})\nimport preview_child\n"
            f"preview_child.limits_apply(json.loads(sys.argv[2]))\n{body}\n"
        )
        monkeypatch.setattr(previews, "CHILD", script)

    def test_a_child_that_hangs_is_killed_at_the_wall_clock_limit(self, tmp_path, monkeypatch):
        self._child_script(tmp_path, monkeypatch, "import time\ntime.sleep(60)")
        assert _run(b"x", "png", wall_seconds=1).failure == PreviewFailure.TIMEOUT

    def test_a_child_that_spins_is_stopped_at_its_cpu_limit(self, tmp_path, monkeypatch):
        self._child_script(tmp_path, monkeypatch, "while True:\n    pass")
        assert _run(b"x", "png", cpu_seconds=1, wall_seconds=30).failure == PreviewFailure.CPU

    def test_garbage_is_unreadable_not_an_error(self):
        assert _run(b"%PDF-1.7 nonsense", "pdf").failure == PreviewFailure.UNREADABLE


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.mark.django_db
class TestRecordAndServe:
    def _stored(self, media, data: bytes, kind: str) -> StoredFile:
        (media / "evidence").mkdir(exist_ok=True)
        (media / "evidence" / f"x.{kind}").write_bytes(data)
        return StoredFile.objects.create(name=f"evidence/x.{kind}", kind=kind, size=len(data), sha256="0" * 64)

    def test_pending_then_ready(self, media, settings):
        from django_tasks import default_task_backend

        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
        default_task_backend.clear()
        stored = self._stored(media, files.pdf_bytes(), "pdf")
        pending = preview_response(stored.name, filename="x.jpg")
        assert (pending.status_code, pending["X-Preview-Status"]) == (202, "pending")
        assert pending["Content-Type"].startswith("image/svg+xml") and "预览生成中" in pending.content.decode()
        assert [r.args for r in default_task_backend.results] == [[stored.pk]]  # the first ask queued it
        assert preview_make(stored).preview_status == PreviewStatus.READY
        ready = preview_response(stored.name, filename="x.jpg")
        assert ready.status_code == 200 and b"".join(ready.streaming_content)[:3] == b"\xff\xd8\xff"

    def test_a_bomb_ends_unavailable_with_its_reason(self, media):
        stored = preview_make(self._stored(media, bombs.pdf_content_bomb(), "pdf"))
        assert (stored.preview_status, stored.preview_failure) == (PreviewStatus.UNAVAILABLE, PreviewFailure.MEMORY)
        answer = preview_response(stored.name, filename="x.jpg")
        assert (answer.status_code, answer["X-Preview-Status"]) == (404, "unavailable")
        assert "无法预览" in answer.content.decode()

    @pytest.mark.parametrize("data, kind, limits", [
        (bombs.pdf_image_bomb(), "pdf", {}),
        (files.pdf_bytes(), "pdf", {"max_page_points": 500}),  # an A4 page is 595 x 842 points
        (files.image_bytes("png", 400, 300), "png", {"max_pixels": 100_000}),
    ], ids=["pdf-image-pixels", "pdf-page-size", "png-pixels"])
    def test_too_large_by_its_headers_is_refused_without_starting_a_child(self, media, settings, monkeypatch,
                                                                          data, kind, limits):
        from zhicheng.files import previews

        def no_child(*args, **kwargs):
            raise AssertionError("a child was started")

        monkeypatch.setattr(previews, "preview_child_run", no_child)
        settings.ZHICHENG_PREVIEW = limits
        stored = preview_make(self._stored(media, data, kind))
        assert (stored.preview_status, stored.preview_failure) == (PreviewStatus.UNAVAILABLE, PreviewFailure.TOO_LARGE)

    def test_within_the_header_limits_the_child_renders(self, media, settings):
        settings.ZHICHENG_PREVIEW = {"max_page_points": 900}
        assert preview_make(self._stored(media, files.pdf_bytes(), "pdf")).preview_status == PreviewStatus.READY

    def test_a_file_gone_from_storage_is_unavailable(self, media):
        stored = StoredFile.objects.create(name="evidence/gone.pdf", kind="pdf", size=1, sha256="0" * 64)
        assert preview_make(stored).preview_failure == PreviewFailure.MISSING
