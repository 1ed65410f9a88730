"""The checklist in words: a rule's name instead of its id, and for each missing fact what it is and what to do.

Findings store rule ids (R-CE) and the facts they lacked as `section.field` codes (continuing_education.certificate)
so they stay stable and comparable; a person reads neither. These tables turn them into the words shown in the
page's language. A code not listed here still reads as the section's name (never the code itself).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from zhicheng.dossiers.sections import SECTIONS

from .rules import REGISTRY

RULE_ID = re.compile(r"\bR-[A-Z]+\b")

# missing fact code -> (what it is, what to do)
MISSING: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "account.id_number": (_("身份证号码"), _("账号的身份证号码无法识别出生日期和性别，请联系本单位系统管理员更正")),
    "achievement.achieved_on": (_("业绩取得时间"), _("在“业绩成果”栏目填写该业绩的取得时间")),
    "achievement.tier": (_("期刊级别"), _("在“业绩成果”栏目填写该论文的期刊级别")),
    "achievement.cnki_indexed": (_("知网收录情况"), _("在“业绩成果”栏目填写该论文是否被知网收录")),
    "continuing_education": (_("继续教育学时"), _("在“继续教育”栏目按年度填写公需科目和专业科目学时")),
    "continuing_education.certificate": (
        _("继续教育证书"), _("在“继续教育”栏目上传该年度的继续教育证书（文件用途选“继续教育证书”）")),
    "education": (_("学历"), _("在“学历”栏目填写最高学历并上传学历学位证书")),
    "identity.employment": (_("人员类别"), _("在“基本信息”栏目选择人员类别")),
    "identity.file_custody": (_("人事档案托管情况"), _("在“基本信息”栏目填写人事档案托管情况")),
    "identity.household_province": (_("户籍所在省份"), _("在“基本信息”栏目填写户籍所在省份")),
    "identity.is_civil_servant": (_("是否为公务员或参公管理人员"), _("在“基本信息”栏目选择是否为公务员或参公管理人员")),
    "identity.retirement_category": (_("退休类别"), _("在“基本信息”栏目选择退休类别（干部 55 岁 / 工人 50 岁）")),
    "identity.sanction_to": (_("处分影响期截止日"), _("在“基本信息”栏目填写处分影响期截止日")),
    "labour_exemption.labour_contract": (
        _("劳动合同（单位盖章）"), _("在“劳动关系证明”栏目上传单位盖章的劳动合同（文件用途选“劳动合同”）")),
    "labour_exemption.salary_statement": (
        _("银行工资流水"), _("在“劳动关系证明”栏目上传银行工资流水（文件用途选“银行工资流水”）")),
    "labour_exemption.head_office_socsec": (
        _("总部所在地社保缴费证明"), _("在“劳动关系证明”栏目上传总部所在地社保经办机构出具的缴费证明")),
    "organisation.credit_code": (_("单位统一社会信用代码"), _("请本单位系统管理员登记统一社会信用代码")),
    "organisation.professional_posts": (_("单位专业技术岗位总数"), _("请本单位系统管理员登记专业技术岗位总数")),
    "reference_date": (_("申报日期"), _("提交后由系统按提交日期检查")),
    "rural_service.years": (_("乡村服务年限"), _("在“乡村服务”栏目填写服务年限")),
    "series_transfer": (_("转系列信息"), _("在“转系列”栏目填写转系列信息并上传单位考核合格证明")),
    "series_transfer.transferred_on": (_("转系列时间"), _("在“转系列”栏目填写转系列时间")),
    "series_transfer.unit_assessment": (
        _("单位考核合格证明"), _("在“转系列”栏目上传单位考核合格证明（文件用途选“单位考核合格证明”）")),
    "title_held.obtained_on": (_("现有职称取得时间"), _("在“现有职称”栏目填写取得时间")),
    "title_held.scope": (_("现有职称有效范围"), _("在“现有职称”栏目选择有效范围")),
    "work_history": (_("工作经历"), _("在“工作经历”栏目填写工作经历")),
}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def rule_name(rule_id: str) -> str:
    """R-CE → 继续教育 (Continuing education); an unknown id reads as a generic "condition", never the id."""
    spec = REGISTRY.get(rule_id)
    if spec is None:
        return str(_("申报条件"))
    return spec.title_en if _english() else spec.title_zh


def names_for_ids(text: str) -> str:
    """A message that refers to another rule by id ("另见 R-OUTSIDE") names it instead."""
    return RULE_ID.sub(lambda m: f"“{rule_name(m.group(0))}”", text or "")


def missing_in_words(code: str) -> str:
    """'继续教育证书 — 在“继续教育”栏目上传…' for a missing fact's code."""
    known = MISSING.get(code)
    if known is not None:
        return f"{known[0]} — {known[1]}"
    spec = SECTIONS.get(code.split(".", 1)[0])
    section = (spec.label_en.capitalize() if _english() else spec.label_zh) if spec else str(_("申报材料"))
    return str(_("%(section)s — 在“%(section)s”栏目补充填写")) % {"section": section}


def finding_in_words(finding: dict) -> dict:
    """The finding with `rule_name`, `message` (page language, ids named) and `todo` (each missing fact)."""
    message = finding.get("message_en") if _english() else finding.get("message_zh")
    return {**finding, "rule_name": rule_name(finding.get("rule", "")),
            "message": names_for_ids(message or finding.get("message_zh", "")),
            "todo": [missing_in_words(code) for code in finding.get("missing") or ()]}


def unresolved_in_words(dossier) -> list[str]:
    """The latest check's conditions still blocking the dossier, each "name：what to do" (the applicant's dashboard,
    which has no checklist beside it). Three queries: the check, the overrides, the exemptions."""
    from .selectors import eligibility_latest, eligibility_overview

    check = eligibility_latest(dossier)
    if check is None:
        return []
    out = []
    for finding in eligibility_overview(dossier, check)["findings"]:
        if finding["unresolved"]:
            words = finding_in_words(finding)
            out.append(f"{words['rule_name']}：{'；'.join(words['todo']) or words['message']}")
    return out
