"""Who may apply here at all: R-SCOPE, R-EXCL, R-SKILL, R-FILE, R-OUTSIDE, R-INTEGRITY (domain brief §4)."""

from __future__ import annotations

from zhicheng.eligibility.facts import CampaignParams, DossierFacts, Finding
from zhicheng.eligibility.months import month_label, retirement_group, retirement_month

from ._base import Rule, iso

SCOPE = Rule("R-SCOPE", "§一")
EXCL = Rule("R-EXCL", "§一")
SKILL = Rule("R-SKILL", "§一")
FILE = Rule("R-FILE", "§六(十二)")
OUTSIDE = Rule("R-OUTSIDE", "§五(三)")
INTEGRITY = Rule("R-INTEGRITY", "§七(三)")

FLEXIBLE = "flexible"
HOME_PROVINCE = "甘肃"  # "甘肃省" and "甘肃" both count
SKILLED = "skilled"
LOCAL_FILE = "local"
ENTRUSTMENT_LETTER = "entrustment_letter"
FILE_CUSTODY_APPROVAL = "file_custody_approval"


def rule_scope(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    org, person = facts.organisation, facts.applicant
    used = {"organisation": org.name, "in_district": org.in_district, "has_own_committee": org.has_own_committee}
    out: list[Finding] = []
    if not org.in_district and not org.outside_branch:  # a branch registered elsewhere goes to R-OUTSIDE
        out.append(SCOPE.block(f"单位“{org.name}”注册地不在本区，不在本区评审范围",
                               f"The unit “{org.name}” is not registered in this district", used, "organisation"))
    if org.has_own_committee:
        out.append(SCOPE.block(f"单位“{org.name}”设有本单位评审委员会，应在本单位评审",
                               f"The unit “{org.name}” has its own review committee", used, "organisation"))
    if person.employment is None:
        out.append(SCOPE.missing(("identity.employment",), "未填写人员类别", "employment type not filled in"))
    elif person.employment == FLEXIBLE:
        out.append(_flexible_household(person.household_province))
    if out:
        return out
    note_zh = "；中央驻甘或外省单位分支机构，另见 R-OUTSIDE" if org.outside_branch else ""
    note_en = "; a branch of an outside unit, see R-OUTSIDE" if org.outside_branch else ""
    return [SCOPE.ok(f"单位“{org.name}”在本区评审范围内{note_zh}",
                     f"The unit “{org.name}” is in this district's scope{note_en}", used)]


def _flexible_household(province: str | None) -> Finding:
    if not province:
        return SCOPE.missing(("identity.household_province",), "灵活就业人员须填写户籍所在省份",
                             "a flexible worker must give the province of household registration")
    used = {"employment": FLEXIBLE, "household_province": province}
    if province.strip().startswith(HOME_PROVINCE):
        return SCOPE.ok(f"灵活就业人员，户籍{province}，符合", f"Flexible worker registered in {province}", used)
    return SCOPE.block(f"灵活就业人员须为甘肃户籍，申报人户籍为{province}",
                       f"A flexible worker needs a Gansu household registration; registered in {province}", used)


def rule_excl(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    return [_civil_servant(facts), _sanction(facts, params), _retirement(facts, params)]


def _civil_servant(facts: DossierFacts) -> Finding:
    value = facts.applicant.is_civil_servant
    if value is None:
        return EXCL.missing(("identity.is_civil_servant",), "未填写是否为公务员或参公管理人员",
                            "whether a civil servant is not filled in", "civil_servant")
    if value:
        return EXCL.block("公务员和参照公务员法管理人员不得申报",
                          "Civil servants and staff managed as civil servants may not apply",
                          {"is_civil_servant": True}, "civil_servant")
    return EXCL.ok("非公务员或参公管理人员", "Not a civil servant", {"is_civil_servant": False}, "civil_servant")


def _sanction(facts: DossierFacts, params: CampaignParams) -> Finding:
    """Excluded when the effect period meets [submission close, seniority date] (docs/decisions.md)."""
    start, end = facts.applicant.sanction_from, facts.applicant.sanction_to
    if start is None and end is None:
        return EXCL.ok("无处分影响期", "No sanction in effect", {}, "sanction")
    if end is None:
        return EXCL.missing(("identity.sanction_to",), "已填写处分影响期起始日，未填写截止日",
                            "the sanction's effect period has a start but no end", "sanction")
    used = {"sanction_from": iso(start), "sanction_to": iso(end),
            "submission_closes_on": iso(params.submission_closes_on), "seniority_date": iso(params.seniority_date)}
    if end >= params.submission_closes_on and (start is None or start <= params.seniority_date):
        return EXCL.block(f"处分影响期至 {end}，申报截止日 {params.submission_closes_on} 仍在影响期内，不得申报",
                          f"The sanction is in effect until {end}, past the submission close "
                          f"{params.submission_closes_on}", used, "sanction")
    return EXCL.ok(f"处分影响期至 {end}，已于申报截止日前届满", f"The sanction's effect ended on {end}",
                   used, "sanction")


def _retirement(facts: DossierFacts, params: CampaignParams) -> Finding:
    person = facts.applicant
    if person.birth_date is None or person.sex is None:
        return EXCL.missing(("account.id_number",), "无法从身份证号取得出生日期和性别",
                            "birth date and sex cannot be read from the ID number", "retirement")
    if retirement_group(person.sex, person.retirement_category) is None:
        return EXCL.missing(("identity.retirement_category",), "女性须填写退休身份（干部 55 岁 / 工人 50 岁）",
                            "a woman must give her retirement category (cadre 55 / worker 50)", "retirement")
    month = retirement_month(person.birth_date, person.sex, person.retirement_category)
    used = {"birth_month": month_label(person.birth_date), "sex": person.sex,
            "retirement_category": person.retirement_category, "retirement_month": month_label(month)}
    if month.year <= params.year:
        return EXCL.block(f"出生于 {month_label(person.birth_date)}，{month_label(month)} 达到退休年龄，"
                          f"在 {params.year} 年度内（或之前），不得申报",
                          f"Born {month_label(person.birth_date)}, reaches retirement age in {month_label(month)}, "
                          f"not after the {params.year} campaign year", used, "retirement")
    return EXCL.ok(f"出生于 {month_label(person.birth_date)}，{month_label(month)} 达到退休年龄",
                   f"Born {month_label(person.birth_date)}, reaches retirement age in {month_label(month)}",
                   used, "retirement")


def rule_skill(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    target = facts.target
    if target.category != SKILLED:
        return [SKILL.ok("非高技能人才贯通申报，不适用", "Not a skilled-worker application")]
    allowed = "、".join(sorted(params.skilled_series))
    used = {"series": target.series, "skilled_series": sorted(params.skilled_series)}
    if target.series in params.skilled_series:
        return [SKILL.ok(f"高技能人才可贯通申报{target.series}系列", f"Skilled workers may apply in {target.series}",
                         used)]
    return [SKILL.block(f"高技能人才只能贯通申报{allowed}系列，不含{target.series}",
                        f"Skilled workers may apply only in {allowed}; not in {target.series}", used)]


def rule_file(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    custody = facts.applicant.file_custody
    if custody is None:
        return [FILE.missing(("identity.file_custody",), "未填写人事档案托管情况", "file custody not filled in")]
    used = {"file_custody": custody}
    if custody == LOCAL_FILE:
        return [FILE.ok("人事档案在本地托管", "The personnel file is kept locally", used)]
    if FILE_CUSTODY_APPROVAL in facts.applicant.documents:
        return [FILE.ok("档案不在本地托管，已上传工作单位所在地人社部门同意函",
                        "File kept elsewhere; the local office's approval is attached", used)]
    return [FILE.block("人事档案不在本地托管，须经工作单位申报并上传所在地人社部门同意函",
                       "The personnel file is kept elsewhere: attach the local HR office's approval letter", used)]


def rule_outside(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    org = facts.organisation
    if not org.outside_branch:
        return [OUTSIDE.ok("非中央驻甘单位或外省单位分支机构，不适用", "Not a branch of an outside unit")]
    used = {"organisation": org.name, "outside_branch": True}
    if ENTRUSTMENT_LETTER in facts.applicant.documents:
        return [OUTSIDE.ok("已上传省职改办审核同意的委托函", "The approved entrustment letter is attached", used)]
    return [OUTSIDE.block(f"“{org.name}”为中央驻甘单位或外省单位分支机构，须上传省职改办审核同意的委托函",
                          f"“{org.name}” is a branch of an outside unit: attach the entrustment letter approved "
                          "by the provincial office", used)]


def rule_integrity(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    """R-INTEGRITY: a title revoked for fraud bars applying for 3 years; barred while the bar covers the last day
    of the submission window (as the sanction of R-EXCL)."""
    until = facts.applicant.integrity_bar_until
    if until is None:
        return [INTEGRITY.ok("诚信档案无限制申报记录", "No bar on applying in the integrity record", {})]
    used = {"integrity_bar_until": iso(until), "submission_closes_on": iso(params.submission_closes_on)}
    if until >= params.submission_closes_on:
        return [INTEGRITY.block(f"因弄虚作假被撤销职称，{until} 前不得申报",
                                f"A title was revoked for fraud: no application before the end of {until}", used)]
    return [INTEGRITY.ok(f"限制申报期已于 {until} 届满", f"The bar on applying ended on {until}", used)]
