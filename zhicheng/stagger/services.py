"""A unit plans groups of its applicants on suggested days (§四(三)); one transaction with its audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from zhicheng.accounts.models import Membership, Role
from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.rules import deadline_day, local_date
from zhicheng.catalog.rules import problems_raise
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.permissions import require

from .models import SubmissionSlot
from .permissions import can_plan_slots
from .rules import slot_problems


def _day(value) -> dt.date | None:
    if isinstance(value, dt.date) or value in (None, ""):
        return value or None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ApplicationError("slot_day_invalid", f"日期格式不正确：{value}（应为 2024-09-20）",
                               f"Not a date: {value} (use 2024-09-20)") from exc


def _applicants(organisation, ids: Iterable) -> list[int]:
    wanted = {int(i) for i in ids if str(i).strip().isdigit()}
    if not wanted:
        raise ApplicationError("slot_no_applicants", "请选择本批次的申报人", "Choose the applicants of this group")
    ours = set(Membership.objects.filter(organisation=organisation, role=Role.APPLICANT, is_active=True,
                                         user_id__in=wanted).values_list("user_id", flat=True))
    if ours != wanted:
        raise ApplicationError("slot_foreign_applicant", "只能安排本单位的申报人",
                               "Only this unit's own applicants can be placed in its groups")
    return sorted(wanted)


def slot_create(*, actor, organisation, campaign, label: str, first_day, last_day, applicant_ids: Iterable,
                ip: str | None = None) -> SubmissionSlot:
    """A group on suggested days inside the submission window; an applicant already in another group moves."""
    require(can_plan_slots(actor, organisation), "slot_forbidden")
    first, last = _day(first_day), _day(last_day)
    problems_raise(slot_problems(label=label or "", first_day=first, last_day=last,
                                 window_first=local_date(campaign.submission_opens_at),
                                 window_last=deadline_day(campaign.submission_closes_at)), "slot_invalid")
    ids = _applicants(organisation, applicant_ids)
    with transaction.atomic():
        moved = SubmissionSlot.applicants.through.objects.filter(
            submissionslot__campaign=campaign, submissionslot__organisation=organisation, user_id__in=ids)
        moved_count = moved.delete()[0]
        slot = SubmissionSlot.objects.create(campaign=campaign, organisation=organisation, label=label.strip()[:60],
                                             first_day=first, last_day=last, created_by=actor)
        slot.applicants.set(ids)
        audit_event_record(event_type=EventType.CAMPAIGN_SLOT_CREATED, actor=actor, organisation=organisation, obj=slot,
                           ip=ip, data={"campaign": campaign.year, "label": slot.label, "first_day": str(first),
                                        "last_day": str(last), "applicants": ids, "moved": moved_count})
    return slot


def slot_delete(*, actor, organisation, slot_id, ip: str | None = None) -> None:
    require(can_plan_slots(actor, organisation), "slot_forbidden")
    slot = SubmissionSlot.objects.filter(pk=slot_id, organisation=organisation).first() \
        if str(slot_id).isdigit() else None
    if slot is None:
        raise NotFound("slot_not_found", "没有这个批次", "No such group")
    with transaction.atomic():
        audit_event_record(event_type=EventType.CAMPAIGN_SLOT_DELETED, actor=actor, organisation=organisation, obj=slot,
                           ip=ip, data={"label": slot.label, "applicants": list(slot.applicants.values_list(
                               "pk", flat=True))})
        slot.delete()
