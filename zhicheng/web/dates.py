"""Dates in the office's Chinese form (2024年10月10日 24:00) and deadline countdowns, in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext


def _english() -> bool:
    return (get_language() or "").startswith("en")


def format_date(value: dt.date | None) -> str:
    """2024年10月10日 (English: 10 Oct 2024)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    if _english():
        return f"{value.day} {value:%b %Y}"
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value: dt.datetime | None, *, deadline: bool = False) -> str:
    """2024年10月11日 08:30; a deadline at midnight reads as the previous day's 24:00."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    if deadline and local.time() == dt.time(0, 0):
        return f"{format_date(local.date() - dt.timedelta(days=1))} 24:00"
    return f"{format_date(local.date())} {local:%H:%M}"


def deadline_day(closes_at: dt.datetime) -> dt.date:
    """The calendar day a deadline belongs to (a midnight deadline belongs to the day before)."""
    return timezone.localtime(closes_at - dt.timedelta(microseconds=1)).date()


def days_left(closes_at: dt.datetime, now: dt.datetime) -> int:
    """Whole calendar days from today to the deadline's day (0 = today; negative = passed)."""
    return (deadline_day(closes_at) - timezone.localtime(now).date()).days


def window_state(opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime) -> str:
    """'before', 'open' or 'closed'."""
    if now < opens_at:
        return "before"
    return "open" if now < closes_at else "closed"


def countdown_text(closes_at: dt.datetime, now: dt.datetime) -> str:
    """距截止还有 N 天 / 今天 24:00 截止 / 已截止."""
    if now >= closes_at:
        return gettext("已截止")
    days = days_left(closes_at, now)
    if days <= 0:
        return gettext("今天 %(time)s 截止") % {"time": format_datetime(closes_at, deadline=True).split(" ")[-1]}
    return ngettext("距截止还有 %(n)d 天", "距截止还有 %(n)d 天", days) % {"n": days}


def format_month_day(value: dt.datetime, *, deadline: bool = False) -> str:
    """10月10日 (English: 10 Oct), for a phase within its year; a midnight deadline is the day before."""
    day = deadline_day(value) if deadline else timezone.localtime(value).date()
    return f"{day.day} {day:%b}" if _english() else f"{day.month}月{day.day}日"
