"""Objections (异议): anyone files one during the period and gets a lookup code; a unit reviewer decides it.

The code is shown to the objector once; only its SHA-256 is stored, as with API tokens. Filing is limited per
address by counting the objections that address filed in the last hour (the table is the counter, so every
worker process agrees without a shared cache).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import IO

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhicheng.accounts.models import Role
from zhicheng.accounts.selectors import organisation_people
from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.recusal import recusal_audited, require_impartial
from zhicheng.dossiers.workflow import dossier_transition
from zhicheng.files.inspection import evidence_clean_name, evidence_file_limit_bytes, evidence_inspect
from zhicheng.files.storage import evidence_store_then
from zhicheng.notifications.services import notification_enqueue

from ..models import Objection, ObjectionStatus, PublicityEntry
from ..permissions import can_manage_publicity
from ..rules import CODE_ALPHABET, CODE_GROUP_LEN, CODE_GROUPS, code_format, period_is_open, period_opens_at
from ..selectors import objection_code_hash

LIMITS = {"objector_name": 60, "contact": 100, "text": 5000}
LABELS = {"objector_name": ("姓名", "name"), "contact": ("联系方式", "contact"), "text": ("异议内容", "text")}


def objection_hourly_limit() -> int:
    return int(getattr(settings, "ZHICHENG_OBJECTIONS_PER_HOUR", 5))


def _code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LEN))


def _fields_clean(**values: str) -> dict[str, str]:
    cleaned, errors = {}, {}
    for name, value in values.items():
        value = (value or "").strip()
        zh, en = LABELS[name]
        if not value:
            errors[name] = (f"请填写{zh}", f"{en} is required")
        elif len(value) > LIMITS[name]:
            errors[name] = (f"{zh}不能超过 {LIMITS[name]} 个字", f"{en} is too long (max {LIMITS[name]})")
        cleaned[name] = value
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError("invalid", first[0], first[1], details={
            "fields": {k: [v[0]] for k, v in errors.items()}, "fields_en": {k: [v[1]] for k, v in errors.items()},
        })
    return cleaned


def _open_check(entry: PublicityEntry, now: dt.datetime) -> None:
    batch = entry.batch
    if not period_is_open(starts_on=batch.starts_on, ends_on=batch.ends_on, at=now):
        early = now < period_opens_at(batch.starts_on)
        raise ApplicationError(
            "objection_period_closed",
            f"公示期为 {batch.starts_on:%Y年%m月%d日} 至 {batch.ends_on:%Y年%m月%d日} 24:00，"
            + ("公示尚未开始" if early else "公示期已过") + "，不能提出异议",
            f"Objections are accepted from {batch.starts_on} to the end of {batch.ends_on} only", status=409,
        )
    if entry.dossier.state not in (DossierState.IN_PUBLICITY, DossierState.IN_RESULT_PUBLICITY):
        raise ApplicationError("not_in_publicity", "该人员已不在公示中", "This person is no longer in publicity",
                               status=409)


def _rate_check(ip: str | None, now: dt.datetime) -> None:
    if ip and Objection.objects.filter(ip=ip, filed_at__gt=now - dt.timedelta(hours=1)).count() >= (
        objection_hourly_limit()
    ):
        raise ApplicationError(
            "too_many_objections", "提交过于频繁，请一小时后再试", "Too many objections from your address; try later",
            status=429,
        )


def _record(*, entry, cleaned, ip, file_fields: dict) -> tuple[Objection, str]:
    """Lock the entry (closing waits for us), check the period again, store the objection with its code hash."""
    now = timezone.now()
    locked = PublicityEntry.objects.select_for_update().select_related("batch", "dossier").get(pk=entry.pk)
    _open_check(locked, now)
    _rate_check(ip, now)
    raw = _code_new()
    objection = Objection.objects.create(
        entry=locked, **cleaned, code_hash=objection_code_hash(raw), filed_at=now, ip=ip, **file_fields
    )
    audit_event_record(
        event_type=EventType.PUBLICITY_OBJECTION_FILED, actor=None, organisation=locked.batch.organisation_id,
        obj=objection,
        data={"entry": locked.pk, "dossier": locked.dossier_id, "file": bool(file_fields)}, ip=ip,
    )
    _clerks_notify(locked, objection)
    return objection, code_format(raw)


def _clerks_notify(entry: PublicityEntry, objection: Objection) -> None:
    """The publishing unit's review clerks learn of the objection (never who filed it: that is on the page)."""
    dossier = Dossier.objects.select_related("applicant", "series", "level").get(pk=entry.dossier_id)
    notification_enqueue(
        recipients=organisation_people(entry.batch.organisation_id, (Role.REVIEW_CLERK,)),
        event_type=EventType.PUBLICITY_OBJECTION_FILED, obj=objection, context={"dossier": str(dossier)},
        link=reverse("publicity:objection", args=[objection.pk]),
    )


