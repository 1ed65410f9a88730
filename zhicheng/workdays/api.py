"""Calendar API: working-day arithmetic for integrations, and the office's overrides."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhicheng.core import calendar, selectors
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination

from . import services

router = Router(tags=["calendar"])

MAX_ID = 2**63 - 1  # larger numbers would make PostgreSQL fail instead of answering 404
MAX_SPAN_DAYS = 3700  # ten years: enough for any campaign, small enough that a request stays quick


class AddWorkingDaysOut(Schema):
    start: dt.date
    days: int
    end: dt.date


class IsWorkingDayOut(Schema):
    date: dt.date
    is_working_day: bool


class BetweenOut(Schema):
    first: dt.date
    last: dt.date
    working_days: int


class OverrideOut(Schema):
    id: int
    date: dt.date
    kind: str
    name: str
    note: str


class OverrideIn(Schema):
    first: dt.date
    last: dt.date | None = Field(None, description="range end, inclusive; omit for one date")
    kind: str = Field(..., description="holiday | workday")
    name: str
    note: str = ""


class ScheduleIn(Schema):
    year: int
    note: str = ""


class ScheduleOut(Schema):
    year: int
    note: str


@router.get("/add-working-days", response=AddWorkingDaysOut)
def add_working_days(request, start: dt.date, days: int = Query(..., ge=1, le=1000)):
    """The n-th working day counting from `start` (the start counts if it is a working day)."""
    return {"start": start, "days": days, "end": calendar.add_working_days(start, days)}


@router.get("/is-working-day", response=IsWorkingDayOut)
def is_working_day(request, date: dt.date):
    """Whether a date is a working day (make-up working days included)."""
    return {"date": date, "is_working_day": calendar.is_working_day(date)}


@router.get("/working-days-between", response=BetweenOut)
def working_days_between(request, first: dt.date, last: dt.date):
    """How many working days lie in [first, last], both included."""
    if last < first:
        raise ApplicationError("range_reversed", "结束日期早于开始日期", "last is before first",
                               details={"last": ["before_first"]})
    if (last - first).days > MAX_SPAN_DAYS:
        raise ApplicationError("range_too_long", "日期跨度过长（最多十年）", "The span is too long (ten years at most)")
    return {"first": first, "last": last, "working_days": calendar.working_days_between(first, last)}


@router.get("/overrides", response=list[OverrideOut])
@paginate(Pagination, page_size=50)
def override_list(request, year: int | None = Query(None, ge=2000, le=2100)):
    """The office's overrides by date, optionally of one year."""
    return selectors.override_list(year=year)


@router.post("/overrides", response={201: list[OverrideOut]})
def override_create(request, payload: OverrideIn):
    """Add a holiday or make-up working day for one date or a range (office staff only)."""
    created = services.override_range_create(
        actor=request.user, first=payload.first, last=payload.last or payload.first, kind=payload.kind,
        name=payload.name, note=payload.note, ip=client_ip(request),
    )
    return Status(201, created)


@router.delete("/overrides/{override_id}", response={204: None})
def override_delete(request, override_id: int = Path(..., ge=1, le=MAX_ID)):
    """Remove an override (office staff only)."""
    override = selectors.override_get(pk=override_id)
    if override is None:
        raise NotFound("not_found", "该调整不存在", "No such override")
    services.override_delete(actor=request.user, override=override, ip=client_ip(request))
    return HttpResponse(status=204)


@router.get("/schedules", response=list[ScheduleOut])
def schedule_list(request):
    """Years whose State Council schedule the office confirmed it entered."""
    return list(selectors.schedule_list())


@router.post("/schedules", response={201: ScheduleOut})
def schedule_confirm(request, payload: ScheduleIn):
    """Confirm that a year's schedule is entered (office staff only)."""
    schedule = services.schedule_year_confirm(
        actor=request.user, year=payload.year, note=payload.note, ip=client_ip(request)
    )
    return Status(201, schedule)
