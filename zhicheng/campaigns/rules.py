"""Pure campaign policy: which values make a coherent campaign, and how dates move to the next year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhicheng.catalog.rules import Problem

INSTANT_FIELDS = (
    "account_reset_at", "submission_opens_at", "submission_closes_at", "unit_recommendation_deadline",
    "entrusted_recommendation_deadline", "department_deadline", "supplement_cutoff",
)
DATE_FIELDS = (
    "policy_publicity_start", "policy_publicity_end", "unit_review_start", "unit_review_end", "meetings_by",
    "evaluation_complete_by", "issue_by", "achievement_cutoff", "seniority_date",
)
PERCENT_FIELDS = ("similarity_core_max", "similarity_provincial_max", "grassroots_senior_cap")
COUNT_FIELDS = (
    "unit_publicity_days", "extended_publicity_days", "result_publicity_days", "social_security_months",
    "max_returns", "ce_hours_per_year", "ce_specialty_share_numerator", "ce_specialty_share_denominator",
    "ce_years_required", "evidence_file_max_mb", "dossier_max_mb", "submission_capacity_per_hour",
)
CHOICE_FIELDS = ("unit_publicity_unit", "result_publicity_unit")
TEXT_FIELDS = ("name", "notice_number", "note", "pledge_text")
EDITABLE_FIELDS = (
    ("year", *TEXT_FIELDS, "status", *DATE_FIELDS, *INSTANT_FIELDS, *CHOICE_FIELDS, *PERCENT_FIELDS, *COUNT_FIELDS)
)

LABELS = {
    "year": ("年度", "year"),
    "name": ("名称", "name"),
    "policy_publicity_start": ("政策宣传开始日", "policy publicity start"),
    "policy_publicity_end": ("政策宣传结束日", "policy publicity end"),
    "account_reset_at": ("系统账号重置时间", "account reset instant"),
    "submission_capacity_per_hour": ("每小时提交容量", "submissions per hour capacity"),
    "submission_opens_at": ("个人申报开始时间", "submission opening"),
    "submission_closes_at": ("个人申报截止时间", "submission close"),
    "unit_review_start": ("审核推荐开始日", "unit review start"),
    "unit_review_end": ("审核推荐结束日", "unit review end"),
    "unit_recommendation_deadline": ("单位推荐截止时间", "unit recommendation deadline"),
    "entrusted_recommendation_deadline": ("委托评审系列审核推荐截止时间", "entrusted-series recommendation deadline"),
    "department_deadline": ("报送审核部门截止时间", "deadline to the review department"),
    "supplement_cutoff": ("补充资料截止时间", "supplement cut-off"),
    "meetings_by": ("答辩评审会议完成日", "meetings date"),
    "evaluation_complete_by": ("评审工作完成日", "evaluation completion date"),
    "issue_by": ("印发文件、发放证书截止日", "issue date"),
    "achievement_cutoff": ("业绩截止日", "achievement cut-off"),
    "seniority_date": ("任职年限计算截止日", "seniority date"),
    "similarity_core_max": ("核心期刊论文复制比上限", "core-journal similarity limit"),
    "similarity_provincial_max": ("省级期刊论文复制比上限", "provincial-journal similarity limit"),
    "grassroots_senior_cap": ("基层有效高级岗位比例上限", "grassroots senior-post cap"),
    "unit_publicity_days": ("单位公示天数", "unit publicity days"),
    "extended_publicity_days": ("破格、基层有效公示天数", "extended publicity days"),
    "result_publicity_days": ("结果公示天数", "result publicity days"),
    "social_security_months": ("社保缴纳月数", "social-security months"),
    "max_returns": ("最多退回次数", "maximum returns"),
    "ce_hours_per_year": ("继续教育每年学时", "CE hours per year"),
    "ce_specialty_share_numerator": ("专业科目占比分子", "CE specialty share numerator"),
    "ce_specialty_share_denominator": ("专业科目占比分母", "CE specialty share denominator"),
    "ce_years_required": ("须完成继续教育的年数", "CE years required"),
    "evidence_file_max_mb": ("单个佐证文件上限", "evidence file limit"),
    "dossier_max_mb": ("单份申报材料上限", "dossier size limit"),
}


def campaign_values(campaign) -> dict[str, Any]:
    """The editable values of a campaign object as a plain dict."""
    return {name: getattr(campaign, name, None) for name in EDITABLE_FIELDS}


def local_date(instant: dt.datetime) -> dt.date:
    """The calendar day (campaign time zone) on which an instant falls."""
    return timezone.localtime(instant, timezone.get_default_timezone()).date()


def deadline_day(instant: dt.datetime) -> dt.date:
    """The last day a deadline still allows: 10-11 00:00 means "10-10 24:00", so 10-10."""
    return local_date(instant - dt.timedelta(microseconds=1))


def day_start(day: dt.date) -> dt.datetime:
    """00:00 of a day in the campaign time zone, as an instant."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_default_timezone())