def objection_file(
    *, entry: PublicityEntry, name: str, contact: str, text: str, upload: IO[bytes] | None = None, ip: str | None
) -> tuple[Objection, str]:
    """File an objection during the period; returns it and its lookup code (shown this once)."""
    cleaned = _fields_clean(objector_name=name, contact=contact, text=text)
    now = timezone.now()
    _open_check(entry, now)  # cheap refusals before a file is read
    _rate_check(ip, now)
    if upload is None:
        with transaction.atomic():
            return _record(entry=entry, cleaned=cleaned, ip=ip, file_fields={})
    claimed = evidence_clean_name(getattr(upload, "name", "") or "")
    inspected = evidence_inspect(upload, claimed_name=claimed,
                                 max_bytes=evidence_file_limit_bytes(entry.batch.campaign))

    def write(stored_name: str):
        return _record(entry=entry, cleaned=cleaned, ip=ip, file_fields={
            "file": stored_name, "file_kind": inspected.kind, "file_name": claimed, "file_size": inspected.size,
            "file_sha256": inspected.sha256,
        })

    return evidence_store_then(upload, inspected=inspected, write=write)


def _decide_check(objection: Objection, actor, outcome: str, note: str) -> str:
    if not can_manage_publicity(actor, objection.entry.batch.organisation_id):
        raise NotFound("not_found", "异议不存在或无权查看", "Objection not found")
    if outcome not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise ApplicationError("invalid_outcome", "请选择处理结果：异议成立或异议不成立", "Choose upheld or dismissed",
                               details={"fields": {"outcome": ["请选择处理结果"]}})
    note = (note or "").strip()
    if not note:
        raise ApplicationError("note_required", "请填写处理意见（异议人凭查询码可见）",
                               "Write the outcome the objector will read",
                               details={"fields": {"note": ["请填写处理意见"]}})
    return note


@recusal_audited
@transaction.atomic
def objection_decide(*, objection: Objection, actor, outcome: str, note: str, ip: str | None = None) -> Objection:
    """Record the outcome; an upheld objection stops the dossier (not recommended), a dismissed one lets it go on."""
    note = _decide_check(objection, actor, outcome, note)
    locked = Objection.objects.select_for_update().select_related("entry__batch", "entry__dossier").get(
        pk=objection.pk
    )
    require_impartial(actor, locked.entry.dossier, step="objection_decide")
    if locked.status != ObjectionStatus.OPEN:
        raise ApplicationError("objection_decided", "该异议已处理，不能重复处理", "This objection was already decided",
                               status=409)
    locked.status, locked.outcome, locked.decided_by, locked.decided_at = outcome, note, actor, timezone.now()
    locked.save(update_fields=["status", "outcome", "decided_by", "decided_at"])
    audit_event_record(
        event_type=EventType.PUBLICITY_OBJECTION_DECIDED, actor=actor, organisation=locked.entry.batch.organisation_id,
        obj=locked, data={"outcome": outcome, "dossier": locked.entry.dossier_id}, ip=ip,
    )
    dossier = locked.entry.dossier
    stopped = {DossierState.IN_PUBLICITY: DossierState.NOT_RECOMMENDED,
               DossierState.IN_RESULT_PUBLICITY: DossierState.RESULT_OBJECTION_UPHELD}
    if outcome == ObjectionStatus.UPHELD and dossier.state in stopped:
        dossier_transition(dossier=dossier, to=stopped[dossier.state], actor=actor, ip=ip,
                           data={"objection": locked.pk})
    return locked
