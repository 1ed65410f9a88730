"""Working days: chinese-calendar's State Council schedules, with the office's override table winning.

`add_working_days(start, n)` counts `start` itself when it is a working day, so a 5-working-day
publicity that starts on Mon 2024-12-23 ends on Fri 2024-12-27 (rules-facts.md).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from .errors import ApplicationError


class CalendarYearUnknown(ApplicationError):
    def __init__(self, year: int) -> None:
        super().__init__(
            "calendar_year_unknown",
            f"{year} 年节假日安排尚未录入，请职改办在“节假日调整”中录入并确认后再计算工作日",
            f"The {year} holiday schedule has not been entered yet; the office must enter it first",
            details={"year": year},
        )


def year_is_packaged(year: int) -> bool:
    """Whether chinese-calendar ships the State Council schedule of `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: dt.date) -> bool:
    """True on working days (make-up working days included), False on weekends and holidays."""
    from .selectors import calendar_year_confirmed, holiday_override_for  # the tables live in core.models

    try:
        packaged = chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        # a year the package lacks counts only once the office confirmed it entered that year's schedule;
        # a half-entered year would give wrong deadlines, so its overrides alone are not enough
        if not calendar_year_confirmed(day.year):
            raise CalendarYearUnknown(day.year) from exc
        packaged = day.weekday() < 5
    override = holiday_override_for(day)
    return packaged if override is None else override


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date of the n-th working day counting from `start` (inclusive); n ≥ 1."""
    if n < 1:
        raise ApplicationError("invalid_days", "工作日天数须为正整数", "The number of working days must be positive")
    day, counted = start, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == n:
                return day
        day += dt.timedelta(days=1)


def working_days_between(first: dt.date, last: dt.date) -> int:
    """How many working days lie in [first, last], both ends included (0 if last < first)."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count
