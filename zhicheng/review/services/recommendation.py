"""The unit's recommendation (§二, §六(四)): the discipline office's opinion, the sealed conduct statement, R-POSTS.

The unit records the papers (`recommendation_record`) and its post counts (`unit_post_count_record`, one per
unit and year, see docs/decisions.md); a clerk then proposes the `recommend` decision and a leader confirms.
The row publicity_done → recommended names the guards (review/guards.py), run at both steps: the hand-over
instant of the dossier's route (§四(三); 10-31 24:00 is 11-01 00:00+08:00), the papers, the staff meeting for 破格 and
基层有效, and R-POSTS counting this year's recommendations of the unit, holding a lock on the unit's post counts
so two cannot both take the last place.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.models import Route
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import require
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.permissions import is_holder_staff
from zhicheng.dossiers.recusal import recusal_audited, require_impartial
from zhicheng.eligibility.rules.posts import SENIOR_RANK, posts_check
from zhicheng.eligibility.services import finding_as_dict
from zhicheng.files.inspection import evidence_clean_name, evidence_file_limit_bytes, evidence_inspect
from zhicheng.files.storage import evidence_store_then

from ..models import Recommendation, ReviewDecision, UnitPostCount

S = DossierState
# "RECOMMENDED or later": every state a dossier reaches once its unit recommended it
RECOMMENDED_OR_LATER = (S.RECOMMENDED, S.DEPARTMENT_RETURNED, S.DEPARTMENT_REJECTED, S.DEPARTMENT_PASSED,
                        S.OFFICE_ACCEPTED, S.OFFICE_REJECTED)
PAPERS_STATES = (S.UNIT_PASSED, S.IN_PUBLICITY, S.PUBLICITY_DONE)  # the unit may prepare the papers early


def handover_deadline(dossier: Dossier) -> dt.datetime:
    """The instant by which the unit hands a publicity-cleared dossier to its review department (§四(三)): 10-31
    24:00, or for an entrusted series 10-30 24:00 (its 审核推荐 is finished then); see docs/decisions.md."""
    campaign = dossier.campaign
    if dossier.route == Route.ENTRUSTED:
        return min(campaign.entrusted_recommendation_deadline, campaign.department_deadline)
    return campaign.department_deadline


def unit_recommendation_close(dossier: Dossier) -> dt.datetime:
    """The system's close of unit recommendation (§二, 10-20 24:00): the unit's verdict (pass or return) on a
    submitted dossier comes before it, so publicity and the hand-over fit before the hand-over instant."""
    return dossier.campaign.unit_recommendation_deadline


def _locked_for_unit(dossier: Dossier, actor) -> Dossier:
    locked = (Dossier.objects.select_for_update(of=("self",)).select_related("campaign", "organisation")
              .get(pk=dossier.pk))  # the dossier row only, never the campaign's or the unit's
    require(is_holder_staff(actor, locked))
    require_impartial(actor, locked, step="recommendation")
    return locked


def _count(value: Any, field: str, *, optional: bool = False) -> int | None:
    if optional and value in (None, ""):
        return None
    if not str(value).strip().isdigit():
        raise ApplicationError("invalid_count", "请填写非负整数", "Give a whole number",
                               details={"fields": {field: ["请填写非负整数"]}, "fields_en": {field: ["number"]}})
    return int(str(value).strip())


@recusal_audited
@transaction.atomic
def unit_post_count_record(*, dossier: Dossier, actor, senior_held, grassroots_senior_held, senior_posts=None,
                           ip: str | None = None) -> UnitPostCount:
    """The unit's senior titles already held (all / 基层有效) and its senior posts, for this year's R-POSTS."""
    locked = _locked_for_unit(dossier, actor)
    values = {"senior_held": _count(senior_held, "senior_held"),
              "grassroots_senior_held": _count(grassroots_senior_held, "grassroots_senior_held"),
              "senior_posts": _count(senior_posts, "senior_posts", optional=True),
              "updated_by": actor, "updated_at": timezone.now()}
    counts, _ = UnitPostCount.objects.update_or_create(
        organisation=locked.organisation, campaign=locked.campaign, defaults=values
    )
    audit_event_record(event_type=EventType.REVIEW_POST_COUNTS_RECORDED, actor=actor, organisation=locked.organisation,
                       obj=locked, data={k: v for k, v in values.items() if k.endswith(("held", "posts"))}, ip=ip)
    return counts


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError("required", f"请填写{label}", f"{field} is required",
                               details={"fields": {field: [f"请填写{label}"]}, "fields_en": {field: ["required"]}})
    return value


@recusal_audited
def recommendation_record(*, dossier: Dossier, actor, discipline_opinion: str, conduct_statement: str,
                          upload: IO[bytes] | None = None, ip: str | None = None) -> Recommendation:
    """Record (or replace) the papers; the sealed statement is inspected by content and stored like evidence."""
    require(is_holder_staff(actor, dossier))
    require_impartial(actor, dossier, step="recommendation")
    opinion = _text(discipline_opinion, "discipline_opinion", "纪检监察意见")
    statement = _text(conduct_statement, "conduct_statement", "品德考核情况说明")
    if upload is None:
        return _papers_write(dossier, actor, ip, {"discipline_opinion": opinion, "conduct_statement": statement})
    name = evidence_clean_name(getattr(upload, "name", "") or "")
    inspected = evidence_inspect(upload, claimed_name=name, max_bytes=evidence_file_limit_bytes(dossier.campaign))
    values = {"discipline_opinion": opinion, "conduct_statement": statement, "conduct_file_name": name,
              "conduct_file_kind": inspected.kind, "conduct_file_size": inspected.size,
              "conduct_file_sha256": inspected.sha256}

    def write(stored: str) -> Recommendation:
        return _papers_write(dossier, actor, ip, {**values, "conduct_file": stored})

    return evidence_store_then(upload, inspected=inspected, write=write)


@transaction.atomic
def _papers_write(dossier: Dossier, actor, ip: str | None, values: dict[str, Any]) -> Recommendation:
    locked = _locked_for_unit(dossier, actor)
    if locked.state not in PAPERS_STATES:
        raise ApplicationError("invalid_state", f"当前状态（{locked.get_state_display()}）不能填写推荐材料",
                               f"Cannot record recommendation papers in state {locked.state}", status=409)
    papers, _ = Recommendation.objects.update_or_create(
        dossier=locked, defaults={**values, "recorded_by": actor, "recorded_at": timezone.now()}
    )
    audit_event_record(event_type=EventType.REVIEW_RECOMMENDATION_RECORDED, actor=actor,
                       organisation=locked.organisation, obj=locked,
                       data={k: v for k, v in values.items() if k != "conduct_file"}
                       | {"file": bool(papers.conduct_file)}, ip=ip)
    return papers


def _recommended_this_year(dossier: Dossier):
    return Dossier.objects.filter(campaign_id=dossier.campaign_id, organisation_id=dossier.organisation_id,
                                  state__in=RECOMMENDED_OR_LATER, level__rank__gte=SENIOR_RANK).exclude(pk=dossier.pk)


def posts_finding(dossier: Dossier, *, lock: bool) -> dict[str, Any] | None:
    """R-POSTS for recommending this dossier now (None: a senior title needs the unit's counts, none recorded)."""
    senior = dossier.level.rank >= SENIOR_RANK
    counts = None
    if senior:
        rows = UnitPostCount.objects.filter(organisation_id=dossier.organisation_id, campaign_id=dossier.campaign_id)
        counts = (rows.select_for_update() if lock else rows).first()
        if counts is None:
            return None
    ours = _recommended_this_year(dossier)
    in_ratio = ours.exclude(category="rural").exclude(category="exceptional", scope="province").count()
    grassroots = ours.filter(scope="grassroots").count()
    organisation = dossier.organisation
    finding = posts_check(
        level_rank=dossier.level.rank, scope=dossier.scope, category=dossier.category,
        professional_posts=organisation.professional_posts, senior_held=counts.senior_held if counts else 0,
        grassroots_senior_held=counts.grassroots_senior_held if counts else 0,
        recommending_now=in_ratio + 1, grassroots_recommending_now=grassroots + 1,
        has_post_management=organisation.has_post_management, cap_percent=dossier.campaign.grassroots_senior_cap,
        posts_at_level=counts.senior_posts if counts and senior else None,
    )
    return finding_as_dict(finding)


def recommend_after(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    """The papers record who recommended, when, and the R-POSTS finding the guard allowed (kept on the decision)."""
    finding = posts_finding(dossier, lock=False) or {}
    decision.data = {**(decision.data or {}), "posts_check": finding}
    Recommendation.objects.filter(dossier=dossier).update(
        recommended_by=decision.confirmed_by, recommended_at=now, posts_check=finding
    )
    ReviewDecision.objects.filter(pk=decision.pk).update(data=decision.data)
