"""Changing the working-day calendar: the office's overrides and confirmed year schedules."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from zhicheng.accounts.permissions import is_office_staff
from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record

from .errors import ApplicationError
from .models import CalendarYearSchedule, HolidayOverride, OverrideKind
from .permissions import require
from .selectors import overrides_between
from .signals import calendar_revision_bump

MAX_RANGE_DAYS = 62
YEAR_MIN, YEAR_MAX = 2000, 2100


def date_zh(day: dt.date) -> str:
    """A date in Chinese form: 2024年10月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _override_input_check(*, first: dt.date, last: dt.date, kind: str, name: str) -> None:
    if kind not in OverrideKind.values:
        raise ApplicationError("invalid_kind", "类型须为“放假”或“调休上班”", "Kind must be holiday or workday",
                               details={"kind": ["invalid"]})
    if not name:
        raise ApplicationError("name_required", "请填写名称，例如“国庆节”", "Give a name, e.g. National Day",
                               details={"name": ["required"]})
    if last < first:
        raise ApplicationError(
            "range_reversed", f"结束日期（{date_zh(last)}）早于开始日期（{date_zh(first)}），请检查后重新输入",
            "The end date is before the start date", details={"last": ["before_first"]},
        )
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ApplicationError(
            "range_too_long", f"一次最多录入 {MAX_RANGE_DAYS} 天，请分段录入",
            f"At most {MAX_RANGE_DAYS} days at a time", details={"last": ["too_long"]},
        )
    if not YEAR_MIN <= first.year <= YEAR_MAX or not YEAR_MIN <= last.year <= YEAR_MAX:
        raise ApplicationError("year_out_of_range", f"日期须在 {YEAR_MIN}—{YEAR_MAX} 年之间",
                               f"Dates must lie between {YEAR_MIN} and {YEAR_MAX}")


def _overlap_refuse(first: dt.date, last: dt.date) -> None:
    conflicts = list(overrides_between(first, last))
    if conflicts:
        listed = "、".join(f"{date_zh(o.date)}（{o.name}）" for o in conflicts)
        raise ApplicationError(
            "override_overlap", f"以下日期已有调整，请先删除后再录入：{listed}",
            "These dates already have an override: " + ", ".join(o.date.isoformat() for o in conflicts),
            details={"conflicts": [o.date.isoformat() for o in conflicts]},
        )


def override_range_create(
    *, actor, first: dt.date, last: dt.date, kind: str, name: str, note: str = "", ip: str | None = None
) -> list[HolidayOverride]:
    """Mark every date in [first, last] as a holiday or a make-up working day, all or nothing."""
    require(is_office_staff(actor))
    name, note = (name or "").strip(), (note or "").strip()
    _override_input_check(first=first, last=last, kind=kind, name=name)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    with transaction.atomic():
        _overlap_refuse(first, last)
        rows = [HolidayOverride(date=d, kind=kind, name=name, note=note, created_by=actor) for d in days]
        try:
            with transaction.atomic():
                created = HolidayOverride.objects.bulk_create(rows)
        except IntegrityError:  # another clerk entered one of these dates a moment ago
            _overlap_refuse(first, last)
            raise
        calendar_revision_bump()  # bulk_create sends no post_save
        audit_event_record(
            event_type=EventType.CALENDAR_OVERRIDE_CREATE, actor=actor, obj=created[0] if len(created) == 1 else None,
            data={"first": first.isoformat(), "last": last.isoformat(), "kind": kind, "name": name, "note": note,
                  "count": len(created)},
            ip=ip,
        )
    return created


def override_create(
    *, actor, date: dt.date, kind: str, name: str, note: str = "", ip: str | None = None
) -> HolidayOverride:
    """Mark one date as a holiday or a make-up working day."""
    return override_range_create(actor=actor, first=date, last=date, kind=kind, name=name, note=note, ip=ip)[0]


def override_delete(*, actor, override: HolidayOverride, ip: str | None = None) -> None:
    """Remove an override; the packaged schedule applies to that date again."""
    require(is_office_staff(actor))
    with transaction.atomic():
        audit_event_record(
            event_type=EventType.CALENDAR_OVERRIDE_DELETE, actor=actor, obj=override,
            data={"date": override.date.isoformat(), "kind": override.kind, "name": override.name},
            ip=ip,
        )
        override.delete()


def schedule_year_confirm(*, actor, year: int, note: str = "", ip: str | None = None) -> CalendarYearSchedule:
    """Record that the office entered the State Council schedule of `year`, so it may be used."""
    require(is_office_staff(actor))
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ApplicationError("year_out_of_range", f"年份须在 {YEAR_MIN}—{YEAR_MAX} 之间",
                               f"The year must lie between {YEAR_MIN} and {YEAR_MAX}", details={"year": ["range"]})
    with transaction.atomic():
        if CalendarYearSchedule.objects.filter(year=year).exists():
            raise ApplicationError("year_already_confirmed", f"{year} 年节假日安排已确认",
                                   f"{year} is already confirmed", details={"year": ["confirmed"]})
        schedule = CalendarYearSchedule.objects.create(year=year, note=(note or "").strip(), confirmed_by=actor)
        audit_event_record(
            event_type=EventType.CALENDAR_YEAR_CONFIRM, actor=actor, obj=schedule,
            data={"year": year, "note": schedule.note}, ip=ip,
        )
    return schedule
