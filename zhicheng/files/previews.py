"""Making previews off the request: the task worker runs `preview_child.py` in a capped process and records the outcome.

A preview is queued when someone first asks to see it (`preview_request`, called by the preview pages), never on
upload: most uploads are replaced or never opened before the deadline, and rendering is ~110 ms of CPU each.
Nothing here decodes the file: the worker only hands the stored bytes to the child on its stdin and reads a
small JPEG back. The child caps its own memory and CPU (`resource.setrlimit`); this side adds a wall-clock
timeout (a child stuck waiting is killed too). Whatever happens, the record ends `ready` or `unavailable` with
a reason — a file whose preview cannot be made is still a good file; reviewers download it instead.
"""

from __future__ import annotations

import json
import logging
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from . import preview_child
from .models import PreviewFailure, PreviewStatus, StoredFile
from .storage import evidence_preview_name

logger = logging.getLogger(__name__)
CHILD = Path(preview_child.__file__)
_CHILD_ENV = {"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}
MAX_PREVIEW_BYTES = 2 * 1024 * 1024  # a 320-pixel JPEG is tens of KB; more than this is not a preview


@dataclass(frozen=True)
class PreviewLimits:
    """The child's limits; settings.ZHICHENG_PREVIEW (a dict with these keys) overrides any of them."""

    memory_mb: int = 256  # address space, not resident memory: the interpreter with pdfium needs ~60 MB
    cpu_seconds: int = 20
    wall_seconds: int = 60
    max_pixels: int = 50_000_000  # a PNG has no reduced decode: 50 MP of RGBA is 200 MB
    max_page_points: int = 14_400  # the largest page PDF allows (200 inches) on either side
    max_content_bytes: int = 20 * 1024 * 1024  # compressed content of the first page
    edge: int = 320


def preview_limits() -> PreviewLimits:
    return PreviewLimits(**getattr(settings, "ZHICHENG_PREVIEW", {}))


@dataclass(frozen=True)
class ChildOutcome:
    data: bytes | None
    failure: str = ""
    detail: str = ""


def _failure_of(returncode: int) -> str:
    if returncode == preview_child.EXIT_TOO_LARGE:
        return PreviewFailure.TOO_LARGE
    if returncode == -signal.SIGXCPU:
        return PreviewFailure.CPU
    if returncode in (preview_child.EXIT_MEMORY, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGKILL):
        return PreviewFailure.MEMORY  # allocations refused at RLIMIT_AS end as MemoryError or an abort in C code
    return PreviewFailure.UNREADABLE


def preview_child_run(source, *, kind: str, limits: PreviewLimits) -> ChildOutcome:
    """Render in a fresh, capped process; `source` must be a real file (the child reads it as its stdin)."""
    try:
        done = subprocess.run(  # noqa: S603 - our own script, fixed arguments, no shell
            [sys.executable, "-I", str(CHILD), kind, json.dumps(asdict(limits))],
            stdin=source, capture_output=True, timeout=limits.wall_seconds, close_fds=True, check=False,
            env=_CHILD_ENV,  # nothing of the parent's environment (secrets, DATABASE_URL) reaches the renderer
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return ChildOutcome(None, PreviewFailure.TIMEOUT, f"killed after {limits.wall_seconds} s")
    detail = done.stderr.decode(errors="replace").strip()[-300:]
    if done.returncode != 0:
        return ChildOutcome(None, _failure_of(done.returncode), f"exit {done.returncode}: {detail}")
    if not done.stdout or len(done.stdout) > MAX_PREVIEW_BYTES or not done.stdout.startswith(b"\xff\xd8\xff"):
        return ChildOutcome(None, PreviewFailure.UNREADABLE, "no JPEG from the renderer")
    return ChildOutcome(done.stdout)


def _precheck(source, kind: str, limits: PreviewLimits) -> ChildOutcome | None:
    """The cheap checks, here in the worker (nothing is decoded); an outcome only when they refuse."""
    try:
        preview_child.precheck(source, kind, asdict(limits))
    except preview_child.TooLarge as exc:
        return ChildOutcome(None, PreviewFailure.TOO_LARGE, f"too large: {exc}")
    except Exception as exc:
        logger.info("preview precheck could not read %s: %s", kind, type(exc).__name__)
    finally:
        source.seek(0)
    return None


def preview_request(stored: StoredFile) -> bool:
    """Queue the preview of `stored` if nobody has asked for it yet; True if this call queued it.

    The conditional UPDATE is the claim: of two views at once only one matches the row (PostgreSQL re-checks the
    condition after the other's commit), so one task is queued. The task's row commits with the claim.
    """
    from .tasks import preview_make_task

    if stored.preview_status != PreviewStatus.PENDING or stored.preview_queued_at is not None:
        return False
    with transaction.atomic():
        claimed = StoredFile.objects.filter(
            pk=stored.pk, preview_status=PreviewStatus.PENDING, preview_queued_at__isnull=True
        ).update(preview_queued_at=timezone.now())
        if claimed:
            preview_make_task.enqueue(stored.pk)
    return bool(claimed)


def _render_stored(name: str, kind: str, limits: PreviewLimits) -> ChildOutcome:
    with default_storage.open(name, "rb") as stored:
        refused = _precheck(stored, kind, limits)
        if refused is not None:
            return refused
        raw = getattr(stored, "file", stored)
        try:
            raw.fileno()
            return preview_child_run(raw, kind=kind, limits=limits)
        except (AttributeError, OSError, ValueError):  # remote storage: give the child a local copy
            with tempfile.TemporaryFile(prefix="zc-preview-") as local:
                shutil.copyfileobj(stored, local, 1024 * 1024)
                local.seek(0)
                return preview_child_run(local, kind=kind, limits=limits)


def preview_make(stored: StoredFile) -> StoredFile:
    """Render the preview of a stored file in the capped child and record `ready` or `unavailable` (with why)."""
    if stored.preview_status == PreviewStatus.READY:
        return stored
    if not default_storage.exists(stored.name):
        outcome = ChildOutcome(None, PreviewFailure.MISSING, "not in storage")
    else:
        outcome = _render_stored(stored.name, stored.kind, preview_limits())
    if outcome.data is not None:
        stored.preview_name = default_storage.save(evidence_preview_name(stored.name), ContentFile(outcome.data))
        stored.preview_status, stored.preview_failure = PreviewStatus.READY, ""
    else:
        logger.warning("no preview for %s: %s (%s)", stored.name, outcome.failure, outcome.detail)
        stored.preview_status, stored.preview_failure = PreviewStatus.UNAVAILABLE, outcome.failure
    stored.preview_at = timezone.now()
    stored.save(update_fields=["preview_name", "preview_status", "preview_failure", "preview_at"])
    return stored
