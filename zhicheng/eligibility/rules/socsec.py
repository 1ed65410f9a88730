"""R-SOCSEC: social-security months paid by the applying unit or agency (§一, §六(九); docs/decisions.md)."""

from __future__ import annotations

from functools import lru_cache

from zhicheng.eligibility.facts import (
    CampaignParams,
    DossierFacts,
    ExemptionFact,
    Finding,
    OrganisationFacts,
    SocialSecurityFact,
)
from zhicheng.eligibility.months import month_from_index, month_index, month_label

from ._base import Rule

SOCSEC = Rule("R-SOCSEC", "§一、§六(九)")

FLEXIBLE, AGENCY_CLIENT = "flexible", "agency_client"
AGENCY = "agency"  # accounts.OrganisationKind.AGENCY
_OPEN = 10**9  # a job without an end date runs on
HEAD_OFFICE = "head_office"
LABOUR_DOCUMENTS = ("labour_contract", "salary_statement")
HEAD_OFFICE_DOCUMENTS = ("head_office_socsec",)
_DOC_ZH = {"labour_contract": "单位盖章的劳动合同", "salary_statement": "银行工资流水",
           "head_office_socsec": "总部所在地社保经办机构缴费证明"}
_EXEMPT_ZH = {"legal_rep": "法定代表人", "director": "董事", "supervisor": "监事", "shareholder": "股东",
              "ex_military": "自主择业军转干部", "land_lost": "失地农民养老保险参保人员",
              "head_office": "外省企业总部缴纳社保"}


def rule_socsec(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    if facts.applicant.employment == FLEXIBLE:
        return [SOCSEC.ok("灵活就业人员不适用单位缴纳社保的要求", "Flexible worker: no unit contributions required")]
    if facts.exemptions:
        return [_exemption(e) for e in sorted(facts.exemptions, key=lambda e: (e.kind, sorted(e.documents)))]
    code = facts.organisation.credit_code
    if code is None:
        return [SOCSEC.missing(("organisation.credit_code",), "申报单位未登记统一社会信用代码",
                               "the applying unit has no credit code on record")]
    if facts.reference_date is None:
        return [SOCSEC.missing(("reference_date",), "无申报日期", "no submission date")]
    last = month_index(facts.reference_date)
    indexed = [(i, r) for r in facts.social_security if (i := month_index(r.month)) <= last]
    paid = {i for i, _r in indexed}
    own = {i for i, r in indexed if r.credit_code == code}
    if not own:
        return [SOCSEC.block("社保缴费记录中没有本单位缴纳的月份", "No month in the record is paid by this unit",
                             {"credit_code": code})]
    run_end = max(own)
    run_start = run_end
    while run_start - 1 in paid:
        run_start -= 1
    own_count = sum(1 for i in own if i >= run_start)
    return [_count(facts, params, own_count, run_start, run_end),
            _consistency(facts, params, [(i, r) for i, r in indexed if i >= run_start], run_start, run_end)]


def _exemption(exemption: ExemptionFact) -> Finding:
    needed = HEAD_OFFICE_DOCUMENTS if exemption.kind == HEAD_OFFICE else LABOUR_DOCUMENTS
    name = _EXEMPT_ZH.get(exemption.kind, exemption.kind)
    lacking = tuple(doc for doc in needed if doc not in exemption.documents)
    used = {"exemption": exemption.kind, "documents": sorted(exemption.documents)}
    subject = f"exemption:{exemption.kind}"
    if lacking:
        docs_zh = "、".join(_DOC_ZH[d] for d in lacking)
        return SOCSEC.missing(tuple(f"labour_exemption.{d}" for d in lacking), f"{name}须上传{docs_zh}",
                              f"the {exemption.kind} exemption needs: {', '.join(lacking)}", subject, used)
    docs_zh = "、".join(_DOC_ZH[d] for d in needed)
    return SOCSEC.ok(f"{name}：以{docs_zh}代替本单位社保缴费证明", f"{exemption.kind}: shown by {', '.join(needed)} "
                     "instead of unit contributions", used, subject)


def _count(facts: DossierFacts, params: CampaignParams, own: int, start: int, end: int) -> Finding:
    code = facts.organisation.credit_code
    total = end - start + 1
    first, last = month_label(month_from_index(start)), month_label(month_from_index(end))
    used = {"first_month": first, "last_month": last, "months": total, "own_unit_months": own,
            "required": params.social_security_months, "credit_code": code}
    other_zh = f"连续缴纳（其中本单位 {own} 个月，此前其他单位 {total - own} 个月）" if own < total else "由本单位缴纳"
    other_en = f" ({own} by this unit, {total - own} before by another unit)" if own < total else " by this unit"
    if total >= params.social_security_months:
        return SOCSEC.ok(f"社保：{first} … {last} {other_zh}，共 {total} 个月，满 "
                         f"{params.social_security_months} 个月", f"Social security {first} … {last} paid"
                         f"{other_en}, {total} months, at least {params.social_security_months}", used, "months")
    return SOCSEC.block(f"社保：{first} … {last} {other_zh}，共 {total} 个月，少于 "
                        f"{params.social_security_months} 个月", f"Social security {first} … {last} paid{other_en}"
                        f", {total} months, fewer than {params.social_security_months}", used, "months")


def _consistency(facts: DossierFacts, params: CampaignParams, run: list[tuple[int, SocialSecurityFact]],
                 start: int, end: int) -> Finding:
    """Each of the last N months of the run must be paid by a unit the work history shows at that time."""
    if not facts.work:
        return SOCSEC.missing(("work_history",), "未填写工作经历，无法核对社保缴费单位",
                              "no work history to compare with the contribution record", "work_history")
    counted_from = max(start, end - params.social_security_months + 1)
    org = facts.organisation
    agency = org.kind == AGENCY or facts.applicant.employment == AGENCY_CLIENT
    jobs = [(_normal(w.unit_name), month_index(w.start), month_index(w.end) if w.end else _OPEN)
            for w in facts.work if w.start is not None]  # an undated entry proves nothing
    counted = sorted(((i, r.credit_code, r.paying_unit, r) for i, r in run if i >= counted_from),
                     key=lambda row: row[:3])
    wrong = [f"{month_label(r.month)} {r.paying_unit or org.name}" for i, _c, _p, r in counted
             if not _month_fits(i, r, org, agency, jobs)]
    used = {"months_checked": end - counted_from + 1, "mismatches": wrong}
    if wrong:
        listed = "；".join(wrong)
        return SOCSEC.block(f"社保缴费单位与工作经历不符：{listed}",
                            f"Contributions paid by a unit the work history does not show then: {listed}",
                            used, "work_history")
    return SOCSEC.ok("社保缴费单位与工作经历一致", "The paying units match the work history", used, "work_history")


def _month_fits(month: int, record: SocialSecurityFact, org: OrganisationFacts, agency: bool,
                jobs: list[tuple[str, int, int]]) -> bool:
    own = record.credit_code == org.credit_code
    if own and agency:
        # an agency pays for its clients, whose history names their workplace: any job that month fits
        return any(first <= month <= last for _name, first, last in jobs)
    names = {_normal(n) for n in (record.paying_unit, org.name if own else "") if n}
    return not names or any(name in names and first <= month <= last for name, first, last in jobs)


@lru_cache(maxsize=4096)
def _normal(name: str) -> str:
    """Unit names compared without spaces and with half-width brackets."""
    return "".join(name.split()).replace("（", "(").replace("）", ")")
