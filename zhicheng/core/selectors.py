"""Reading the office's calendar overrides, through a per-process cache that batch callers can hammer.

Each process keeps, per year, a dict {date: is_working_day} loaded with one query, plus the set of years
whose schedule the office confirmed. Writes bump `CalendarRevision` and clear this process's cache at once
(signals in core.signals); other processes notice the new revision at most CACHE_CHECK_SECONDS later, at the
cost of one tiny query per interval. The trade-off: a deadline computed in another worker may use the old
calendar for a few seconds after the office edits it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from .models import CalendarRevision, CalendarYearSchedule, HolidayOverride, OverrideKind

CACHE_CHECK_SECONDS = 5.0


@dataclass
class _CalendarCache:
    revision: int | None = None
    checked_at: float = 0.0
    confirmed_years: frozenset[int] | None = None
    years: dict[int, dict[dt.date, bool]] = field(default_factory=dict)


_cache = _CalendarCache()
_lock = threading.Lock()


def calendar_revision_current() -> int:
    """The calendar's change counter as stored in the database."""
    number = CalendarRevision.objects.filter(id=1).values_list("number", flat=True).first()
    return number or 0


def calendar_cache_clear() -> None:
    """Forget everything cached in this process (called on every calendar write)."""
    global _cache
    with _lock:
        _cache = _CalendarCache()


def _fresh_cache() -> _CalendarCache:
    """The cache, after a revision check if the last one is older than the check interval."""
    global _cache
    interval = getattr(settings, "ZHICHENG_CALENDAR_CACHE_SECONDS", CACHE_CHECK_SECONDS)
    cache = _cache
    now = time.monotonic()
    if cache.revision is None or now - cache.checked_at >= interval:
        revision = calendar_revision_current()
        with _lock:
            if _cache.revision != revision:
                _cache = _CalendarCache(revision=revision)
            _cache.checked_at = now
            cache = _cache
    return cache


def _year_overrides(year: int) -> dict[dt.date, bool]:
    cache = _fresh_cache()
    overrides = cache.years.get(year)
    if overrides is None:
        rows = HolidayOverride.objects.filter(date__year=year).values_list("date", "kind")
        overrides = {day: kind == OverrideKind.WORKDAY for day, kind in rows}
        cache.years[year] = overrides
    return overrides


def holiday_override_for(day: dt.date) -> bool | None:
    """True = the office made this a working day, False = a holiday, None = no override."""
    return _year_overrides(day.year).get(day)


def calendar_year_confirmed(year: int) -> bool:
    """Whether the office confirmed it entered this year's State Council schedule."""
    cache = _fresh_cache()
    if cache.confirmed_years is None:
        cache.confirmed_years = frozenset(CalendarYearSchedule.objects.values_list("year", flat=True))
    return year in cache.confirmed_years


def override_list(*, year: int | None = None) -> QuerySet[HolidayOverride]:
    """The overrides, by date, optionally of one year."""
    qs = HolidayOverride.objects.select_related("created_by").order_by("date")
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


def override_get(*, pk: int) -> HolidayOverride | None:
    return HolidayOverride.objects.filter(pk=pk).first()


def overrides_between(first: dt.date, last: dt.date) -> QuerySet[HolidayOverride]:
    """Existing overrides with a date in [first, last]."""
    return HolidayOverride.objects.filter(date__gte=first, date__lte=last).order_by("date")


def schedule_list() -> QuerySet[CalendarYearSchedule]:
    """The years whose schedule the office confirmed, newest first."""
    return CalendarYearSchedule.objects.select_related("confirmed_by").order_by("-year")
