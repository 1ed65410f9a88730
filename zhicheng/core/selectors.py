"""Reading the office's calendar overrides (the override model is added by the calendar work)."""

from __future__ import annotations

import datetime as dt


def holiday_override_for(day: dt.date) -> bool | None:
    """True = the office made this a working day, False = a holiday, None = no override."""
    return None
