"""Pure publicity policy: who gets the longer publicity, when a period opens and closes, what the public sees."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Lists stay on the public site this many days after their last day, so objectors can still find them
PUBLIC_AFTER_DAYS = 7

EXTENDED_CATEGORIES = frozenset({"exceptional", "grassroots"})  # 破格, 基层有效 (§六(四))


def needs_extended_publicity(*, category: str, scope: str) -> bool:
    """破格 and 基层有效 candidates (by category or by validity scope) get the longer publicity."""
    return category in EXTENDED_CATEGORIES or scope == "grassroots"


def publicity_scope(*, extended: bool, length: int, unit_label: str) -> tuple[str, str]:
    """What the public list says of a candidate's publicity (Chinese, English): 破格 and 基层有效 are published
    longer and wider, after the staff meeting's appraisal (§六(四) "职工大会集体评议，适当延长公示期和扩大公示范围")."""
    if extended:
        return (f"延长公示（{length} 个{unit_label}），扩大范围：本单位及审核部门，并经职工大会集体评议",
                f"Extended publicity ({length} days), wider scope: the unit and its review department, "
                f"after a staff meeting appraisal")
    return f"本单位公示（{length} 个{unit_label}）", f"Unit publicity ({length} days)"


def period_opens_at(starts_on: dt.date) -> dt.datetime:
    """The first instant of the publicity: its first day at 00:00 Asia/Shanghai."""
    return dt.datetime.combine(starts_on, dt.time.min, tzinfo=SHANGHAI)


def period_closes_at(ends_on: dt.date) -> dt.datetime:
    """The end of the last day, 24:00 = the next day's 00:00 Asia/Shanghai; the period excludes this instant."""
    return period_opens_at(ends_on + dt.timedelta(days=1))


def period_is_open(*, starts_on: dt.date, ends_on: dt.date, at: dt.datetime) -> bool:
    return period_opens_at(starts_on) <= at < period_closes_at(ends_on)


def period_is_over(*, ends_on: dt.date, at: dt.datetime) -> bool:
    return at >= period_closes_at(ends_on)


def publicly_listed(*, starts_on: dt.date, ends_on: dt.date, today: dt.date) -> bool:
    """Shown on the public site from the first day until PUBLIC_AFTER_DAYS after the last."""
    return starts_on <= today <= ends_on + dt.timedelta(days=PUBLIC_AFTER_DAYS)


CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone
CODE_GROUPS, CODE_GROUP_LEN = 3, 4  # 31^12 ≈ 2^59 codes: guessing one is hopeless


def code_normalise(code: str) -> str:
    """Upper case without spaces or dashes, so "abcd efgh-jkmn" and "ABCD-EFGH-JKMN" are the same code."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_format(raw: str) -> str:
    """ABCDEFGHJKMN → ABCD-EFGH-JKMN."""
    return "-".join(raw[i : i + CODE_GROUP_LEN] for i in range(0, len(raw), CODE_GROUP_LEN))
