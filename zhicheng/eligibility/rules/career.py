"""Titles, years and conditions: R-SENIORITY, R-CONDITIONS, R-TRANSFER, R-NARROW, R-RURAL (domain brief §4)."""

from __future__ import annotations

from typing import Any

from zhicheng.eligibility.facts import CampaignParams, ConditionFact, DossierFacts, Finding
from zhicheng.eligibility.months import month_label, seniority_months, years_months_en, years_months_zh

from ._base import LEVEL_EN, LEVEL_ZH, PROVINCE, WARN, Rule, counted, highest_title, iso

SENIORITY = Rule("R-SENIORITY", "§六(三)")
CONDITIONS = Rule("R-CONDITIONS", "§六(一)")
NARROW = Rule("R-NARROW", "§六(十)")
RURAL = Rule("R-RURAL", "§六(五)")

EXCEPTIONAL, TRANSFER, SKILLED, RURAL_CATEGORY = "exceptional", "transfer", "skilled", "rural"
TEACHERS = "中小学教师"
# catalog.Education, highest first; 硕士 and 第二学士 rank together, as do 中师 and 中专
EDUCATION_RANK = {"doctor": 5, "master": 4, "second_bachelor": 4, "bachelor": 3, "college": 2,
                  "secondary_normal": 1, "secondary_vocational": 1}
EDUCATION_ZH = {"doctor": "博士", "master": "硕士", "second_bachelor": "第二学士", "bachelor": "本科",
                "college": "大专", "secondary_normal": "中师", "secondary_vocational": "中专"}


def _undated(facts: DossierFacts, rule: Rule) -> Finding | None:
    """Incomplete when a title held has no date: years cannot be counted from it."""
    if any(t.obtained_on is None for t in facts.titles):
        names = "、".join(sorted(t.title for t in facts.titles if t.obtained_on is None))
        return rule.missing(("title_held.obtained_on",), f"现有职称“{names}”未填写取得时间",
                            f"the date obtained of “{names}” is missing")
    return None


