"""Achievements and training: R-CUTOFF, R-PLAGIARISM, R-CE (domain brief §4; docs/decisions.md)."""

from __future__ import annotations

from zhicheng.eligibility.facts import AchievementFact, CampaignParams, DossierFacts, Finding

from ._base import INFO, WARN, Rule, achievement_key, num

CUTOFF = Rule("R-CUTOFF", "§六(二)")
PLAGIARISM = Rule("R-PLAGIARISM", "§六(七)")
CE = Rule("R-CE", "§六(六)")

PAPER = "paper"
CORE, PROVINCIAL = "core", "provincial"


def _by_id(facts: DossierFacts) -> list[AchievementFact]:
    return sorted(facts.achievements, key=achievement_key)


def rule_cutoff(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    cutoff = params.achievement_cutoff
    out: list[Finding] = []
    for a in _by_id(facts):
        subject = f"achievement:{a.id}"
        if a.achieved_on is None:
            out.append(CUTOFF.missing(("achievement.achieved_on",), f"业绩“{a.title}”未填写取得时间",
                                      f"“{a.title}” has no date", subject))
        elif a.achieved_on > cutoff:
            out.append(CUTOFF.problem(INFO, f"业绩“{a.title}”取得于 {a.achieved_on}，晚于截止日 {cutoff}，本年度不计，"
                                            "保留至下一年度", f"“{a.title}” dated {a.achieved_on}, after the cut-off "
                                      f"{cutoff}: kept, counts next year", {"achieved_on": a.achieved_on.isoformat(),
                                                                             "cutoff": cutoff.isoformat()}, subject))
    if not out:
        out.append(CUTOFF.ok(f"{len(facts.achievements)} 项业绩均在截止日 {cutoff} 前取得",
                             f"All {len(facts.achievements)} achievements are dated by the cut-off {cutoff}",
                             {"cutoff": cutoff.isoformat(), "achievements": len(facts.achievements)}))
    return out


def rule_plagiarism(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    """Every paper that may count: dated by the cut-off or undated; a later one is checked the year it counts."""
    cutoff = params.achievement_cutoff
    papers = [a for a in _by_id(facts) if a.kind == PAPER and (a.achieved_on is None or a.achieved_on <= cutoff)]
    if not papers:
        return [PLAGIARISM.ok("本年度无计入的论文，不适用", "No paper counts this year")]
    return [_paper(a, params) for a in papers]


def _paper(a: AchievementFact, params: CampaignParams) -> Finding:
    subject = f"achievement:{a.id}"
    lacking = tuple(f"achievement.{name}" for name, value in
                    (("tier", a.tier or None), ("cnki_indexed", a.cnki_indexed)) if value is None)
    if lacking:
        return PLAGIARISM.missing(lacking, f"论文“{a.title}”未填写期刊级别或知网收录情况",
                                  f"paper “{a.title}”: journal tier or CNKI indexing missing", subject)
    if a.similarity_percent is None or (not a.cnki_indexed and not a.has_similarity_report):
        return _awaiting(a, subject)
    # other journals take the provincial limit: a paper there is not held to a looser one than any listed
    limit = params.similarity_core_max if a.tier == CORE else params.similarity_provincial_max
    tier_zh = "核心期刊" if a.tier == CORE else "省级期刊" if a.tier == PROVINCIAL else "其他期刊"
    used = {"tier": a.tier, "similarity_percent": num(a.similarity_percent), "limit": num(limit),
            "cnki_indexed": a.cnki_indexed, "has_similarity_report": a.has_similarity_report}
    assert a.similarity_percent is not None  # a paper without it is incomplete (above)
    if a.similarity_percent > limit:
        return PLAGIARISM.block(f"论文“{a.title}”（{tier_zh}）去除引用文献复制比 {a.similarity_percent}%，"
                                f"超过 {limit}%",
                                f"Paper “{a.title}” ({a.tier}): similarity {a.similarity_percent} % exceeds {limit} %",
                                used, subject)
    return PLAGIARISM.ok(f"论文“{a.title}”（{tier_zh}）复制比 {a.similarity_percent}%，不超过 {limit}%",
                         f"Paper “{a.title}” ({a.tier}): similarity {a.similarity_percent} % within {limit} %",
                         used, subject)


def _awaiting(a: AchievementFact, subject: str) -> Finding:
    """No result yet: the office (CNKI-indexed) or the unit (its stamped report) enters it after submission, so
    this warns the reviewers rather than stopping the applicant, who cannot enter it (§六(七))."""
    if a.cnki_indexed:
        return PLAGIARISM.problem(WARN, f"论文“{a.title}”为知网收录论文，查重结果待职改办录入",
                                  f"Paper “{a.title}” is indexed by CNKI: the office has not entered its result yet",
                                  {"cnki_indexed": True, "awaiting": "office"}, subject)
    return PLAGIARISM.problem(WARN, f"论文“{a.title}”未被知网收录，待所在单位上传签字盖章的知网查重报告单并录入复制比",
                              f"Paper “{a.title}” is not indexed by CNKI: the unit has not uploaded its stamped "
                              "report and percentage yet", {"cnki_indexed": False, "awaiting": "unit"}, subject)


def ce_years(params: CampaignParams) -> tuple[int, ...]:
    """The completed years before the campaign year: 2024 with 1 year required → (2023,)."""
    return tuple(range(params.year - 1, params.year - 1 - params.ce_years_required, -1))


def rule_ce(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    years = ce_years(params)
    if not years:
        return [CE.ok("本年度不要求继续教育学时", "No continuing-education years required")]
    return [_ce_year(facts, params, year) for year in years]


def _ce_year(facts: DossierFacts, params: CampaignParams, year: int) -> Finding:
    rows = [r for r in facts.continuing_education if r.year == year]
    subject = f"ce:{year}"
    if not rows:
        return CE.missing(("continuing_education",), f"未填写 {year} 年度继续教育学时",
                          f"continuing education for {year} not entered", subject)
    general = sum(r.general_hours for r in rows)
    specialty = sum(r.specialty_hours for r in rows)
    total = general + specialty
    num_, den = params.ce_specialty_share
    used = {"year": year, "general_hours": general, "specialty_hours": specialty, "total_hours": total,
            "required_hours": params.ce_hours_per_year, "specialty_share": f"{num_}/{den}"}
    said_zh = f"{year} 年继续教育共 {total} 学时，其中专业科目 {specialty} 学时"
    said_en = f"{year}: {total} hours of continuing education, {specialty} in the specialty"
    if total < params.ce_hours_per_year:
        return CE.block(f"{said_zh}，少于 {params.ce_hours_per_year} 学时",
                        f"{said_en}; fewer than {params.ce_hours_per_year}", used, subject)
    if specialty * den < total * num_:  # integers: 60/90 passes 2/3, 59/90 does not
        return CE.block(f"{said_zh}，专业科目不足 {num_}/{den}", f"{said_en}; specialty below {num_}/{den}",
                        used, subject)
    if not all(r.has_certificate for r in rows):
        return CE.missing(("continuing_education.certificate",), f"{said_zh}，未上传继续教育证书",
                          f"{said_en}; the certificate is not attached", subject, used)
    return CE.ok(f"{said_zh}，符合要求", f"{said_en}; complete", used, subject)
