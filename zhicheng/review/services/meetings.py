"""The staff meeting's collective appraisal of a 破格 or 基层有效 candidate (§六(四) 职工大会集体评议).

The unit records it (date, attendance, votes, result, the minutes file inspected like evidence) while the dossier
is with it and before the hand-over instant of the dossier's route; the `staff_meeting_recorded` guard on
`unit_recommend` asks for an agreed one. A second record replaces the first (the audit row keeps the old values).
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import require
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.permissions import is_holder_staff
from zhicheng.dossiers.recusal import recusal_audited, require_impartial
from zhicheng.files.inspection import evidence_clean_name, evidence_file_limit_bytes, evidence_inspect
from zhicheng.files.storage import evidence_store_then
from zhicheng.publicity.rules import needs_extended_publicity

from ..models import MeetingResult, StaffMeeting
from .recommendation import PAPERS_STATES, _locked_for_unit, handover_deadline


def staff_meeting_required(dossier: Dossier) -> bool:
    """破格 and 基层有效 candidates (the same ones who get the longer, wider publicity) need the appraisal."""
    return needs_extended_publicity(category=dossier.category, scope=dossier.scope)


def _field_error(code: str, field: str, zh: str, en: str) -> ApplicationError:
    return ApplicationError(code, zh, en, details={"fields": {field: [zh]}, "fields_en": {field: [en]}})


def _count(value: Any, field: str, label: str) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit():
        raise _field_error("invalid_count", field, f"{label}请填写非负整数", f"{field}: give a whole number")
    return int(text)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _clean(dossier: Dossier, *, now: dt.datetime, held_on: Any, staff_total: Any, attended: Any, votes_for: Any,
           result: str) -> dict[str, Any]:
    """Check everything before any byte is stored: the refusals name the field and the reason."""
    if not staff_meeting_required(dossier):
        raise ApplicationError("staff_meeting_not_needed", "只有破格晋升、基层有效的申报须记录职工大会集体评议",
                               "Only 破格 and 基层有效 applications need a staff-meeting appraisal", status=409)
    deadline = handover_deadline(dossier)
    shown = f"{timezone.localtime(deadline - dt.timedelta(seconds=1)):%Y-%m-%d} 24时"
    if now >= deadline:
        raise ApplicationError("recommendation_closed",
                               f"推荐报送已于 {shown}截止，不能再登记职工大会集体评议",
                               f"The recommendation closed at {shown}: the staff meeting can no longer be recorded",
                               status=409, details={"deadline": deadline.isoformat()})
    day = _date(held_on)
    if day is None:
        raise _field_error("invalid_date", "held_on", "请填写会议日期（如 2024-10-15）", "Give the meeting date")
    if day > timezone.localdate(now):
        raise _field_error("meeting_in_future", "held_on", "会议日期不能晚于今天",
                           "The meeting cannot be in the future")
    total = _count(staff_total, "staff_total", "应到人数")
    present = _count(attended, "attended", "实到人数")
    votes = _count(votes_for, "votes_for", "赞成票数")
    if total == 0:
        raise _field_error("invalid_count", "staff_total", "应到人数须大于 0", "The staff total must be above 0")
    if present > total:
        raise _field_error("attended_over_total", "attended", "实到人数不能多于应到人数",
                           "More attended than the staff total")
    if votes > present:
        raise _field_error("votes_over_attended", "votes_for", "赞成票数不能多于实到人数",
                           "More votes for than people attending")
    if result not in MeetingResult.values:
        raise _field_error("invalid_result", "result", "请选择评议结果", "Choose the result")
    return {"held_on": day, "staff_total": total, "attended": present, "votes_for": votes, "result": result}


@recusal_audited
def staff_meeting_record(*, dossier: Dossier, actor, held_on: Any, staff_total: Any, attended: Any, votes_for: Any,
                         result: str, upload: IO[bytes] | None, ip: str | None = None) -> StaffMeeting:
    """Record (or replace) the appraisal with its minutes; refused, nothing stored, after the hand-over instant."""
    require(is_holder_staff(actor, dossier))
    require_impartial(actor, dossier, step="recommendation")
    values = _clean(dossier, now=timezone.now(), held_on=held_on, staff_total=staff_total, attended=attended,
                    votes_for=votes_for, result=result)
    if upload is None:
        raise _field_error("minutes_required", "file", "请上传会议纪要（PDF、JPEG 或 PNG）", "Upload the minutes")
    name = evidence_clean_name(getattr(upload, "name", "") or "")
    inspected = evidence_inspect(upload, claimed_name=name, max_bytes=evidence_file_limit_bytes(dossier.campaign))
    values |= {"minutes_file_name": name, "minutes_file_kind": inspected.kind, "minutes_file_size": inspected.size,
               "minutes_file_sha256": inspected.sha256}

    def write(stored: str) -> StaffMeeting:
        return _meeting_write(dossier, actor, ip, {**values, "minutes_file": stored})

    return evidence_store_then(upload, inspected=inspected, write=write)


@transaction.atomic
def _meeting_write(dossier: Dossier, actor, ip: str | None, values: dict[str, Any]) -> StaffMeeting:
    locked = _locked_for_unit(dossier, actor)
    now = timezone.now()
    if locked.state not in PAPERS_STATES:
        raise ApplicationError("invalid_state", f"当前状态（{locked.get_state_display()}）不能登记职工大会集体评议",
                               f"Cannot record the staff meeting in state {locked.state}", status=409)
    # the clock moved while the file was stored: the instant is checked again under the lock
    _clean(locked, now=now, **{k: values[k] for k in ("held_on", "staff_total", "attended", "votes_for", "result")})
    meeting, _ = StaffMeeting.objects.update_or_create(
        dossier=locked, defaults={**values, "recorded_by": actor, "recorded_at": now}
    )
    audit_event_record(event_type=EventType.REVIEW_STAFF_MEETING_RECORDED, actor=actor,
                       organisation=locked.organisation, obj=locked,
                       data={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()
                             if k != "minutes_file"}, ip=ip)
    return meeting
