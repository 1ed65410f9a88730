"""Publishing on the notice board: a notice with its attachments in one go, more attachments, withdrawing.

Attachments are inspected by content like evidence (PDF without active content, JPEG, PNG; the campaign-independent
size limit `ZHICHENG_NOTICE_FILE_MAX_MB`, default 20) and stored under random names with their `StoredFile`
record in the notice's transaction; when anything is refused nothing is saved and the stored bytes are removed.
"""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.permissions import require
from zhicheng.files.inspection import Inspected, evidence_clean_name, evidence_inspect
from zhicheng.files.storage import (
    evidence_preview_name,
    evidence_storage_discard,
    evidence_store,
    stored_file_record,
)

from .models import Notice, NoticeAttachment, NoticeCategory
from .permissions import can_publish_notice

MAX_ATTACHMENTS = 10


def notice_file_max_bytes() -> int:
    return int(getattr(settings, "ZHICHENG_NOTICE_FILE_MAX_MB", 20)) * 1024 * 1024


def _field(code: str, field: str, zh: str, en: str) -> ApplicationError:
    return ApplicationError(code, zh, en, details={"fields": {field: [zh]}, "fields_en": {field: [en]}})


def _clean(title: str, category: str, body: str) -> dict:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise _field("required", "title", "请填写标题", "The title is required")
    if len(title) > 200:
        raise _field("too_long", "title", "标题不能超过 200 个字", "The title is longer than 200 characters")
    if len(body) > 20000:
        raise _field("too_long", "body", "正文不能超过 20000 个字", "The text is longer than 20000 characters")
    if category not in NoticeCategory.values:
        raise _field("invalid_category", "category", "请选择栏目", "Choose the category")
    return {"title": title, "category": category, "body": body}


def _inspect_all(uploads: list[IO[bytes]]) -> list[tuple[IO[bytes], str, Inspected]]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise _field("too_many_files", "files", f"附件不能超过 {MAX_ATTACHMENTS} 个",
                     f"At most {MAX_ATTACHMENTS} attachments")
    found = []
    for upload in uploads:
        name = evidence_clean_name(getattr(upload, "name", "") or "")
        found.append((upload, name, evidence_inspect(upload, claimed_name=name, max_bytes=notice_file_max_bytes())))
    return found


def _store_then(inspected: list[tuple[IO[bytes], str, Inspected]], write):
    """Store every file, then write the rows and their StoredFile records in one transaction; on failure none stay."""
    stored: list[str] = []
    try:
        for upload, _name, facts in inspected:
            stored.append(evidence_store(upload, kind=facts.kind))
        with transaction.atomic():
            result = write(stored)
            for name, (_u, _n, facts) in zip(stored, inspected, strict=True):
                stored_file_record(name=name, inspected=facts)
            return result
    except BaseException:
        evidence_storage_discard(*stored, *[evidence_preview_name(n) for n in stored])
        raise


def _attach(notice: Notice, stored: list[str], inspected, now) -> list[NoticeAttachment]:
    return [NoticeAttachment.objects.create(notice=notice, file=name, file_name=original, file_kind=facts.kind,
                                            file_size=facts.size, file_sha256=facts.sha256, added_at=now)
            for name, (_u, original, facts) in zip(stored, inspected, strict=True)]


def notice_publish(*, actor, office, title: str, category: str, body: str = "",
                   uploads: list[IO[bytes]] | None = None, ip: str | None = None) -> Notice:
    """Publish a notice of `office` now, with its attachments; only that office's staff may."""
    require(can_publish_notice(actor, office), "notice_forbidden")
    values = _clean(title, category, body)
    inspected = _inspect_all(list(uploads or []))

    def write(stored: list[str]) -> Notice:
        now = timezone.now()
        notice = Notice.objects.create(office=office, published_at=now, published_by=actor, **values)
        files = _attach(notice, stored, inspected, now)
        audit_event_record(event_type=EventType.NOTICEBOARD_PUBLISHED, actor=actor, organisation=office, obj=notice,
                           data={**values, "body": values["body"][:200], "files": [a.file_name for a in files]},
                           ip=ip)
        return notice

    return _store_then(inspected, write)


def notice_attach(*, actor, notice: Notice, upload: IO[bytes], ip: str | None = None) -> NoticeAttachment:
    """Add one attachment to a published notice of the actor's office."""
    require(can_publish_notice(actor, notice.office), "notice_forbidden")
    inspected = _inspect_all([upload])

    def write(stored: list[str]) -> NoticeAttachment:
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.withdrawn_at is not None:
            raise ApplicationError("notice_withdrawn", "通知公告已撤下，不能再添加附件",
                                   "The notice was withdrawn", status=409)
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise _field("too_many_files", "file", f"附件不能超过 {MAX_ATTACHMENTS} 个",
                         f"At most {MAX_ATTACHMENTS} attachments")
        [attachment] = _attach(locked, stored, inspected, timezone.now())
        audit_event_record(event_type=EventType.NOTICEBOARD_ATTACHMENT_ADDED, actor=actor, organisation=locked.office,
                           obj=locked, data={"file": attachment.file_name, "sha256": attachment.file_sha256}, ip=ip)
        return attachment

    return _store_then(inspected, write)


@transaction.atomic
def notice_withdraw(*, actor, notice: Notice, ip: str | None = None) -> Notice:
    """Take a notice off the public board (it stays on record for the office)."""
    require(can_publish_notice(actor, notice.office), "notice_forbidden")
    locked = Notice.objects.select_for_update().filter(pk=notice.pk).first()
    if locked is None:
        raise NotFound("not_found", "通知公告不存在", "Notice not found")
    if locked.withdrawn_at is not None:
        raise ApplicationError("notice_withdrawn", "通知公告已撤下", "The notice was already withdrawn", status=409)
    locked.withdrawn_at, locked.withdrawn_by = timezone.now(), actor
    locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_event_record(event_type=EventType.NOTICEBOARD_WITHDRAWN, actor=actor, organisation=locked.office, obj=locked,
                       data={"title": locked.title}, ip=ip)
    return locked