def _missing(values: dict[str, Any]) -> list[Problem]:
    required = ("year", "name", *DATE_FIELDS, *INSTANT_FIELDS, *PERCENT_FIELDS, *COUNT_FIELDS)
    return [
        Problem(f, f"请填写{LABELS[f][0]}", f"The {LABELS[f][1]} is required")
        for f in required
        if values.get(f) in (None, "")
    ]


def _ranges(v: dict[str, Any]) -> list[Problem]:
    problems = []
    if v.get("year") is not None and not 2000 <= v["year"] <= 2100:
        problems.append(Problem("year", "年度须在 2000 至 2100 之间", "The year must be between 2000 and 2100"))
    for f in PERCENT_FIELDS:
        if v.get(f) is not None and not Decimal(0) <= Decimal(v[f]) <= Decimal(100):
            zh, en = LABELS[f]
            problems.append(Problem(f, f"{zh}须在 0 至 100（%）之间", f"The {en} must be between 0 and 100 %"))
    for f in COUNT_FIELDS:
        if v.get(f) is not None and int(v[f]) < 1:
            zh, en = LABELS[f]
            problems.append(Problem(f, f"{zh}须为正整数", f"The {en} must be a positive whole number"))
    num, den = v.get("ce_specialty_share_numerator"), v.get("ce_specialty_share_denominator")
    if num and den and num > den:
        problems.append(Problem(
            "ce_specialty_share_numerator", "专业科目占比不能超过 1（分子不能大于分母）",
            "The specialty share cannot exceed 1 (numerator above denominator)",
        ))
    if v.get("evidence_file_max_mb") and v.get("dossier_max_mb") and v["evidence_file_max_mb"] > v["dossier_max_mb"]:
        problems.append(Problem(
            "evidence_file_max_mb", "单个文件上限不能大于整份材料上限", "The file limit cannot exceed the dossier limit"
        ))
    ext, unit = v.get("extended_publicity_days"), v.get("unit_publicity_days")
    if ext and unit and ext < unit:
        problems.append(Problem(
            "extended_publicity_days", "破格、基层有效公示天数不能少于单位公示天数",
            "The extended publicity cannot be shorter than the unit publicity",
        ))
    return problems


def _order(v: dict[str, Any], earlier: str, later: str, field: str, *, strict: bool = False) -> list[Problem]:
    """A problem on `field` when `later` comes before `earlier` (both present)."""
    a, b = v.get(earlier), v.get(later)
    if a is None or b is None or (b > a if strict else b >= a):
        return []
    zh_a, en_a = LABELS[earlier]
    zh_b, en_b = LABELS[later]
    if field == later:
        return [Problem(field, f"{zh_b}不能早于{zh_a}", f"The {en_b} cannot be before the {en_a}")]
    return [Problem(field, f"{zh_a}不能晚于{zh_b}", f"The {en_a} cannot be after the {en_b}")]


