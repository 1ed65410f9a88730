"""A year of the calendar as month grids, for the page that shows holidays and make-up days."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass

import chinese_calendar

from zhicheng.core import calendar
from zhicheng.core.selectors import override_list


@dataclass(frozen=True)
class GridDay:
    date: dt.date
    working: bool
    state: str  # "workday" | "weekend" | "holiday" | "makeup"
    name: str
    overridden: bool


def _packaged_name(date: dt.date) -> str:
    """The package's Chinese festival name for a holiday or its make-up day (国庆节), or ""."""
    try:
        _, english = chinese_calendar.get_holiday_detail(date)
        return chinese_calendar.Holiday(english).chinese if english else ""
    except (NotImplementedError, ValueError):
        return ""


def _day(date: dt.date, names: dict[dt.date, tuple[str, bool]]) -> GridDay:
    working = calendar.is_working_day(date)
    name, overridden = names.get(date, ("", False))
    if not name:
        name = _packaged_name(date)
    weekend = date.weekday() >= 5
    states = {(True, True): "makeup", (True, False): "workday", (False, True): "weekend", (False, False): "holiday"}
    state = states[(working, weekend and (working or not name))]
    return GridDay(date, working, state, name, overridden)


def year_grid(year: int) -> list[tuple[int, list[list[GridDay | None]]]]:
    """Twelve (month, weeks) pairs; each week is Monday..Sunday with None outside the month."""
    names = {o.date: (o.name, True) for o in override_list(year=year)}
    months = []
    for month in range(1, 13):
        weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        months.append((month, [[_day(d, names) if d.month == month else None for d in week] for week in weeks]))
    return months
