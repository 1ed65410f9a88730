"""Pure dossier checks: each section's values in, problems naming the field out; and R-CUTOFF for display."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from zhicheng.accounts.validators import credit_code_error
from zhicheng.catalog.rules import Problem

EARLIEST_YEAR = 1950
MAX_YEARLY_HOURS = 1000
MAX_SERVICE_YEARS = 60


@dataclass(frozen=True)
class Facts:
    """What a section check needs beyond the values: today (server clock) and the campaign's dates."""

    today: dt.date
    campaign_year: int
    seniority_date: dt.date


def achievement_counts_this_year(achievement_date: dt.date, cutoff: dt.date) -> bool:
    """R-CUTOFF: obtained on or before the cut-off counts this year; a later one counts next year."""
    return achievement_date <= cutoff


def achievement_cutoff_label(achievement_date: dt.date, cutoff: dt.date) -> tuple[str, str]:
    """What the dossier shows beside an achievement (Chinese, English)."""
    if achievement_counts_this_year(achievement_date, cutoff):
        return "计入本年度", "counts this year"
    return f"晚于业绩截止日 {cutoff:%Y-%m-%d}，计入下一年度", f"after the {cutoff} cut-off: counts next year"


def _order(v: dict[str, Any], earlier: str, later: str, labels: tuple[str, str, str, str]) -> list[Problem]:
    """A problem on `later` when both dates are present and `later` comes before `earlier`."""
    a, b = v.get(earlier), v.get(later)
    if a is None or b is None or a <= b:
        return []
    zh_later, zh_earlier, en_later, en_earlier = labels
    return [Problem(later, f"{zh_later}不能早于{zh_earlier}", f"The {en_later} cannot be before the {en_earlier}")]


def _not_future(v: dict[str, Any], field: str, today: dt.date, zh: str, en: str) -> list[Problem]:
    value = v.get(field)
    if value is None or value <= today:
        return []
    return [Problem(field, f"{zh}不能晚于今天（{today:%Y-%m-%d}）", f"The {en} cannot be in the future")]


def _year(v: dict[str, Any], field: str, facts: Facts, zh: str) -> list[Problem]:
    year = v.get(field)
    if year is None or EARLIEST_YEAR <= year <= facts.campaign_year:
        return []
    return [Problem(
        field, f"{zh}须在 {EARLIEST_YEAR} 至 {facts.campaign_year} 之间",
        f"The year must be between {EARLIEST_YEAR} and {facts.campaign_year}",
    )]


def identity_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    labels = ("处分影响期止", "处分影响期起", "sanction end", "sanction start")
    problems = _order(v, "sanction_from", "sanction_to", labels)
    if v.get("sanction_kind") and v.get("sanction_from") is None:
        problems.append(Problem("sanction_from", "有处分时须填写处分影响期起", "Give the start of the sanction period"))
    if not v.get("sanction_kind") and (v.get("sanction_from") or v.get("sanction_to")):
        problems.append(Problem("sanction_kind", "填写了处分影响期，请选择处分类别", "Choose the kind of sanction"))
    phone = (v.get("phone") or "").replace("-", "").replace(" ", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 13):
        problems.append(Problem("phone", "联系电话应为 7–13 位数字", "The phone number must have 7–13 digits"))
    return problems


def education_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    return [
        *_order(v, "start", "end", ("毕业时间", "入学时间", "graduation date", "enrolment date")),
        *_not_future(v, "start", facts.today, "入学时间", "enrolment date"),
        *_not_future(v, "end", facts.today, "毕业时间", "graduation date"),
    ]


def work_history_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    return [
        *_order(v, "start", "end", ("截止时间", "起始时间", "end date", "start date")),
        *_not_future(v, "start", facts.today, "起始时间", "start date"),
        *_not_future(v, "end", facts.today, "截止时间", "end date"),
    ]


def title_held_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    return [
        *_order(v, "obtained_on", "appointed_on", ("聘任时间", "取得时间", "appointment date", "date obtained")),
        *_not_future(v, "obtained_on", facts.today, "取得时间", "date obtained"),
        *_not_future(v, "appointed_on", facts.today, "聘任时间", "appointment date"),
    ]


def series_transfer_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    return _not_future(v, "transferred_on", facts.today, "转系列时间", "transfer date")


def social_security_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    """A month is paid already (not after this month, not after the seniority date), by a valid credit code."""
    problems = []
    month = v.get("month")
    latest = min(facts.today, facts.seniority_date).replace(day=1)
    if month is not None and month > latest:
        problems.append(Problem(
            "month", f"缴费月份不能晚于 {latest:%Y年%m月}", f"The month cannot be after {latest:%Y-%m}"
        ))
    if v.get("credit_code"):
        error = credit_code_error(v["credit_code"])
        if error:
            problems.append(Problem("credit_code", str(error), "The unified social credit code is not valid"))
    return problems


def achievement_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    """Dates not in the future; a paper names its journal and tier (its similarity comes from the office)."""
    problems = _not_future(v, "achieved_on", facts.today, "取得时间", "date")
    if v.get("kind") == "paper":
        if not v.get("journal"):
            problems.append(Problem("journal", "论文须填写刊物名称", "A paper needs its journal"))
        if not v.get("tier"):
            problems.append(Problem("tier", "论文须选择期刊级别", "A paper needs its journal tier"))
    return problems


def continuing_education_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    problems = _year(v, "year", facts, "年度")
    labels = {
        "general_hours": ("公需科目学时", "general hours"), "specialty_hours": ("专业科目学时", "specialty hours")
    }
    for field, (zh, en) in labels.items():
        hours = v.get(field)
        if hours is not None and not 0 <= hours <= MAX_YEARLY_HOURS:
            problems.append(Problem(
                field, f"{zh}须在 0 至 {MAX_YEARLY_HOURS} 之间", f"The {en} must be between 0 and {MAX_YEARLY_HOURS}"
            ))
    return problems


def annual_assessment_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    return _year(v, "year", facts, "考核年度")


def rural_service_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    years = v.get("years")
    if years is None or 0 <= years <= MAX_SERVICE_YEARS:
        return []
    return [Problem(
        "years", f"乡村服务年限须在 0 至 {MAX_SERVICE_YEARS} 之间",
        f"The years of rural service must be between 0 and {MAX_SERVICE_YEARS}",
    )]


def no_problems(v: dict[str, Any], facts: Facts) -> list[Problem]:
    return []
