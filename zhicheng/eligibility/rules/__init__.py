"""The eligibility rules of the notice, pure: facts in, findings out (domain brief §4, rules-facts.md).

Every rule is one function `rule_xxx(facts, params) -> list[Finding]` listed once in REGISTRY below, so
`grep R-SOCSEC` finds its function, clause and titles. Each rule returns at least one finding: ok=True when
satisfied (the applicant sees a checklist), or an incomplete finding naming the missing field. R-POSTS needs
the unit's counts and is called by the review step through `posts_check`; it is in REGISTRY with
per_dossier=False. Month arithmetic and the retirement formula live in `eligibility/months.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from zhicheng.eligibility.facts import CampaignParams, DossierFacts, Finding

from .career import rule_conditions, rule_narrow, rule_rural, rule_seniority
from .identity import rule_excl, rule_file, rule_integrity, rule_outside, rule_scope, rule_skill
from .papers import ce_years, rule_ce, rule_cutoff, rule_plagiarism
from .posts import posts_check
from .socsec import rule_socsec
from .transfer import rule_transfer

__all__ = ["PER_DOSSIER_RULES", "REGISTRY", "RULES_VERSION", "RuleSpec", "ce_years", "evaluate", "evaluate_rule",
           "posts_check"]

RULES_VERSION = "2024.1"  # stored with each check; bump when a rule's meaning changes


@dataclass(frozen=True)
class RuleSpec:
    id: str
    function: Callable[..., object]
    clause: str
    title_zh: str
    title_en: str
    per_dossier: bool = True  # False: not run by evaluate() (R-POSTS, at the unit's recommendation)
    # The DossierFacts fields the rule reads (besides the campaign's params): an edit that changes none of them
    # keeps the rule's stored findings (services.eligibility_evaluate re-runs only the rules whose inputs changed).
    # test_rule_reads checks every attribute a rule touches is declared here.
    reads: tuple[str, ...] = ()


_SPECS = (
    RuleSpec("R-SCOPE", rule_scope, "§一", "申报范围", "Who applies here",
             reads=("applicant", "organisation")),
    RuleSpec("R-EXCL", rule_excl, "§一", "不得申报的情形", "Excluded persons",
             reads=("applicant",)),
    RuleSpec("R-SOCSEC", rule_socsec, "§一、§六(九)", "社保缴纳", "Social-security contributions",
             reads=("applicant", "organisation", "social_security", "work", "exemptions", "reference_date")),
    RuleSpec("R-SKILL", rule_skill, "§一", "高技能人才贯通系列", "Skilled-worker series",
             reads=("target",)),
    RuleSpec("R-CUTOFF", rule_cutoff, "§六(二)", "业绩截止时间", "Achievement cut-off",
             reads=("achievements",)),
    RuleSpec("R-SENIORITY", rule_seniority, "§六(三)", "资历计算", "Seniority",
             reads=("titles",)),
    RuleSpec("R-CONDITIONS", rule_conditions, "§六(一)", "学历资历条件", "Education and years",
             reads=("target", "titles", "education", "achievements", "transfers")),
    RuleSpec("R-CE", rule_ce, "§六(六)", "继续教育", "Continuing education",
             reads=("continuing_education",)),
    RuleSpec("R-PLAGIARISM", rule_plagiarism, "§六(七)", "论文复制比", "Paper similarity",
             reads=("achievements",)),
    RuleSpec("R-TRANSFER", rule_transfer, "§六(十一)", "转系列", "Series transfer",
             reads=("target", "titles", "transfers")),
    RuleSpec("R-NARROW", rule_narrow, "§六(十)", "有效范围", "Narrow-scope titles",
             reads=("target", "titles")),
    RuleSpec("R-RURAL", rule_rural, "§六(五)", "乡村倾斜", "Rural tilt",
             reads=("target", "rural_service_years", "rural_remote_area")),
    RuleSpec("R-FILE", rule_file, "§六(十二)", "人事档案托管", "Personnel file custody",
             reads=("applicant",)),
    RuleSpec("R-OUTSIDE", rule_outside, "§五(三)", "委托函", "Entrustment letter",
             reads=("applicant", "organisation")),
    RuleSpec("R-INTEGRITY", rule_integrity, "§七(三)", "诚信档案限制申报", "Integrity record bar",
             reads=("applicant",)),
    RuleSpec("R-POSTS", posts_check, "§六(四)", "岗位结构比例", "Post-structure ratio", per_dossier=False),
)
REGISTRY: dict[str, RuleSpec] = {spec.id: spec for spec in _SPECS}
DossierRule = Callable[[DossierFacts, CampaignParams], list[Finding]]
_PER_DOSSIER = tuple(cast(DossierRule, spec.function) for spec in _SPECS if spec.per_dossier)
PER_DOSSIER_RULES: tuple[RuleSpec, ...] = tuple(spec for spec in _SPECS if spec.per_dossier)


def evaluate_rule(rule_id: str, facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    """One per-dossier rule's findings (the incremental re-check runs only the rules whose inputs changed)."""
    return cast(DossierRule, REGISTRY[rule_id].function)(facts, params)


def evaluate(facts: DossierFacts, params: CampaignParams) -> tuple[Finding, ...]:
    """All per-dossier rules in REGISTRY order; the same facts always give the same findings in the same order."""
    findings: list[Finding] = []
    for rule in _PER_DOSSIER:
        findings.extend(rule(facts, params))
    return tuple(findings)