def _windows(v: dict[str, Any]) -> list[Problem]:
    """Each window ends after it starts, and the steps follow each other as §四 orders them."""
    problems = [
        *_order(v, "policy_publicity_start", "policy_publicity_end", "policy_publicity_end"),
        *_order(v, "account_reset_at", "submission_opens_at", "account_reset_at"),
        *_order(v, "submission_opens_at", "submission_closes_at", "submission_closes_at", strict=True),
        *_order(v, "unit_review_start", "unit_review_end", "unit_review_end"),
        *_order(v, "submission_closes_at", "unit_recommendation_deadline", "submission_closes_at"),
        *_order(v, "submission_closes_at", "entrusted_recommendation_deadline", "entrusted_recommendation_deadline"),
        *_order(v, "unit_recommendation_deadline", "department_deadline", "department_deadline"),
        *_order(v, "entrusted_recommendation_deadline", "department_deadline", "entrusted_recommendation_deadline"),
        *_order(v, "department_deadline", "supplement_cutoff", "supplement_cutoff"),
        *_order(v, "meetings_by", "evaluation_complete_by", "evaluation_complete_by"),
        *_order(v, "evaluation_complete_by", "issue_by", "issue_by"),
        *_order(v, "achievement_cutoff", "seniority_date", "seniority_date"),
    ]
    opens, deadline = v.get("submission_opens_at"), v.get("unit_recommendation_deadline")
    start, end = v.get("unit_review_start"), v.get("unit_review_end")
    if deadline and start and end and start <= end and not start <= deadline_day(deadline) <= end:
        problems.append(Problem(
            "unit_recommendation_deadline",
            f"单位推荐截止时间须在审核推荐期内（{start:%m-%d}—{end:%m-%d}）",
            f"The unit recommendation deadline must fall inside the unit review window ({start}–{end})",
        ))
    if opens and start and start < local_date(opens):
        problems.append(Problem(
            "unit_review_start", "审核推荐开始日不能早于个人申报开始时间",
            "The unit review cannot start before submission opens",
        ))
    if opens and v.get("policy_publicity_start") and v["policy_publicity_start"] > local_date(opens):
        problems.append(Problem(
            "policy_publicity_start", "政策宣传开始日不能晚于个人申报开始时间",
            "The policy publicity cannot start after submission opens",
        ))
    return problems + _cutoffs(v)


def _cutoffs(v: dict[str, Any]) -> list[Problem]:
    """Cut-off dates against the instants they belong to."""
    problems = []
    closes, cutoff = v.get("submission_closes_at"), v.get("achievement_cutoff")
    if closes and cutoff and day_start(cutoff + dt.timedelta(days=1)) > closes:
        problems.append(Problem(
            "achievement_cutoff", "业绩截止日不能晚于个人申报截止时间",
            "The achievement cut-off cannot be after the submission close",
        ))
    supplement, meetings = v.get("supplement_cutoff"), v.get("meetings_by")
    if supplement and meetings and supplement > day_start(meetings + dt.timedelta(days=1)):
        problems.append(Problem(
            "supplement_cutoff", "补充资料截止时间不能晚于答辩评审会议日期",
            "The supplement cut-off cannot be after the meetings date",
        ))
    year, opens = v.get("year"), v.get("submission_opens_at")
    if year and opens and local_date(opens).year != year:
        problems.append(Problem(
            "submission_opens_at", f"个人申报开始时间须在 {year} 年内", f"Submission must open in {year}"
        ))
    return problems


def campaign_problems(values: dict[str, Any]) -> list[Problem]:
    """Every problem with a campaign's values: missing, out of range, or out of order."""
    missing = _missing(values)
    present = {k: v for k, v in values.items() if v not in (None, "")}
    naive = [f for f in INSTANT_FIELDS if f in present and timezone.is_naive(present[f])]
    if naive:  # services make instants aware first; a naive one here is a programming error, said plainly
        missing += [Problem(f, "时间须带时区", "The time must carry a time zone") for f in naive]
        for f in naive:
            present.pop(f)
    return missing + _ranges(present) + _windows(present)


def shift_years(value: dt.date | dt.datetime, years: int) -> dt.date | dt.datetime:
    """The same calendar day (and local time) `years` later; 02-29 becomes 02-28 in a common year."""
    if isinstance(value, dt.datetime):
        tz = timezone.get_default_timezone()
        local = timezone.localtime(value, tz)
        return timezone.make_aware(dt.datetime.combine(shift_years(local.date(), years), local.time()), tz)
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # only 02-29 has no twin in a common year
        return value.replace(year=value.year + years, day=28)
