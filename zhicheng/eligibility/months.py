"""Month arithmetic and the retirement month: pure helpers the rules share (docs/decisions.md, eligibility months).

A month is identified by its first day. Counting is by calendar month index (year * 12 + month - 1), never by
days, so 2019-12-31 and 2019-12-01 are the same month and a count never depends on the day of the month.
"""

from __future__ import annotations

import datetime as dt

MALE, FEMALE = "M", "F"
CADRE_55, WORKER_50 = "cadre55", "worker50"

# (base age in years, first birth month the 2025 reform delays, months of birth per month of delay, cap in months)
_RETIREMENT = {
    MALE: (60, dt.date(1965, 1, 1), 4, 36),
    CADRE_55: (55, dt.date(1970, 1, 1), 4, 36),
    WORKER_50: (50, dt.date(1975, 1, 1), 2, 60),
}


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `day`."""
    return month_from_index(month_index(day) + months)


def months_between(start: dt.date, end: dt.date) -> int:
    """Calendar months from the month of `start` to the month of `end` (negative if `end` is earlier)."""
    return month_index(end) - month_index(start)


def seniority_months(obtained: dt.date, until: dt.date) -> int:
    """Months of seniority, counted inclusively (§六(三) "从取得职称资格的当月起计算", "计算到 12 月 31 日").

    The month obtained counts as the first month and the month of the seniority date as the last: obtained
    2019-07, counted to 2024-12-31, is 66 months (5 years 6 months); obtained 2020-01 is 60 (5 years), 2020-02
    is 59. The day of the month is ignored on both sides; a seniority date before the month obtained counts 0.
    """
    return max(0, months_between(obtained, until) + 1)


def month_label(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def years_months_zh(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} 年 {rest} 个月" if rest else f"{years} 年"


def years_months_en(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} years {rest} months" if rest else f"{years} years"


def retirement_group(sex: str, category: str | None) -> str | None:
    """MALE, CADRE_55 or WORKER_50; None when a woman's category is unknown (it cannot come from the ID number)."""
    if sex == MALE:
        return MALE
    if sex == FEMALE and category in (CADRE_55, WORKER_50):
        return category
    return None


def retirement_delay(birth_date: dt.date, group: str) -> int:
    """Months added by the 2025 reform: `0 if k < 0 else min(cap, k // step + 1)`, k = months past the base."""
    _age, base, step, cap = _RETIREMENT[group]
    k = months_between(base, birth_date)
    return 0 if k < 0 else min(cap, k // step + 1)


def retirement_month(birth_date: dt.date, sex: str, category: str | None = None) -> dt.date:
    """The month (its first day) in which the person reaches their statutory retirement age.

    Men 60, women cadres 55, women workers 50, each raised by the 2025 reform (rules-facts.md): a man born
    1965-01 reaches 60 years 1 month in 2025-02. Raises ValueError for a woman without a known category.
    """
    group = retirement_group(sex, category)
    if group is None:
        raise ValueError(f"no retirement group for sex={sex!r} category={category!r}")
    age_years = _RETIREMENT[group][0]
    return add_months(birth_date, age_years * 12 + retirement_delay(birth_date, group))