def rule_seniority(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    undated = _undated(facts, SENIORITY)
    if undated:
        return [undated]
    held = highest_title(facts.titles)
    if held is None:
        return [SENIORITY.ok("无已取得职称，任职年限为 0", "No title held yet: no seniority",
                             {"seniority_date": iso(params.seniority_date)})]
    # every title is dated here (_undated above)
    first = min(t.obtained_on for t in facts.titles if t.obtained_on is not None)
    at_level = min(t.obtained_on for t in facts.titles if t.level_rank == held.level_rank and t.obtained_on is not None)
    total, level = seniority_months(first, params.seniority_date), seniority_months(at_level, params.seniority_date)
    used = {"first_obtained": iso(first), "level_obtained": iso(at_level), "seniority_date": iso(params.seniority_date),
            "total_months": total, "level_months": level}
    since, level_since = month_label(first), month_label(at_level)
    return [SENIORITY.ok(f"截至 {params.seniority_date}：专业技术资历 {years_months_zh(total)}（自 {since}），"
                         f"任{held.title}（{LEVEL_ZH.get(held.level_rank, held.level_rank)}）{years_months_zh(level)}"
                         f"（自 {level_since}）",
                         f"Up to {params.seniority_date}: {years_months_en(total)} in total (from {since}), "
                         f"{years_months_en(level)} as {held.title} (from {level_since})", used)]


def rule_conditions(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    category = facts.target.category
    if category == RURAL_CATEGORY:
        return [CONDITIONS.ok("乡村倾斜申报不受学历、资历限制，见 R-RURAL",
                              "Rural tilt: no education or years required, see R-RURAL")]
    if category == SKILLED:
        return [CONDITIONS.ok("高技能人才贯通申报按技能等级条件，由单位审核",
                              "Skilled-worker bridge: skill-level conditions, checked by the unit")]
    waiver = _waiver(facts, params) if category == EXCEPTIONAL else None
    if waiver:
        return [waiver]
    if not params.conditions:
        return [CONDITIONS.problem(WARN, "本系列本级别的申报条件未配置，请职改办补充后由人工审核",
                                   "No conditions configured for this series and level; check by hand")]
    if not facts.education:
        return [CONDITIONS.missing(("education",), "未填写学历", "no education entered")]
    undated = _undated(facts, CONDITIONS)
    if undated:
        return [undated]
    return [_conditions_met(facts, params)]


def _waiver(facts: DossierFacts, params: CampaignParams) -> Finding | None:
    hits = sorted(a.id for a in facts.achievements
                  if a.waiver_id is not None and a.waiver_id in params.waiver_ids and counted(a, params))
    if not hits:
        return None
    titles = "、".join(sorted({a.title for a in facts.achievements if a.id in hits}))
    return CONDITIONS.ok(f"破格申报：业绩“{titles}”符合破格条件，免学历、资历要求",
                         f"Exceptional promotion: “{titles}” meets a listed waiver", {"waiver_achievements": hits})


def _best_degree(facts: DossierFacts) -> str:
    return max((e.degree for e in facts.education), key=lambda d: (EDUCATION_RANK.get(d, 0), d))


def _months_below(facts: DossierFacts, params: CampaignParams, row: ConditionFact) -> int:
    """Months at the level below; after a series transfer the years carry over from any series (§六(十一))."""
    if row.min_years <= 0 or row.below_series is None:
        return 0
    if facts.target.category == TRANSFER or facts.transfers:
        fits = [t for t in facts.titles if row.below_level_rank is not None and t.level_rank >= row.below_level_rank]
    else:
        fits = [t for t in facts.titles if t.series == row.below_series and t.level_rank == row.below_level_rank]
    return max((seniority_months(t.obtained_on, params.seniority_date) for t in fits if t.obtained_on is not None),
               default=0)


def _row_zh(row: ConditionFact) -> str:
    edu = EDUCATION_ZH.get(row.education, row.education)
    if row.min_years <= 0 or row.below_series is None:
        return edu
    return f"{edu} + 任{row.below_series}系列{LEVEL_ZH.get(row.below_level_rank or 0, '')}职称 {row.min_years} 年"


def _conditions_met(facts: DossierFacts, params: CampaignParams) -> Finding:
    degree = _best_degree(facts)
    rank = EDUCATION_RANK.get(degree, 0)
    # rows limited to a scope (e.g. 小学和初中) last: the machine cannot tell the school, so they only warn
    rows = sorted(params.conditions, key=lambda r: (bool(r.scope), -EDUCATION_RANK.get(r.education, 0), r.min_years,
                                                      r.education, r.below_series or "", r.below_level_rank or 0,
                                                      r.scope))
    tried: list[dict[str, Any]] = []
    for row in rows:
        months = _months_below(facts, params, row)
        needs_years = row.min_years > 0 and row.below_series is not None
        tried.append({"condition": _row_zh(row), "months": months})
        if rank >= EDUCATION_RANK.get(row.education, 99) and (not needs_years or months >= 12 * row.min_years):
            used = {"education": degree, "condition": _row_zh(row), "months_below": months}
            if row.scope:
                return CONDITIONS.problem(WARN, f"学历{EDUCATION_ZH.get(degree, degree)}，仅符合限于“{row.scope}”的条件"
                                          f"“{_row_zh(row)}”，请单位核实", f"Meets “{row.education} + {row.min_years} "
                                          f"years” only for {row.scope}: the unit must confirm", used)
            return CONDITIONS.ok(f"学历{EDUCATION_ZH.get(degree, degree)}，符合条件“{_row_zh(row)}”"
                                 + (f"（已满 {years_months_zh(months)}）" if needs_years else ""),
                                 f"Education {degree} meets “{row.education} + {row.min_years} years”"
                                 + (f" ({years_months_en(months)})" if needs_years else ""), used)
    best = max((t["months"] for t in tried), default=0)
    options = "；".join(t["condition"] for t in tried)
    extra = "，且无符合破格条件的业绩" if facts.target.category == EXCEPTIONAL else ""
    return CONDITIONS.block(f"学历{EDUCATION_ZH.get(degree, degree)}，低一级任职 {years_months_zh(best)}"
                            f"（截至 {params.seniority_date}），不满足任一条件：{options}{extra}",
                            f"Education {degree}, {years_months_en(best)} at the level below up to "
                            f"{params.seniority_date}: meets no listed condition",
                            {"education": degree, "tried": tried})


def rule_narrow(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    if any(not t.scope for t in facts.titles):
        return [NARROW.missing(("title_held.scope",), "现有职称未填写有效范围", "a title's validity scope is missing")]
    held = highest_title(facts.titles)
    if held is None:
        return [NARROW.ok("无已取得职称，不适用", "No title held")]
    used = {"held": held.title, "held_scope": held.scope, "target_level": facts.target.level_rank}
    if facts.target.level_rank <= held.level_rank:
        return [NARROW.ok(f"申报与现有职称同级（{held.title}），不受限制", "Same level as held: no restriction", used)]
    if held.scope == PROVINCE:  # highest_title prefers a 全省有效 title among equals
        return [NARROW.ok(f"现有职称{held.title}为全省有效", f"{held.title} is valid province-wide", used)]
    scope_zh = _SCOPE_ZH.get(held.scope, held.scope)
    return [NARROW.block(f"现有职称{held.title}的有效范围为{scope_zh}，须先重新评审为全省有效再申报高一级",
                         f"{held.title} is valid only in a narrow scope ({held.scope}): it must "
                         "first be re-evaluated as province-wide", used)]


_SCOPE_ZH = {"province": "全省有效", "grassroots": "基层有效", "enterprise": "企业有效", "unit": "本单位有效"}


def rule_rural(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    if facts.target.category != RURAL_CATEGORY:
        return [RURAL.ok("非乡村倾斜申报，不适用", "Not a rural-tilt application")]
    years = facts.rural_service_years
    if years is None:
        return [RURAL.missing(("rural_service.years",), "未填写乡村服务年限", "years of rural service missing")]
    target = facts.target
    used = {"rural_service_years": years, "target_level": target.level_rank, "remote_area": facts.rural_remote_area}
    if target.series != TEACHERS and not facts.rural_remote_area:
        return [RURAL.block("乡村倾斜仅适用于乡村教师和艰苦边远地区基层专业技术人员",
                            "The rural tilt is for rural teachers and professionals in remote areas", used)]
    allowed = 4 if years >= 30 else 3 if years >= 20 else 0
    if target.level_rank <= allowed:
        return [RURAL.ok(f"乡村服务 {years} 年，可申报{LEVEL_ZH[allowed]}及以下，不受岗位结构比例限制",
                         f"{years} years of rural service: up to {LEVEL_EN[allowed]}, outside the post ratio", used)]
    need = 30 if target.level_rank >= 4 else 20
    return [RURAL.block(f"乡村服务 {years} 年，申报{LEVEL_ZH.get(target.level_rank, target.level_rank)}须满 {need} 年",
                        f"{years} years of rural service; this level needs {need}", used)]

