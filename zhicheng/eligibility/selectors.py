"""Reading for eligibility: plain facts from a dossier, parameters from a campaign, the stored checks.

`dossier_facts` and `campaign_params` make a fixed number of queries whatever the number of rows (one per
section, one for the evidence files, a few for the catalog), so a batch recheck stays linear.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from zhicheng.accounts.validators import ID_TYPE_RESIDENT, birth_date_from_id, sex_from_id
from zhicheng.campaigns.models import Campaign
from zhicheng.catalog.models import Condition, Series, TitleName, WaiverAchievement
from zhicheng.dossiers.models import (
    Achievement,
    ContinuingEducation,
    Dossier,
    EducationRecord,
    EvidenceFile,
    IdentitySection,
    LabourRelationExemption,
    RuralService,
    SeriesTransfer,
    SocialSecurityMonth,
    TitleHeld,
    WorkHistoryEntry,
)
from zhicheng.similarity.models import SimilaritySource
from zhicheng.similarity.selectors import similarity_by_paper

from .facts import (
    AchievementFact,
    ApplicantFacts,
    CampaignParams,
    ConditionFact,
    ContinuingEducationFact,
    DossierFacts,
    EducationFact,
    ExemptionFact,
    OrganisationFacts,
    SocialSecurityFact,
    TargetFacts,
    TitleFact,
    TransferFact,
    WorkFact,
)
from .models import EligibilityCheck, ExemptionDeclaration, FindingOverride, IntegrityBar, RecheckRun


def reference_date(dossier: Dossier) -> dt.date:
    """"Before submission": the day it was submitted, or today for a draft (Asia/Shanghai)."""
    if dossier.submitted_at is not None:
        return timezone.localdate(dossier.submitted_at)
    return timezone.localdate()


def _documents(dossier: Dossier) -> dict[tuple[str, int | None], frozenset[str]]:
    """The purposes of the dossier's live evidence files, by (section, item id)."""
    grouped: dict[tuple[str, int | None], set[str]] = defaultdict(set)
    rows = EvidenceFile.objects.filter(dossier=dossier, deleted_at__isnull=True).exclude(purpose="")
    for section, item_id, purpose in rows.values_list("section", "item_id", "purpose"):
        grouped[(section, item_id)].add(purpose)
    return {key: frozenset(value) for key, value in grouped.items()}


def _applicant(dossier: Dossier, docs) -> ApplicantFacts:
    user = dossier.applicant
    birth = sex = None
    if user.id_type == ID_TYPE_RESIDENT and user.id_number:
        birth, sex = birth_date_from_id(user.id_number), sex_from_id(user.id_number)
    identity = IdentitySection.objects.filter(dossier=dossier).first()
    bar = IntegrityBar.objects.filter(user_id=user.pk).aggregate(until=Max("ends_on"))["until"]
    if identity is None:
        return ApplicantFacts(birth_date=birth, sex=sex, retirement_category=None, household_province=None,
                              employment=None, is_civil_servant=None, file_custody=None, integrity_bar_until=bar)
    sanctioned = bool(identity.sanction_kind)
    return ApplicantFacts(
        birth_date=birth, sex=sex, retirement_category=identity.retirement_category or None,
        household_province=identity.household_province or None, employment=identity.employment or None,
        is_civil_servant=identity.is_civil_servant,
        sanction_from=identity.sanction_from if sanctioned else None,
        sanction_to=identity.sanction_to if sanctioned else None,
        file_custody=identity.file_custody or None,
        documents=frozenset().union(*(v for (section, _), v in docs.items() if section == "identity")),
        integrity_bar_until=bar,
    )


def _organisation(dossier: Dossier) -> OrganisationFacts:
    org = dossier.organisation
    return OrganisationFacts(
        name=org.name, kind=org.kind, credit_code=org.credit_code or None, in_district=org.in_district,
        has_own_committee=org.has_own_committee, outside_branch=org.outside_branch,
        has_post_management=org.has_post_management, professional_posts=org.professional_posts,
    )


def _title_names() -> dict[tuple[int, int], str]:
    return {(s, lv): name for s, lv, name in TitleName.objects.values_list("series_id", "level_id", "name")}


def _rows(model, dossier: Dossier, *related: str) -> list:
    qs = model.objects.filter(dossier=dossier).order_by("id")
    return list(qs.select_related(*related) if related else qs)


def _achievement(a: Achievement, results) -> AchievementFact:
    """A paper's similarity is only what the office or the unit entered (§六(七)), never the applicant's column."""
    result = results.get(a.pk)
    return AchievementFact(
        id=a.pk, kind=a.kind, title=a.title, achieved_on=a.achieved_on, tier=a.tier, cnki_indexed=a.cnki_indexed,
        similarity_percent=result.percent if result else None,
        has_similarity_report=bool(result and result.source == SimilaritySource.UNIT and result.report),
        waiver_id=a.waiver_id,
    )


