"""Reading evaluation: meetings for the secretary and the expert, candidates without the conflicted, sealed totals."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from zhicheng.campaigns.models import CampaignQuota
from zhicheng.core.access import access_denied
from zhicheng.core.errors import NotFound
from zhicheng.dossiers.models import Dossier

from .models import (
    AgendaItem,
    BallotParticipation,
    BallotState,
    Committee,
    Conflict,
    EvaluationResult,
    Expert,
    Meeting,
    MeetingMember,
    SeatStatus,
)
from .permissions import managed_office_ids, office_role_ids, secretary_committee_org_ids

SEATED = [SeatStatus.CONFIRMED, SeatStatus.INVITED]


def expert_of(user) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.select_related("level", "series").filter(user_id=user.pk).first()


def committees_for(user) -> QuerySet[Committee]:
    """Committees the user runs: as their secretary, or as staff of the office above them."""
    return (Committee.objects.filter(Q(organisation_id__in=secretary_committee_org_ids(user))
                                     | Q(organisation__parent_id__in=office_role_ids(user)))
            .select_related("series", "level", "organisation", "chair__user").order_by("id"))


def meetings_for_secretary(user) -> QuerySet[Meeting]:
    return (Meeting.objects.filter(committee__in=committees_for(user))
            .select_related("committee", "committee__series", "committee__level", "chair__user")
            .annotate(candidates=Count("items", distinct=True)).order_by("-held_on", "-id"))


def meeting_get_for_secretary(user, pk) -> Meeting:
    meeting = meetings_for_secretary(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if meeting is None:
        raise NotFound("not_found", "评审会议不存在或无权查看", "Meeting not found")
    return meeting


def pool_for(user) -> QuerySet[Expert]:
    return (Expert.objects.filter(office_id__in=managed_office_ids(user))
            .select_related("user", "series", "level", "unit").order_by("id"))


def meetings_for_expert(user) -> QuerySet[Meeting]:
    return (Meeting.objects.filter(members__expert__user_id=getattr(user, "pk", None), members__status__in=SEATED)
            .select_related("committee").order_by("-held_on", "-id").distinct())


def expert_seat(user, pk) -> MeetingMember:
    """The expert's seat in a meeting; NotFound otherwise."""
    seat = (MeetingMember.objects.select_related("meeting", "meeting__committee", "expert")
            .filter(meeting_id=pk, expert__user_id=getattr(user, "pk", None), status__in=SEATED).first()
            if str(pk).isdigit() else None)
    if seat is None:
        raise NotFound("not_found", "评审会议不存在或无权查看", "Meeting not found")
    return seat


def expert_candidates(seat: MeetingMember) -> QuerySet[AgendaItem]:
    """The meeting's candidates the expert may see: the conflicted ones are absent."""
    conflicted = Conflict.objects.filter(expert_id=seat.expert_id).values("dossier_id")
    voted = BallotParticipation.objects.filter(expert_id=seat.expert_id).values("item_id")
    return (AgendaItem.objects.filter(meeting_id=seat.meeting_id).exclude(dossier_id__in=conflicted)
            .select_related("dossier", "dossier__applicant", "dossier__organisation", "dossier__series",
                            "dossier__level")
            .annotate(my_vote=Count("participations", filter=Q(participations__item_id__in=voted)))
            .order_by("position"))


def expert_dossier_get(user, meeting_pk, dossier_pk) -> Dossier:
    """A candidate's dossier, read-only, for a member of the meeting; a conflicted expert gets NotFound."""
    seat = expert_seat(user, meeting_pk)
    item = (expert_candidates(seat).filter(dossier_id=dossier_pk).first() if str(dossier_pk).isdigit() else None)
    if item is None:
        access_denied(user, reason="candidate not visible", object_type="dossiers.dossier",
                      object_id=str(dossier_pk)[:64])
        raise NotFound("not_found", "申报材料不存在或无权查看", "Dossier not found")
    return item.dossier


def item_totals(item: AgendaItem) -> dict | None:
    """Totals only, and only once the ballot is closed (sealed before)."""
    if item.ballot_state != BallotState.CLOSED:
        return None
    return {"eligible": item.eligible, "yes": item.yes, "no": item.no, "abstain": item.abstain, "passed": item.passed}


def meeting_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    return (meeting.items.select_related("dossier", "dossier__applicant", "dossier__organisation",
                                         "dossier__series", "dossier__level")
            .annotate(voted=Count("participations", distinct=True)).order_by("position"))


def quota_usage(campaign) -> list[dict]:
    """The evaluation plan against passes recorded (and passes voted in meetings not yet signed)."""
    rows = []
    plans = CampaignQuota.objects.filter(campaign=campaign).select_related("series", "level")
    used = {}
    for series_id, level_id in EvaluationResult.objects.filter(passed=True, dossier__campaign=campaign).values_list(
            "dossier__series_id", "dossier__level_id"):
        used[(series_id, level_id)] = used.get((series_id, level_id), 0) + 1
    pending = {}
    for series_id, level_id in AgendaItem.objects.filter(
            meeting__campaign=campaign, passed=True, quota_excluded=False,
            meeting__signed_at__isnull=True).values_list("dossier__series_id", "dossier__level_id"):
        pending[(series_id, level_id)] = pending.get((series_id, level_id), 0) + 1
    for plan in plans:
        key = (plan.series_id, plan.level_id)
        rows.append({"series": plan.series.name, "level": plan.level.name, "plan": plan.count,
                     "used": used.get(key, 0), "pending": pending.get(key, 0),
                     "remaining": plan.count - used.get(key, 0)})
    return rows


def secretary_work(user) -> list[dict]:
    """The secretary's meetings not yet signed, each with what comes next."""
    work = []
    for meeting in meetings_for_secretary(user).exclude(status="signed")[:20]:
        open_ballots = meeting.items.filter(ballot_state=BallotState.OPEN).count()
        work.append({"meeting": meeting, "open_ballots": open_ballots, "next": {
            "planned": "排入议程并随机抽取专家", "drawn": "专家签到，达到法定人数后开始会议",
            "in_progress": "逐一开始、结束投票，请主任委员签署计票结果"}.get(meeting.status, "")})
    return work


def expert_work(user) -> list[dict]:
    """The expert's meetings not yet signed: invitations to answer, the pledge to sign, ballots waiting for them."""
    work = []
    for meeting in meetings_for_expert(user).exclude(status="signed")[:20]:
        seat = expert_seat(user, meeting.pk)
        waiting = expert_candidates(seat).filter(ballot_state=BallotState.OPEN, my_vote=0).count() \
            if seat.present else 0
        work.append({"meeting": meeting, "seat": seat, "ballots_waiting": waiting,
                     "pledge_needed": seat.pledge_signed_at is None, "answer_needed": seat.status == "invited"})
    return work
