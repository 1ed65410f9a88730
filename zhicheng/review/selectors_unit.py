"""Reading the unit review: a dossier's decisions and returns, a decision by id, the panel's data."""

from __future__ import annotations

from django.db.models import QuerySet

from zhicheng.core.errors import NotFound
from zhicheng.dossiers.hooks import joined
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.selectors import dossier_get_for

from .models import Recommendation, ReturnRequest, ReviewDecision, StaffMeeting, UnitPostCount


def decisions_visible(user, dossier: Dossier) -> QuerySet[ReviewDecision]:
    """Reviewers see every decision; the applicant only confirmed ones (a pending proposal is internal)."""
    decisions = ReviewDecision.objects.filter(dossier=dossier).order_by("-proposed_at", "-id")
    if dossier.applicant_id == getattr(user, "pk", None):
        decisions = decisions.filter(confirmed_at__isnull=False)
    return decisions


def dossier_decisions_read(dossier: Dossier) -> list[ReviewDecision]:
    """Every decision of the dossier, newest first, with who proposed and confirmed it: read once per request (kept
    on the request's dossier instance) for the decision panel's open decision and its history (issue 11's query
    budget). For pages only, never a write path (a write reads the open decision under the dossier's lock)."""
    if "_decisions_read" not in dossier.__dict__:
        dossier.__dict__["_decisions_read"] = list(
            ReviewDecision.objects.filter(dossier=dossier).select_related("proposed_by", "confirmed_by")
            .order_by("-proposed_at", "-id"))
    return dossier.__dict__["_decisions_read"]


def decisions_visible_read(user, dossier: Dossier) -> list[ReviewDecision]:
    """`decisions_visible` from the request's one read of the decisions."""
    decisions = dossier_decisions_read(dossier)
    if dossier.applicant_id == getattr(user, "pk", None):
        decisions = [d for d in decisions if d.confirmed_at is not None]
    return decisions


def decision_get_for(user, decision_id) -> ReviewDecision:
    """The decision if its dossier is visible to the user; otherwise NotFound, like the dossier itself."""
    decision = ReviewDecision.objects.filter(pk=decision_id).only("id", "dossier_id").first() \
        if str(decision_id).isdigit() else None
    if decision is None:
        raise NotFound("not_found", "审核意见不存在或无权查看", "Decision not found")
    dossier_get_for(user, decision.dossier_id)
    return ReviewDecision.objects.select_related("proposed_by").get(pk=decision.pk)


def returns_of(dossier: Dossier) -> QuerySet[ReturnRequest]:
    """Every return of the dossier with its items and decision (newest first), in two queries."""
    return (ReturnRequest.objects.filter(dossier=dossier).select_related("decision")
            .prefetch_related("items").order_by("-created_at", "-id"))


def recommendation_of(dossier: Dossier) -> Recommendation | None:
    found, recommendation = joined(dossier, "recommendation")  # the dossier page's read joins it (detail_read)
    return recommendation if found else Recommendation.objects.filter(dossier=dossier).first()


def staff_meeting_of(dossier: Dossier) -> StaffMeeting | None:
    found, meeting = joined(dossier, "staff_meeting")
    return meeting if found else StaffMeeting.objects.filter(dossier=dossier).select_related("recorded_by").first()


def detail_read(qs, user):
    """For dossiers.hooks.DETAIL_READS: the decision panel's papers and staff meeting (one-to-ones) joined to the
    dossier page's read of the dossier."""
    return qs.select_related("recommendation", "staff_meeting__recorded_by")


def post_counts_of(dossier: Dossier) -> UnitPostCount | None:
    rows = UnitPostCount.objects.filter(organisation_id=dossier.organisation_id, campaign_id=dossier.campaign_id)
    return rows.first()