def _history(dossier: Dossier, docs, names) -> dict:
    """Titles, transfers, education and work: the applicant's career as plain rows."""
    titles = _rows(TitleHeld, dossier, "series", "level")
    return {
        "titles": tuple(TitleFact(series=t.series.name, level_rank=t.level.rank,
                                  title=names.get((t.series_id, t.level_id), ""), scope=t.scope,
                                  obtained_on=t.obtained_on) for t in titles),
        "transfers": tuple(
            TransferFact(transferred_on=t.transferred_on,
                         has_unit_assessment="unit_assessment" in docs.get(("series_transfer", t.pk), ()))
            for t in _rows(SeriesTransfer, dossier)
        ),
        "education": tuple(EducationFact(degree=e.degree, end=e.end) for e in _rows(EducationRecord, dossier)),
        "work": tuple(WorkFact(unit_name=w.unit_name, start=w.start, end=w.end)
                      for w in _rows(WorkHistoryEntry, dossier)),
    }


def _records(dossier: Dossier, docs) -> dict:
    """Contributions, achievements, continuing education, exemptions and rural service."""
    rural = _rows(RuralService, dossier)
    results = similarity_by_paper(dossier)
    return {
        "social_security": tuple(
            SocialSecurityFact(month=s.month, credit_code=s.credit_code, paying_unit=s.paying_unit)
            for s in sorted(_rows(SocialSecurityMonth, dossier), key=lambda s: (s.month, s.credit_code))
        ),
        "achievements": tuple(_achievement(a, results) for a in _rows(Achievement, dossier)),
        "continuing_education": tuple(
            ContinuingEducationFact(year=c.year, general_hours=c.general_hours, specialty_hours=c.specialty_hours,
                                    has_certificate="ce_certificate" in docs.get(("continuing_education", c.pk), ()))
            for c in _rows(ContinuingEducation, dossier)
        ),
        "exemptions": tuple(ExemptionFact(kind=x.kind, documents=docs.get(("labour_exemption", x.pk), frozenset()))
                            for x in _rows(LabourRelationExemption, dossier)),
        "rural_service_years": max((r.years for r in rural), default=None),
        "rural_remote_area": any(r.remote_area for r in rural),
    }


def dossier_facts(dossier: Dossier) -> DossierFacts:
    """The plain facts the rules read, from the dossier as it is now (deleted evidence files ignored)."""
    dossier = Dossier.objects.select_related(
        "applicant", "campaign", "organisation", "series", "level", "specialty"
    ).get(pk=dossier.pk)
    docs, names = _documents(dossier), _title_names()
    target = TargetFacts(
        series=dossier.series.name, level_rank=dossier.level.rank,
        title=names.get((dossier.series_id, dossier.level_id), ""), scope=dossier.scope, category=dossier.category,
        specialty=dossier.specialty.name if dossier.specialty is not None else "",
    )
    return DossierFacts(
        applicant=_applicant(dossier, docs), organisation=_organisation(dossier), target=target,
        **_history(dossier, docs, names), **_records(dossier, docs), reference_date=reference_date(dossier),
    )


def condition_facts(*, series, level) -> tuple[ConditionFact, ...]:
    """The catalog's conditions for one series and level, as the facts R-CONDITIONS reads."""
    conditions = Condition.objects.filter(series=series, level=level).select_related(
        "below_title__series", "below_title__level"
    ).order_by("position", "id")
    return tuple(
        ConditionFact(education=c.education, min_years=c.min_years,
                      below_series=c.below_title.series.name if c.below_title is not None else None,
                      below_level_rank=c.below_title.level.rank if c.below_title is not None else None,
                      scope=c.scope)
        for c in conditions
    )


def campaign_params(campaign: Campaign, *, series, level) -> CampaignParams:
    """The campaign's dates and thresholds with the catalog's conditions and 破格 list for one target."""
    waivers = WaiverAchievement.objects.filter(Q(series=series) | Q(series__isnull=True), is_active=True)
    closes = timezone.localtime(campaign.submission_closes_at - dt.timedelta(microseconds=1)).date()
    return CampaignParams(
        year=campaign.year, submission_opens_on=timezone.localdate(campaign.submission_opens_at),
        submission_closes_on=closes, achievement_cutoff=campaign.achievement_cutoff,
        seniority_date=campaign.seniority_date, social_security_months=campaign.social_security_months,
        similarity_core_max=Decimal(campaign.similarity_core_max),
        similarity_provincial_max=Decimal(campaign.similarity_provincial_max),
        ce_hours_per_year=campaign.ce_hours_per_year,
        ce_specialty_share=(campaign.ce_specialty_share_numerator, campaign.ce_specialty_share_denominator),
        ce_years_required=campaign.ce_years_required, grassroots_senior_cap=Decimal(campaign.grassroots_senior_cap),
        skilled_series=frozenset(Series.objects.filter(skilled_workers_may_apply=True).values_list("name", flat=True)),
        conditions=condition_facts(series=series, level=level),
        waiver_ids=frozenset(waivers.values_list("pk", flat=True)),
    )


