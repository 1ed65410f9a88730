"""Plain facts the rules read and the findings they write: frozen dataclasses, no Django, no database.

`selectors.dossier_facts()` builds `DossierFacts` from a dossier and `selectors.campaign_params()` builds
`CampaignParams` from a campaign; the rules in rules.py see nothing else, so they can be tested and
benchmarked on facts made by hand. A value of None means "not filled in": a rule that needs it reports an
incomplete finding naming the field, never a pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Severities of a finding
BLOCK, WARN, INFO = "block", "warn", "info"


@dataclass(frozen=True)
class Finding:
    """What one rule says about one dossier; `missing` names the facts it needed and did not get."""

    rule: str  # "R-SOCSEC"
    severity: str  # BLOCK / WARN / INFO
    ok: bool
    message_zh: str
    message_en: str
    clause: str  # "§一、§六(九)"
    facts_used: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # non-empty: incomplete (ok is False)
    subject: str = ""  # the item it is about, e.g. "achievement:12", so several findings of one rule differ

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)

    @property
    def blocking(self) -> bool:
        return not self.ok and self.severity == BLOCK


@dataclass(frozen=True)
class ConditionFact:
    """One way to qualify for the target (catalog.Condition): an education plus years at the level below."""

    education: str  # catalog.Education value
    min_years: int
    below_series: str | None  # series name of the title below, None when no years are needed
    below_level_rank: int | None
    scope: str = ""


@dataclass(frozen=True)
class CampaignParams:
    """The campaign's dates and thresholds, and the catalog data the rules need for the dossier's target."""

    year: int
    submission_opens_on: dt.date
    submission_closes_on: dt.date  # the last day (10-10 for "10 月 10 日 24 时")
    achievement_cutoff: dt.date
    seniority_date: dt.date
    social_security_months: int
    similarity_core_max: Decimal
    similarity_provincial_max: Decimal
    ce_hours_per_year: int
    ce_specialty_share: tuple[int, int]  # (2, 3)
    ce_years_required: int
    grassroots_senior_cap: Decimal  # per cent
    skilled_series: frozenset[str]  # series names open to skilled workers (R-SKILL)
    conditions: tuple[ConditionFact, ...] = ()  # for the target series and level
    waiver_ids: frozenset[int] = frozenset()  # active 破格 achievements for the target series


@dataclass(frozen=True)
class ApplicantFacts:
    """Identity: from the account's ID number (birth, sex) and the identity section (everything else)."""

    birth_date: dt.date | None
    sex: str | None  # "M" / "F", from the ID number
    retirement_category: str | None  # "cadre55" / "worker50" (women); None if not filled in
    household_province: str | None
    employment: str | None  # "unit_staff" / "agency_client" / "flexible"
    is_civil_servant: bool | None
    sanction_from: dt.date | None = None
    sanction_to: dt.date | None = None
    file_custody: str | None = "local"  # "local" / "outside_province" / "elsewhere"
    documents: frozenset[str] = frozenset()  # purposes of identity-section evidence (entrustment_letter …)
    integrity_bar_until: dt.date | None = None  # last day of a bar on applying (a revoked title, §七(三))


@dataclass(frozen=True)
class OrganisationFacts:
    """The unit or agency the dossier is submitted to."""

    name: str
    kind: str  # accounts.OrganisationKind value ("unit" / "agency")
    credit_code: str | None
    in_district: bool
    has_own_committee: bool
    outside_branch: bool
    has_post_management: bool = False
    professional_posts: int = 0


@dataclass(frozen=True)
class TargetFacts:
    series: str  # series name, "工程"
    level_rank: int  # 5 正高级 … 1 员级
    title: str  # "高级工程师"
    scope: str  # dossiers.ValidityScope value
    category: str  # dossiers.Category value
    specialty: str = ""


@dataclass(frozen=True)
class TitleFact:
    series: str
    level_rank: int
    title: str
    scope: str
    obtained_on: dt.date | None


@dataclass(frozen=True)
class TransferFact:
    transferred_on: dt.date | None
    has_unit_assessment: bool  # a unit_assessment file is attached


@dataclass(frozen=True)
class EducationFact:
    degree: str  # catalog.Education value
    end: dt.date | None


@dataclass(frozen=True)
class WorkFact:
    unit_name: str
    start: dt.date | None
    end: dt.date | None  # None: until now


@dataclass(frozen=True)
class SocialSecurityFact:
    month: dt.date  # first day of the month
    credit_code: str
    paying_unit: str = ""


@dataclass(frozen=True)
class AchievementFact:
    id: int
    kind: str  # dossiers.Achievement.Kind value
    title: str
    achieved_on: dt.date | None
    tier: str = ""  # "core" / "provincial" / "other" (papers)
    cnki_indexed: bool | None = None
    similarity_percent: Decimal | None = None
    has_similarity_report: bool = False
    waiver_id: int | None = None


@dataclass(frozen=True)
class ContinuingEducationFact:
    year: int
    general_hours: int
    specialty_hours: int
    has_certificate: bool


@dataclass(frozen=True)
class ExemptionFact:
    """R-SOCSEC's labour-relation exemption (or the out-of-province head office), with its documents."""

    kind: str  # dossiers.LabourRelationExemption.Kind value
    documents: frozenset[str]  # purposes of its files


@dataclass(frozen=True)
class DossierFacts:
    applicant: ApplicantFacts
    organisation: OrganisationFacts
    target: TargetFacts
    titles: tuple[TitleFact, ...] = ()
    transfers: tuple[TransferFact, ...] = ()
    education: tuple[EducationFact, ...] = ()
    work: tuple[WorkFact, ...] = ()
    social_security: tuple[SocialSecurityFact, ...] = ()
    achievements: tuple[AchievementFact, ...] = ()
    continuing_education: tuple[ContinuingEducationFact, ...] = ()
    exemptions: tuple[ExemptionFact, ...] = ()
    rural_service_years: int | None = None
    rural_remote_area: bool = False
    reference_date: dt.date | None = None  # submission date (or today for a draft): "before submission"
