"""Eligible-by-default facts for the 2024 campaign, with overrides: for the rule tests and bench/eligibility.py.

`make_facts()` is an engineer applying for 高级工程师 who meets every rule; each keyword replaces one part, and
the nested dicts (`applicant={...}`, `organisation={...}`, `target={...}`) replace single fields of that part.
No Django, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from zhicheng.eligibility.facts import (
    AchievementFact,
    ApplicantFacts,
    CampaignParams,
    ConditionFact,
    ContinuingEducationFact,
    DossierFacts,
    EducationFact,
    OrganisationFacts,
    SocialSecurityFact,
    TargetFacts,
    TitleFact,
    WorkFact,
)
from zhicheng.eligibility.months import add_months

D = dt.date
CREDIT_CODE = "91350200MA2YJ1XR9G"
OTHER_CODE = "91620100MA71ABCD1X"
UNIT = "兰州新区城市发展投资集团有限公司"
OTHER_UNIT = "兰州新区建设工程有限公司"
SKILLED_SERIES = frozenset({"工程", "农业", "工艺美术", "文物博物", "实验技术", "艺术", "体育", "技工院校教师"})
SENIOR_ENGINEER_CONDITIONS = (
    ConditionFact("doctor", 2, "工程", 3),
    ConditionFact("bachelor", 5, "工程", 3),
)


def make_params(**overrides: Any) -> CampaignParams:
    values: dict[str, Any] = {
        "year": 2024, "submission_opens_on": D(2024, 9, 10), "submission_closes_on": D(2024, 10, 10),
        "achievement_cutoff": D(2024, 9, 30), "seniority_date": D(2024, 12, 31), "social_security_months": 6,
        "similarity_core_max": Decimal("15.00"), "similarity_provincial_max": Decimal("25.00"),
        "ce_hours_per_year": 90, "ce_specialty_share": (2, 3), "ce_years_required": 1,
        "grassroots_senior_cap": Decimal("10"), "skilled_series": SKILLED_SERIES,
        "conditions": SENIOR_ENGINEER_CONDITIONS, "waiver_ids": frozenset({1}),
    }
    values.update(overrides)
    return CampaignParams(**values)


def socsec(first: str, count: int, credit_code: str = CREDIT_CODE, unit: str = UNIT) -> tuple[SocialSecurityFact, ...]:
    """`count` consecutive months from `first` ("2024-04") paid by one unit."""
    start = D(int(first[:4]), int(first[5:7]), 1)
    return tuple(SocialSecurityFact(add_months(start, n), credit_code, unit) for n in range(count))


def paper(id: int = 1, tier: str = "core", similarity: str | None = "8.20", **overrides: Any) -> AchievementFact:
    values: dict[str, Any] = {
        "id": id, "kind": "paper", "title": f"论文{id}", "achieved_on": D(2023, 6, 1), "tier": tier,
        "cnki_indexed": True, "similarity_percent": None if similarity is None else Decimal(similarity),
    }
    values.update(overrides)
    return AchievementFact(**values)


def ce(year: int = 2023, general: int = 30, specialty: int = 60, certificate: bool = True) -> ContinuingEducationFact:
    return ContinuingEducationFact(year, general, specialty, certificate)


ENGINEER_SINCE = D(2018, 12, 1)


def title(name: str = "工程师", rank: int = 3, obtained: dt.date | None = ENGINEER_SINCE, series: str = "工程",
          scope: str = "province") -> TitleFact:
    return TitleFact(series, rank, name, scope, obtained)


_APPLICANT = ApplicantFacts(
    birth_date=D(1986, 4, 12), sex="M", retirement_category=None, household_province="甘肃省",
    employment="unit_staff", is_civil_servant=False,
)
_ORGANISATION = OrganisationFacts(
    name=UNIT, kind="unit", credit_code=CREDIT_CODE, in_district=True, has_own_committee=False, outside_branch=False,
)
_TARGET = TargetFacts(series="工程", level_rank=4, title="高级工程师", scope="province", category="normal",
                      specialty="建设")


def make_facts(*, applicant: dict[str, Any] | None = None, organisation: dict[str, Any] | None = None,
               target: dict[str, Any] | None = None, **overrides: Any) -> DossierFacts:
    values: dict[str, Any] = {
        "applicant": replace(_APPLICANT, **(applicant or {})),
        "organisation": replace(_ORGANISATION, **(organisation or {})),
        "target": replace(_TARGET, **(target or {})),
        "titles": (title(),),
        "education": (EducationFact("bachelor", D(2008, 7, 1)),),
        "work": (WorkFact(UNIT, D(2015, 7, 1), None),),
        "social_security": socsec("2022-10", 24),
        "achievements": (paper(),),
        "continuing_education": (ce(),),
        "reference_date": D(2024, 10, 8),
    }
    values.update(overrides)
    return DossierFacts(**values)


def run(rule_id: str, facts: DossierFacts | None = None, params: CampaignParams | None = None) -> list:
    """One rule's findings, through REGISTRY (so a test also proves the rule is registered)."""
    from zhicheng.eligibility.rules import REGISTRY

    return REGISTRY[rule_id].function(facts or make_facts(), params or make_params())


def problems(findings) -> list:
    return [f for f in findings if not f.ok]