def eligibility_latest(dossier: Dossier) -> EligibilityCheck | None:
    """The current check: the latest one stored, with the version it was made on (the checklist names its number;
    the version's snapshot is left unread)."""
    return (EligibilityCheck.objects.filter(dossier=dossier).select_related("version")
            .defer("version__snapshot", "version__file_hashes").order_by("-computed_at", "-id").first())


def eligibility_history(dossier: Dossier) -> QuerySet[EligibilityCheck]:
    return EligibilityCheck.objects.filter(dossier=dossier).select_related("version").order_by("-computed_at", "-id")


def overrides_for(dossier: Dossier) -> QuerySet[FindingOverride]:
    """Every override of the dossier, revoked ones too (later reviewers see the whole story)."""
    return FindingOverride.objects.filter(dossier=dossier).select_related("by", "revoked_by").order_by("-at", "-id")


def exemptions_for(dossier: Dossier) -> QuerySet[ExemptionDeclaration]:
    return ExemptionDeclaration.objects.filter(dossier=dossier).select_related("declared_by", "decided_by").order_by(
        "-declared_at", "-id"
    )


def detail_read(qs, user):
    """For dossiers.hooks.DETAIL_READS: whether the dossier has overrides and exemption declarations, in the dossier
    page's one read (two EXISTS), so that the checklist reads them only when there are some."""
    return qs.annotate(
        zc_has_overrides=Exists(FindingOverride.objects.filter(dossier_id=OuterRef("pk"))),
        zc_has_exemptions=Exists(ExemptionDeclaration.objects.filter(dossier_id=OuterRef("pk"))),
    )


def recheck_runs(campaign: Campaign | None = None) -> QuerySet[RecheckRun]:
    qs = RecheckRun.objects.select_related("campaign", "requested_by")
    return qs.filter(campaign=campaign) if campaign is not None else qs


_ORDER = {"block": 0, "warn": 1, "info": 2}


def _key(item) -> tuple[str, str]:
    return (item.rule, item.subject or "")


def _rule_times(check: EligibilityCheck) -> dict[str, dt.datetime]:
    """When each rule last ran: a rule whose facts did not change keeps the time of the check that ran it."""
    return {rule: dt.datetime.fromisoformat(at) for rule, at in (check.rule_checked_at or {}).items()}


def eligibility_overview(dossier: Dossier, check: EligibilityCheck) -> dict:
    """The check's findings, unmet ones first, each with its active override and latest exemption declaration."""
    # the dossier page's read says whether any exist (detail_read): none, no query
    overrides = list(overrides_for(dossier)) if getattr(dossier, "zc_has_overrides", True) else []
    exemptions = list(exemptions_for(dossier)) if getattr(dossier, "zc_has_exemptions", True) else []
    active = {_key(o): o for o in overrides if o.revoked_at is None}
    latest_declared: dict[tuple[str, str], ExemptionDeclaration] = {}
    for declaration in exemptions:  # newest first
        latest_declared.setdefault(_key(declaration), declaration)
    findings = []
    checked_at = _rule_times(check)
    for f in check.findings:
        key = (f["rule"], f.get("subject") or "")
        override, exemption = active.get(key), latest_declared.get(key)
        covered = override is not None or (exemption is not None and exemption.state != "refused")
        findings.append({**f, "override": override, "exemption": exemption,
                         "unresolved": bool(f.get("blocking")) and not covered,
                         "checked_at": checked_at.get(f["rule"], check.computed_at)})
    findings.sort(key=lambda f: (f["ok"], not f.get("incomplete"), _ORDER.get(f["severity"], 3), f["rule"]))
    return {
        "check": check, "findings": findings, "overrides": overrides, "exemptions": exemptions,
        "is_current": check.dossier_revision == dossier.revision,
        "unresolved_count": sum(1 for f in findings if f["unresolved"]),
        "unmet_count": sum(1 for f in findings if not f["ok"]),
    }


def eligibility_status(*, dossier: Dossier) -> str:
    """One word for the dossier's summary: not_checked / outdated / incomplete / blocked / eligible."""
    check = eligibility_latest(dossier)
    if check is None:
        return "not_checked"
    if check.dossier_revision != dossier.revision:
        return "outdated"
    overview = eligibility_overview(dossier, check)
    if overview["unresolved_count"]:
        unresolved = [f for f in overview["findings"] if f["unresolved"]]
        return "incomplete" if all(f.get("incomplete") for f in unresolved) else "blocked"
    return "eligible"
