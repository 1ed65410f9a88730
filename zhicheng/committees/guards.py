"""The evaluation steps' guards: on the agenda, quorum, ballot closed, chair signed, quota, entrusted dispatch."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from zhicheng.campaigns.models import CampaignQuota
from zhicheng.core.permissions import ALLOW, Decision
from zhicheng.dossiers.guards import GuardContext, guard_register, refuse

from . import rules
from .models import AgendaItem, BallotState, EvaluationResult, MeetingStatus, SeatStatus

# A signing meeting's items and quota figures, read once for its whole batch of results (`signing_prefetched`):
# the guards then ask nothing of the database per dossier. Outside a signing (None) they query as usual.
_SIGNING: ContextVar[dict | None] = ContextVar("committees_signing", default=None)


@contextmanager
def signing_prefetched(items: list[AgendaItem], plans: dict[tuple, int | None], used: dict[tuple, int]):
    """While a meeting's results are recorded: its items by dossier, the plan and the passes per series/level.

    The caller holds the meeting's and the plans' row locks and has written every result row first, so these
    figures are exactly what the guards would read."""
    token = _SIGNING.set({"items": {item.dossier_id: item for item in items}, "plans": plans, "used": used})
    try:
        yield
    finally:
        _SIGNING.reset(token)


def _current_item(ctx: GuardContext) -> AgendaItem | None:
    """The dossier's latest agenda item (a dossier sits on one meeting at a time)."""
    signing = _SIGNING.get()
    if signing is not None and ctx.dossier.pk in signing["items"]:
        return signing["items"][ctx.dossier.pk]
    return (AgendaItem.objects.select_related("meeting", "meeting__chair").filter(dossier_id=ctx.dossier.pk)
            .order_by("-meeting_id").first())


@guard_register("route_self_run")
def route_self_run(ctx: GuardContext) -> Decision:
    """The office confirmed the district's own evaluation for this dossier (not entrusted)."""
    return ALLOW if ctx.dossier.route == "self" else refuse(
        "route_entrusted", "该申报材料为委托评审，不能排入本级评审会议", "An entrusted dossier goes to its committee")


@guard_register("route_entrusted")
def route_entrusted(ctx: GuardContext) -> Decision:
    """The office confirmed entrusted evaluation for this dossier."""
    return ALLOW if ctx.dossier.route == "entrusted" else refuse(
        "route_self_run", "该申报材料由本级评审，不能送委托评审", "A self-run dossier is not entrusted")


@guard_register("on_agenda")
def on_agenda(ctx: GuardContext) -> Decision:
    """The dossier is on the agenda of a meeting not yet signed."""
    item = _current_item(ctx)
    return ALLOW if item is not None and item.meeting.status != MeetingStatus.SIGNED else refuse(
        "not_on_agenda", "该申报材料不在任何评审会议议程中", "Not on a meeting's agenda")


@guard_register("quorum_met")
def quorum_met(ctx: GuardContext) -> Decision:
    """At least 2/3 (the meeting's ratio) of the meeting's members are checked in."""
    item = _current_item(ctx)
    if item is None:
        return refuse("not_on_agenda", "该申报材料不在任何评审会议议程中", "Not on a meeting's agenda")
    meeting = item.meeting
    seats = list(meeting.members.filter(status__in=[SeatStatus.CONFIRMED, SeatStatus.INVITED])
                 .values_list("present", flat=True))
    present = sum(1 for p in seats if p)
    if rules.quorum_met(present, len(seats), meeting.quorum_numerator, meeting.quorum_denominator):
        return ALLOW
    return refuse("quorum_not_met", f"出席委员 {present} 人，未达到法定人数", "No quorum", present=present,
                  members=len(seats))


@guard_register("ballot_closed")
def ballot_closed(ctx: GuardContext) -> Decision:
    """The candidate's secret ballot is closed and counted."""
    item = _current_item(ctx)
    if item is not None and item.ballot_state == BallotState.CLOSED:
        return ALLOW
    return refuse("ballot_not_closed", "该候选人的投票尚未结束", "The ballot is not closed")


@guard_register("chair_signed")
def chair_signed(ctx: GuardContext) -> Decision:
    """The presiding chair signed the meeting's tally (the result is final only then)."""
    item = _current_item(ctx)
    meeting = item.meeting if item is not None else None
    if meeting is not None and meeting.signed_at is not None and meeting.chair_id is not None and (
        meeting.signed_by_id == meeting.chair.user_id
    ):
        return ALLOW
    return refuse("chair_not_signed", "主任委员尚未签署计票结果", "The chair has not signed the tally")


@guard_register("quota_available")
def quota_available(ctx: GuardContext) -> Decision:
    """Passes of the dossier's series and level stay within the campaign's evaluation plan (no plan row: no cap).

    The pass's own result row is recorded first, so the count includes it."""
    dossier = ctx.dossier
    signing = _SIGNING.get()
    key = (dossier.campaign_id, dossier.series_id, dossier.level_id)
    if signing is not None and dossier.pk in signing["items"] and key in signing["plans"]:
        plan, used = signing["plans"][key], signing["used"].get(key, 0)
        if plan is None or used <= plan:
            return ALLOW
        return refuse("quota_exceeded", f"通过人数将超出评审计划（{plan} 名）", f"Beyond the plan of {plan}", plan=plan)
    plan = CampaignQuota.objects.filter(campaign_id=dossier.campaign_id, series_id=dossier.series_id,
                                        level_id=dossier.level_id).values_list("count", flat=True).first()
    if plan is None:
        return ALLOW
    used = EvaluationResult.objects.filter(passed=True, dossier__campaign_id=dossier.campaign_id,
                                           dossier__series_id=dossier.series_id,
                                           dossier__level_id=dossier.level_id).count()
    if used <= plan:
        return ALLOW
    return refuse("quota_exceeded", f"通过人数将超出评审计划（{plan} 名）", f"Beyond the plan of {plan}", plan=plan)


@guard_register("entrustment_prepared")
def entrustment_prepared(ctx: GuardContext) -> Decision:
    """The entrustment letter and the package were generated before the dossier is sent."""
    from .models import Entrustment

    entrustment = Entrustment.objects.filter(dossier_id=ctx.dossier.pk).first()
    if entrustment is not None and entrustment.letter_file_id and entrustment.package_file_id:
        return ALLOW
    return refuse("entrustment_missing", "请先生成委托函和送评材料", "Prepare the letter and the package first")


@guard_register("entrusted_result_recorded")
def entrusted_result_recorded(ctx: GuardContext) -> Decision:
    """The entrusted committee's result is recorded, and it says what the step says (pass or fail)."""
    result = EvaluationResult.objects.filter(dossier_id=ctx.dossier.pk).first()
    if result is not None and result.passed == (ctx.to == "passed"):
        return ALLOW
    return refuse("result_missing", "请先登记委托评审结果", "Record the entrusted committee's result first")
