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
            f"{year} 年节假日安排尚未录入，请职改办在“节假日调整”中录入后再计算工作日",
            f"The {year} holiday schedule has not been entered yet; the office must enter it first",
            details={"year": year},
        )


def _override(day: dt.date) -> bool | None:
    """The office's override for this date: True = working day, False = holiday, None = none."""
    from .selectors import holiday_override_for  # the override table lives in core.models

    return holiday_override_for(day)


def is_working_day(day: dt.date) -> bool:
    """True on working days (make-up working days included), False on weekends and holidays."""
    override = _override(day)
    if override is not None:
        return override
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise CalendarYearUnknown(day.year) from exc


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
