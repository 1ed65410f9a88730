"""Acting in evaluation: the pool, committees, the draw, the meeting, the secret ballot, the tally, entrusted dispatch.

Each service is keyword-only, one transaction, checks who may act and records its audit event. Refused votes
(after the close, off the agenda, a non-member, twice, a recused expert) are audited after the refusal's rollback.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.models import Campaign, CampaignQuota
from zhicheng.campaigns.permissions import can_manage_campaigns
from zhicheng.catalog.models import Level, Series
from zhicheng.core.errors import ApplicationError, NotFound, PermissionDenied
from zhicheng.core.permissions import require
from zhicheng.dossiers.holders import title_office_of
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.workflow import dossier_transition, dossier_transition_many

from . import rules
from .conflicts import conflicts_detect, conflicts_found
from .guards import signing_prefetched
from .models import (
    AgendaItem,
    Ballot,
    BallotParticipation,
    BallotState,
    Committee,
    Conflict,
    ConflictSource,
    DefenceCriterion,
    DefenceScore,
    Draw,
    EvaluationResult,
    EvaluationRoute,
    Expert,
    ExpertRelation,
    Meeting,
    MeetingMember,
    MeetingStatus,
    PanelOpinion,
    RelationKind,
    RevoteDecision,
    SeatStatus,
    VoteChoice,
)
from .permissions import can_manage_pool, can_run_committee, is_meeting_chair, seat_of
from .selectors import defence_rubric, rubric_locked

S = DossierState


def _bad(code: str, zh: str, en: str, status: int = 400, **details: Any) -> ApplicationError:
    return ApplicationError(code, zh, en, status=status, details=details)


# -- the pool --------------------------------------------------------------------------------------------------


@transaction.atomic
def expert_save(*, actor, office, user, series: Series, level: Level, title: str, term_start: dt.date,
                term_end: dt.date, unit=None, unit_name: str = "", specialties: str = "", is_active: bool = True,
                ip: str | None = None) -> Expert:
    """Put a person in the pool (or update their entry): term of service at most 3 years."""
    require(can_manage_pool(actor, office))
    if term_end < term_start or not rules.within_years(term_start, term_end):
        raise _bad("term_too_long", "专家聘期不得超过 3 年", "An expert serves at most 3 years",
                   fields={"term_end": ["聘期不得超过 3 年"]})
    if not title.strip():
        raise _bad("title_required", "请填写专家本人职称", "Give the expert's own title")
    expert, _created = Expert.objects.update_or_create(user=user, defaults={
        "office": office, "series": series, "level": level, "title": title.strip(), "unit": unit,
        "unit_name": unit_name or getattr(unit, "name", ""), "specialties": specialties, "term_start": term_start,
        "term_end": term_end, "is_active": is_active,
    })
    audit_event_record(event_type=EventType.COMMITTEE_EXPERT_SAVED, actor=actor, organisation=office, obj=expert,
                       data={"level": level.name, "series": series.name, "active": is_active}, ip=ip)
    return expert


def _open_items_of(expert: Expert):
    return AgendaItem.objects.filter(meeting__members__expert=expert).exclude(
        meeting__status=MeetingStatus.SIGNED).select_related("dossier", "dossier__organisation",
                                                             "dossier__applicant")


@transaction.atomic
def relation_declare(*, actor, kind: str, person=None, person_id_number: str = "", organisation=None,
                     until: dt.date | None = None, note: str = "", expert: Expert | None = None,
                     ip: str | None = None) -> ExpertRelation:
    """The expert declares a relative, co-author or former unit (or the pool's manager records what the expert
    declared to them); their open meetings' conflicts are re-detected."""
    if expert is not None and expert.user_id != actor.pk:
        require(can_manage_pool(actor, expert.office))
    else:
        expert = Expert.objects.filter(user_id=actor.pk).first()
    if expert is None:
        raise PermissionDenied("not_expert", "您不在专家库中", "You are not in the expert pool")
    if kind not in RelationKind.values:
        raise _bad("relation_kind", "请选择关系类别（近亲属、原工作单位、合作者或其他）", "Choose the kind of relation")
    if person is None and not person_id_number.strip() and organisation is None:
        raise _bad("relation_empty", "请填写相关人员或原工作单位", "Name the person or the former unit")
    relation = ExpertRelation.objects.create(expert=expert, kind=kind, person=person,
                                             person_id_number=person_id_number.strip().upper(),
                                             organisation=organisation, until=until, note=note[:200])
    for item in _open_items_of(expert):
        conflicts_detect(expert, item.dossier)
    audit_event_record(event_type=EventType.COMMITTEE_RELATION_DECLARED, actor=actor, obj=relation,
                       data={"kind": kind}, ip=ip)
    return relation


# -- committees and meetings -----------------------------------------------------------------------------------


@transaction.atomic
def committee_save(*, actor, organisation, name: str, series: Series, level: Level, approval_number: str,
                   valid_from: dt.date, valid_until: dt.date, formed_by: str = "series", specialty=None,
                   min_size: int | None = None, chair: Expert | None = None, vice_chairs=(),
                   ip: str | None = None) -> Committee:
    """Register an approved committee: validity at most 3 years, a minimum size not below the rule's."""
    office = organisation.parent
    require(can_manage_pool(actor, office))
    rule_min = rules.committee_min_size(level.rank, formed_by)
    if min_size is not None and min_size < rule_min:
        raise _bad("min_size_too_small", f"最少委员人数不得低于 {rule_min} 人", f"At least {rule_min}")
    if valid_until < valid_from or not rules.within_years(valid_from, valid_until):
        raise _bad("validity_too_long", "评审委员会核准备案有效期不得超过 3 年",
                   "A committee's approval lasts ≤ 3 years")
    if not approval_number.strip():
        raise _bad("approval_required", "请填写核准备案文号", "Give the approval document number")
    committee = Committee.objects.create(
        organisation=organisation, name=name, series=series, level=level, formed_by=formed_by, specialty=specialty,
        min_size=min_size or rule_min, approval_number=approval_number.strip(), valid_from=valid_from,
        valid_until=valid_until, chair=chair,
    )
    committee.vice_chairs.set(list(vice_chairs))
    audit_event_record(event_type=EventType.COMMITTEE_SAVED, actor=actor, organisation=organisation, obj=committee,
                       data={"name": name, "min_size": committee.min_size}, ip=ip)
    return committee


@transaction.atomic
def committee_update(*, actor, committee: Committee, name: str, approval_number: str, valid_from: dt.date,
                     valid_until: dt.date, min_size: int, chair: Expert | None = None, vice_chairs=(),
                     ip: str | None = None) -> Committee:
    """Edit a committee's name, size, approval, validity (≤ 3 years) and chair / vice-chairs, with the same checks
    as registering it; the chair and vice-chairs come from the office's pool, in the committee's series, active."""
    committee = Committee.objects.select_for_update().select_related("organisation", "level").get(pk=committee.pk)
    office = committee.organisation.parent
    require(can_manage_pool(actor, office))
    rule_min = rules.committee_min_size(committee.level.rank, committee.formed_by)
    if min_size < rule_min:
        raise _bad("min_size_too_small", f"最少委员人数不得低于 {rule_min} 人", f"At least {rule_min}",
                   fields={"min_size": [f"不得低于 {rule_min} 人"]})
    if valid_until < valid_from or not rules.within_years(valid_from, valid_until):
        raise _bad("validity_too_long", "评审委员会核准备案有效期不得超过 3 年",
                   "A committee's approval lasts ≤ 3 years", fields={"valid_until": ["有效期不得超过 3 年"]})
    if not approval_number.strip() or not name.strip():
        raise _bad("approval_required", "请填写名称和核准备案文号", "Give the name and the approval document number")
    leaders = ([chair] if chair else []) + list(vice_chairs)
    if any(e.office_id != office.pk or e.series_id != committee.series_id or not e.is_active for e in leaders):
        raise _bad("chair_not_in_pool", "主任、副主任委员须是本系列专家库中的有效专家",
                   "The chair and vice-chairs are active experts of the committee's series in the pool")
    if chair is not None and chair in list(vice_chairs):
        raise _bad("chair_twice", "主任委员不能同时担任副主任委员", "The chair cannot also be a vice-chair")
    committee.name, committee.approval_number = name.strip(), approval_number.strip()
    committee.valid_from, committee.valid_until, committee.min_size, committee.chair = (
        valid_from, valid_until, min_size, chair)
    committee.save()
    committee.vice_chairs.set(list(vice_chairs))
    audit_event_record(event_type=EventType.COMMITTEE_UPDATED, actor=actor, organisation=committee.organisation,
                       obj=committee, data={"name": committee.name, "min_size": min_size,
                                            "chair": getattr(chair, "pk", None),
                                            "vice_chairs": [e.pk for e in vice_chairs]}, ip=ip)
    return committee


@transaction.atomic
def meeting_create(*, actor, committee: Committee, campaign, name: str, held_on: dt.date, size: int,
                   place: str = "", alternates_per_member: float = 1, exclude_conflicted: bool = False,
                   quorum_numerator: int = 2, quorum_denominator: int = 3, ip: str | None = None) -> Meeting:
    require(can_run_committee(actor, committee))
    problems = rules.size_problems(size, committee.min_size)
    if problems:
        raise _bad("meeting_size", "；".join(p[0] for p in problems), "; ".join(p[1] for p in problems))
    if not (committee.valid_from <= held_on <= committee.valid_until):
        raise _bad("committee_expired", "会议日期不在评审委员会核准有效期内", "The committee is not valid that day")
    if not (0 <= alternates_per_member <= 5):
        raise _bad("alternates_invalid", "备选比例须在 0 到 5 之间", "The alternates ratio lies between 0 and 5")
    if not (0 < quorum_numerator <= quorum_denominator):
        raise _bad("quorum_invalid", "法定人数比例不正确", "Invalid quorum")
    meeting = Meeting.objects.create(
        committee=committee, campaign=campaign, name=name, held_on=held_on, place=place, size=size,
        alternates_per_member=alternates_per_member, exclude_conflicted=exclude_conflicted,
        quorum_numerator=quorum_numerator, quorum_denominator=quorum_denominator, created_by=actor,
        chair=committee.chair,
    )
    audit_event_record(event_type=EventType.COMMITTEE_MEETING_SAVED, actor=actor, organisation=committee.organisation,
                       obj=meeting, data={"name": name, "size": size}, ip=ip)
    return meeting


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("committee", "committee__organisation",
                                                              "committee__level").get(pk=meeting.pk)


@transaction.atomic
def agenda_add(*, actor, meeting: Meeting, dossier: Dossier, ip: str | None = None) -> AgendaItem:
    """Put an accepted self-run dossier of the committee's series and level on the agenda (→ scheduled)."""
    meeting = _lock_meeting(meeting)
    require(can_run_committee(actor, meeting.committee))
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.DRAWN):
        raise _bad("agenda_closed", "会议已开始，不能再调整议程", "The meeting has started", status=409)
    committee = meeting.committee
    if dossier.state != S.OFFICE_ACCEPTED or getattr(title_office_of(dossier.organisation), "pk", None) != (
            committee.organisation.parent_id):
        raise NotFound("not_found", "申报材料不存在或不在待评审之列", "No such dossier waiting for evaluation")
    if dossier.series_id != committee.series_id or dossier.level_id != committee.level_id:
        raise _bad("agenda_wrong_committee", "该申报人的系列或级别不属于本评审委员会",
                   "The candidate's series or level is not this committee's")
    if committee.specialty_id and dossier.specialty_id != committee.specialty_id:
        raise _bad("agenda_wrong_committee", "该申报人的专业不属于本评审委员会", "Not this committee's specialty")
    if dossier.campaign_id != meeting.campaign_id:
        raise _bad("agenda_wrong_campaign", "该申报材料不属于本年度评审", "Another campaign's dossier")
    position = (meeting.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, dossier=dossier, position=position)
    dossier_transition(dossier=dossier, to=S.SCHEDULED, actor=actor, ip=ip, data={"meeting": meeting.pk})
    for seat in meeting.members.select_related("expert", "expert__unit"):
        conflicts_detect(seat.expert, dossier)
    audit_event_record(event_type=EventType.COMMITTEE_AGENDA_CHANGED, actor=actor, obj=meeting,
                       organisation=committee.organisation, data={"added": dossier.pk, "position": position}, ip=ip)
    return item


def _pool_snapshot(meeting: Meeting) -> list[dict]:
    committee = meeting.committee
    office_id = committee.organisation.parent_id
    candidates = [item.dossier for item in meeting.items.select_related("dossier", "dossier__organisation",
                                                                         "dossier__applicant")]
    snapshot = []
    experts = Expert.objects.filter(office_id=office_id).select_related("level", "unit", "user").order_by("pk")
    for expert in experts:
        conflicted: list[int] = []
        if meeting.exclude_conflicted:
            conflicted = [d.pk for d in candidates if conflicts_found(expert, d)]
        snapshot.append({
            "id": expert.pk, "series_id": expert.series_id, "level_rank": expert.level.rank,
            "active": expert.is_active, "term_start": expert.term_start.isoformat(),
            "term_end": expert.term_end.isoformat(), "conflicted_with": conflicted,
        })
    return snapshot


def _entry(row: dict) -> rules.PoolEntry:
    return rules.PoolEntry(id=row["id"], series_id=row["series_id"], level_rank=row["level_rank"],
                           active=row["active"], term_start=dt.date.fromisoformat(row["term_start"]),
                           term_end=dt.date.fromisoformat(row["term_end"]),
                           conflicted_with=tuple(row["conflicted_with"]))


def draw_compute(*, seed: str, snapshot: list[dict], series_id: int, reviewed_rank: int, on: dt.date,
                 exclude_conflicted: bool, wanted: int) -> tuple[list[int], list[dict]]:
    """The picked experts (in order) and the exclusions with reasons, from a seed and a pool snapshot alone."""
    eligible, exclusions = [], []
    for row in snapshot:
        reason = rules.draw_exclusion(_entry(row), series_id=series_id, reviewed_rank=reviewed_rank, on=on,
                                      exclude_conflicted=exclude_conflicted)
        if reason is None:
            eligible.append(row["id"])
        else:
            exclusions.append({"expert": row["id"], "reason": reason[0], "reason_en": reason[1]})
    return rules.draw_order(seed, eligible)[:wanted], exclusions


@transaction.atomic
def meeting_draw(*, actor, meeting: Meeting, seed: str | None = None, ip: str | None = None) -> Draw:
    """Draw the members and alternates at random from the eligible pool; seed and snapshot are recorded."""
    meeting = _lock_meeting(meeting)
    committee = meeting.committee
    require(can_run_committee(actor, committee))
    if meeting.status != MeetingStatus.PLANNED:
        raise _bad("already_drawn", "本次会议已抽取专家", "Already drawn", status=409)
    seed = seed or secrets.token_hex(32)
    alternates = rules.alternates_for(meeting.size, float(meeting.alternates_per_member))
    snapshot = _pool_snapshot(meeting)
    picked, exclusions = draw_compute(
        seed=seed, snapshot=snapshot, series_id=committee.series_id, reviewed_rank=committee.level.rank,
        on=meeting.held_on, exclude_conflicted=meeting.exclude_conflicted, wanted=meeting.size + alternates,
    )
    if len(picked) < meeting.size:
        reasons = Counter(e["reason"] for e in exclusions)
        why = "；".join(f"{reason} {count} 人" for reason, count in reasons.most_common())
        missing = meeting.size - len(picked)
        raise _bad("draw_short", f"符合条件的专家只有 {len(picked)} 人，还缺 {missing} 人（排除：{why or '无'}）",
                   f"Only {len(picked)} eligible experts; {missing} missing", status=409, missing=missing,
                   excluded=dict(reasons))
    now = timezone.now()
    draw = Draw.objects.create(meeting=meeting, seed=seed, requested=meeting.size, alternates=alternates,
                               pool_snapshot=snapshot, exclusions=exclusions, picked=picked, drawn_at=now,
                               drawn_by=actor)
    experts = Expert.objects.in_bulk(picked)
    for position, pk in enumerate(picked, start=1):
        MeetingMember.objects.create(meeting=meeting, expert=experts[pk], position=position,
                                     status=SeatStatus.INVITED if position <= meeting.size else SeatStatus.RESERVE)
    meeting.status = MeetingStatus.DRAWN
    meeting.save(update_fields=["status"])
    for item in meeting.items.select_related("dossier", "dossier__organisation", "dossier__applicant"):
        for pk in picked:
            conflicts_detect(experts[pk], item.dossier)
    audit_event_record(event_type=EventType.COMMITTEE_DRAWN, actor=actor, organisation=committee.organisation,
                       obj=meeting, data={"seed": seed, "picked": len(picked), "excluded": len(exclusions)}, ip=ip)
    return draw


def draw_verify(draw: Draw) -> bool:
    """Draw again from the recorded seed and pool snapshot: the same experts in the same order."""
    meeting = draw.meeting
    picked, _ex = draw_compute(seed=draw.seed, snapshot=draw.pool_snapshot, series_id=meeting.committee.series_id,
                               reviewed_rank=meeting.committee.level.rank, on=meeting.held_on,
                               exclude_conflicted=meeting.exclude_conflicted, wanted=draw.requested + draw.alternates)
    return picked == list(draw.picked)


@transaction.atomic
def invitation_answer(*, actor, meeting: Meeting, accept: bool, ip: str | None = None) -> MeetingMember:
    """The expert confirms or declines; a declined seat goes to the next alternate in draw order."""
    meeting = _lock_meeting(meeting)
    seat = seat_of(actor, meeting)
    if seat is None:
        raise NotFound("not_member", "您不是本次会议的委员", "You are not a member of this meeting")
    if meeting.status != MeetingStatus.DRAWN:
        raise _bad("meeting_started", "会议已开始，不能再答复", "The meeting has started", status=409)
    seat.status = SeatStatus.CONFIRMED if accept else SeatStatus.DECLINED
    seat.save(update_fields=["status"])
    if not accept:
        alternate = meeting.members.filter(status=SeatStatus.RESERVE).order_by("position").first()
        if alternate is not None:
            alternate.status = SeatStatus.INVITED
            alternate.save(update_fields=["status"])
    audit_event_record(event_type=EventType.COMMITTEE_INVITATION_ANSWERED, actor=actor, obj=meeting,
                       data={"accept": accept}, ip=ip)
    return seat


@transaction.atomic
def pledge_sign(*, actor, meeting: Meeting, ip: str | None = None) -> MeetingMember:
    """The expert signs the confidentiality and recusal pledge for this meeting."""
    seat = seat_of(actor, meeting)
    if seat is None:
        raise NotFound("not_member", "您不是本次会议的委员", "You are not a member of this meeting")
    if seat.pledge_signed_at is None:
        seat.pledge_signed_at = timezone.now()
        seat.save(update_fields=["pledge_signed_at"])
        audit_event_record(event_type=EventType.COMMITTEE_PLEDGE_SIGNED, actor=actor, obj=meeting, ip=ip)
    return seat


@transaction.atomic
def conflict_record(*, actor, meeting: Meeting, expert: Expert, dossier: Dossier, note: str = "",
                    ip: str | None = None) -> Conflict:
    """The expert declares a conflict on a candidate, or the secretary flags one."""
    if expert.user_id == actor.pk:
        source = ConflictSource.DECLARED
        if seat_of(actor, meeting) is None:
            raise NotFound("not_member", "您不是本次会议的委员", "You are not a member of this meeting")
    else:
        require(can_run_committee(actor, meeting.committee))
        source = ConflictSource.FLAGGED
    if not meeting.items.filter(dossier=dossier).exists():
        raise NotFound("not_on_agenda", "该申报人不在本次会议议程中", "Not on this meeting's agenda")
    if meeting.items.filter(dossier=dossier).exclude(ballot_state=BallotState.PENDING).exists():
        raise _bad("ballot_started", "该候选人的投票已开始，不能再登记回避", "The ballot has started", status=409)
    conflict, _c = Conflict.objects.get_or_create(expert=expert, dossier=dossier, source=source,
                                                  defaults={"note": note[:300]})
    audit_event_record(event_type=EventType.COMMITTEE_CONFLICT_RECORDED, actor=actor, obj=meeting,
                       data={"expert": expert.pk, "dossier": dossier.pk, "source": source}, ip=ip)
    return conflict


@transaction.atomic
def attendance_check_in(*, actor, meeting: Meeting, expert: Expert, present: bool = True,
                        ip: str | None = None) -> MeetingMember:
    """The secretary checks a confirmed member in (or out) — until the meeting starts."""
    meeting = _lock_meeting(meeting)
    require(can_run_committee(actor, meeting.committee))
    if meeting.status != MeetingStatus.DRAWN:
        raise _bad("attendance_closed", "会议已开始，出席情况已确定", "Attendance is fixed once the meeting starts",
                   status=409)
    seat = meeting.members.filter(expert=expert, status__in=[SeatStatus.CONFIRMED, SeatStatus.INVITED]).first()
    if seat is None:
        raise NotFound("not_member", "该专家不是本次会议的委员", "Not a member of this meeting")
    seat.present = present
    seat.save(update_fields=["present"])
    audit_event_record(event_type=EventType.COMMITTEE_CHECKED_IN, actor=actor, obj=meeting,
                       data={"expert": expert.pk, "present": present}, ip=ip)
    return seat


def meeting_quorum(meeting: Meeting) -> tuple[int, int, bool]:
    """(present, members, quorum met) — members are the seats taken (not declined, not alternates in reserve)."""
    seats = list(meeting.members.filter(status__in=[SeatStatus.CONFIRMED, SeatStatus.INVITED])
                 .values_list("present", flat=True))
    present = sum(1 for p in seats if p)
    return present, len(seats), rules.quorum_met(present, len(seats), meeting.quorum_numerator,
                                                 meeting.quorum_denominator)


@transaction.atomic
def meeting_start(*, actor, meeting: Meeting, ip: str | None = None) -> Meeting:
    """Open the meeting: only with a quorum; every scheduled candidate is now in the meeting."""
    meeting = _lock_meeting(meeting)
    require(can_run_committee(actor, meeting.committee))
    if meeting.status != MeetingStatus.DRAWN:
        raise _bad("meeting_not_ready", "请先抽取专家；会议只能开始一次", "Draw first; a meeting starts once",
                   status=409)
    present, members, met = meeting_quorum(meeting)
    if not met:
        raise _bad("quorum_not_met", f"出席委员 {present} 人，未达到 {members} 人的"
                   f"{meeting.quorum_numerator}/{meeting.quorum_denominator}，不能开始投票",
                   f"{present} of {members} present: no quorum", status=409, present=present, members=members)
    chair_seat = meeting.members.filter(expert_id=meeting.chair_id, present=True).exists()
    if meeting.chair_id is None or not chair_seat:
        raise _bad("chair_absent", "主持会议的主任（副主任）委员须出席", "The presiding chair must attend", status=409)
    meeting.status, meeting.started_at = MeetingStatus.IN_PROGRESS, timezone.now()
    meeting.save(update_fields=["status", "started_at"])
    for item in meeting.items.select_related("dossier"):
        dossier_transition(dossier=item.dossier, to=S.IN_MEETING, actor=actor, ip=ip, data={"meeting": meeting.pk})
    audit_event_record(event_type=EventType.COMMITTEE_MEETING_STARTED, actor=actor, obj=meeting,
                       organisation=meeting.committee.organisation, data={"present": present, "members": members},
                       ip=ip)
    return meeting


@transaction.atomic
def meeting_chair_set(*, actor, meeting: Meeting, expert: Expert, ip: str | None = None) -> Meeting:
    """The presiding chair: the committee's chair or a vice-chair, or a member the secretary names."""
    meeting = _lock_meeting(meeting)
    require(can_run_committee(actor, meeting.committee))
    if meeting.status == MeetingStatus.SIGNED:
        raise _bad("meeting_signed", "会议结果已签署", "Already signed", status=409)
    meeting.chair = expert
    meeting.save(update_fields=["chair"])
    audit_event_record(event_type=EventType.COMMITTEE_MEETING_SAVED, actor=actor, obj=meeting,
                       data={"chair": expert.pk}, ip=ip)
    return meeting


def voters_of(item: AgendaItem) -> list[int]:
    """The experts entitled to vote on this candidate: attending members without a conflict on it."""
    present = set(item.meeting.members.filter(present=True, status__in=[SeatStatus.CONFIRMED, SeatStatus.INVITED])
                  .values_list("expert_id", flat=True))
    conflicted = set(Conflict.objects.filter(dossier_id=item.dossier_id, expert_id__in=present)
                     .values_list("expert_id", flat=True))
    return sorted(present - conflicted)


def _lock_item(item_id) -> AgendaItem:
    item = (AgendaItem.objects.select_for_update().select_related("meeting", "meeting__committee",
                                                                  "meeting__committee__organisation")
            .filter(pk=item_id).first() if str(item_id).isdigit() else None)
    if item is None:
        raise NotFound("not_on_agenda", "该候选人不在会议议程中", "No such candidate on the agenda")
    return item


@transaction.atomic
def ballot_open(*, actor, item: AgendaItem, ip: str | None = None) -> AgendaItem:
    item = _lock_item(item.pk)
    require(can_run_committee(actor, item.meeting.committee))
    if item.meeting.status != MeetingStatus.IN_PROGRESS:
        raise _bad("quorum_not_met", "会议尚未开始（须达到法定人数），不能开始投票", "The meeting has not started",
                   status=409)
    if item.ballot_state != BallotState.PENDING:
        raise _bad("ballot_not_pending", "该候选人的投票已开始或已结束", "Already opened", status=409)
    item.ballot_state, item.eligible = BallotState.OPEN, len(voters_of(item))
    item.save(update_fields=["ballot_state", "eligible"])
    audit_event_record(event_type=EventType.COMMITTEE_BALLOT_OPENED, actor=actor, obj=item.meeting,
                       data={"item": item.pk, "eligible": item.eligible}, ip=ip)
    return item


class VoteRefused(ApplicationError):
    def __init__(self, code: str, zh: str, en: str, *, status: int, actor, item_id) -> None:
        super().__init__(code, zh, en, status=status)
        self.actor, self.item_id = actor, item_id


def _vote_refusals_audited(service):
    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except VoteRefused as exc:
            audit_event_record(event_type=EventType.COMMITTEE_VOTE_REFUSED, actor=exc.actor,
                               data={"item": str(exc.item_id)[:20], "reason": exc.code}, ip=kwargs.get("ip"))
            raise

    return wrapper


@_vote_refusals_audited
@transaction.atomic
def vote_cast(*, actor, item_id, choice: str, ip: str | None = None) -> None:
    """One secret vote: a participation row for the expert and, apart from it, an anonymous ballot.

    Refused (and audited): a candidate not on the agenda, a non-member or absent member, a recused expert (as if
    the candidate were not there), after the close or before the open, a second vote.
    """
    if choice not in VoteChoice.values:
        raise _bad("invalid_choice", "请选择同意、不同意或弃权", "Choose yes, no or abstain")
    try:
        item = _lock_item(item_id)
    except NotFound:
        raise VoteRefused("not_on_agenda", "该候选人不在会议议程中", "Not on the agenda", status=404, actor=actor,
                          item_id=item_id) from None
    seat = seat_of(actor, item.meeting)
    if seat is None or not seat.present:
        raise VoteRefused("not_voter", "您不是本次会议的出席委员，不能投票", "Only attending members vote", status=403,
                          actor=actor, item_id=item_id)
    if Conflict.objects.filter(expert=seat.expert, dossier_id=item.dossier_id).exists():
        raise VoteRefused("not_on_agenda", "该候选人不在会议议程中", "Not on the agenda", status=404, actor=actor,
                          item_id=item_id)
    if item.ballot_state == BallotState.CLOSED:
        raise VoteRefused("ballot_closed", "投票已结束，不能再投票", "The ballot is closed", status=409, actor=actor,
                          item_id=item_id)
    if item.ballot_state != BallotState.OPEN:
        raise VoteRefused("ballot_not_open", "投票尚未开始", "The ballot is not open", status=409, actor=actor,
                          item_id=item_id)
    # present and not recused is exactly `voters_of(item)`: attendance is fixed once the meeting starts
    try:
        with transaction.atomic():
            BallotParticipation.objects.create(item=item, expert=seat.expert)
    except IntegrityError:
        raise VoteRefused("already_voted", "您已对该候选人投过票，不能重复投票", "You have already voted", status=409,
                          actor=actor, item_id=item_id) from None
    Ballot.objects.create(item=item, choice=choice)
    # the audit row says that a vote was cast, never how
    audit_event_record(event_type=EventType.COMMITTEE_VOTE_CAST, actor=actor, obj=item.meeting,
                       data={"item": item.pk}, ip=ip)


@transaction.atomic
def ballot_close(*, actor, item: AgendaItem, ip: str | None = None) -> AgendaItem:
    """Close the ballot and count: totals only, and whether 3·yes ≥ 2·eligible."""
    item = _lock_item(item.pk)
    require(can_run_committee(actor, item.meeting.committee))
    if item.ballot_state != BallotState.OPEN:
        raise _bad("ballot_not_open", "该候选人的投票未在进行中", "The ballot is not open", status=409)
    counts = Counter(Ballot.objects.filter(item=item).values_list("choice", flat=True))
    item.yes, item.no, item.abstain = counts[VoteChoice.YES], counts[VoteChoice.NO], counts[VoteChoice.ABSTAIN]
    item.passed = rules.passes(item.yes, item.eligible or 0)
    item.ballot_state = BallotState.CLOSED
    item.save(update_fields=["yes", "no", "abstain", "passed", "ballot_state"])
    audit_event_record(event_type=EventType.COMMITTEE_BALLOT_CLOSED, actor=actor, obj=item.meeting,
                       data={"item": item.pk, "yes": item.yes, "no": item.no, "abstain": item.abstain,
                             "eligible": item.eligible, "passed": item.passed}, ip=ip)
    return item


@transaction.atomic
def meeting_ballots_close(*, actor, meeting: Meeting, ip: str | None = None) -> int:
    """Close every open ballot of the meeting at once: one count over all its ballots, totals written together."""
    from django.db.models import Count

    meeting = _lock_meeting(meeting)
    require(can_run_committee(actor, meeting.committee))
    items = list(AgendaItem.objects.select_for_update().filter(meeting=meeting, ballot_state=BallotState.OPEN))
    counts: dict[int, Counter] = {item.pk: Counter() for item in items}
    for item_id, choice, n in (Ballot.objects.filter(item__in=items).values_list("item_id", "choice")
                               .annotate(n=Count("id")).order_by()):
        counts[item_id][choice] = n
    for item in items:
        c = counts[item.pk]
        item.yes, item.no, item.abstain = c[VoteChoice.YES], c[VoteChoice.NO], c[VoteChoice.ABSTAIN]
        item.passed, item.ballot_state = rules.passes(item.yes, item.eligible or 0), BallotState.CLOSED
    AgendaItem.objects.bulk_update(items, ["yes", "no", "abstain", "passed", "ballot_state"])
    audit_event_record(event_type=EventType.COMMITTEE_BALLOT_CLOSED, actor=actor, obj=meeting,
                       organisation=meeting.committee.organisation,
                       data={"items": [i.pk for i in items], "passed": sum(1 for i in items if i.passed)}, ip=ip)
    return len(items)


@transaction.atomic
def ballot_revote(*, actor, item: AgendaItem, reason: str, ip: str | None = None) -> AgendaItem:
    """Only by the chair's recorded decision: the candidate's ballots are discarded and the ballot is pending again."""
    item = _lock_item(item.pk)
    require(is_meeting_chair(actor, item.meeting))
    if item.meeting.status == MeetingStatus.SIGNED:
        raise _bad("meeting_signed", "结果已签署，不能重新投票", "Already signed", status=409)
    if item.ballot_state != BallotState.CLOSED:
        raise _bad("ballot_not_closed", "只能对已计票的候选人重新投票", "Only a closed ballot is voted again",
                   status=409)
    if not reason.strip():
        raise _bad("reason_required", "请填写重新投票的理由", "Give the reason")
    RevoteDecision.objects.create(item=item, decided_by=actor, reason=reason.strip()[:300], decided_at=timezone.now())
    Ballot.objects.filter(item=item).delete()
    BallotParticipation.objects.filter(item=item).delete()
    item.ballot_state, item.revotes = BallotState.PENDING, item.revotes + 1
    item.yes = item.no = item.abstain = item.passed = item.eligible = None
    item.quota_excluded, item.quota_note = False, ""
    item.save()
    audit_event_record(event_type=EventType.COMMITTEE_REVOTE_DECIDED, actor=actor, obj=item.meeting,
                       data={"item": item.pk, "reason": reason.strip()}, ip=ip)
    return item


@transaction.atomic
def quota_resolve(*, actor, item: AgendaItem, reason: str, ip: str | None = None) -> AgendaItem:
    """The chair leaves a passing candidate out by ranking when the quota cannot hold every pass (recorded)."""
    item = _lock_item(item.pk)
    require(is_meeting_chair(actor, item.meeting))
    if item.meeting.status == MeetingStatus.SIGNED or not item.passed:
        raise _bad("not_a_pass", "只能对已通过投票、尚未签署的候选人按名额排序", "Only an unsigned pass", status=409)
    if not reason.strip():
        raise _bad("reason_required", "请填写排序依据", "Give the ranking's reason")
    item.quota_excluded, item.quota_note = True, reason.strip()[:300]
    item.save(update_fields=["quota_excluded", "quota_note"])
    audit_event_record(event_type=EventType.COMMITTEE_QUOTA_RESOLVED, actor=actor, obj=item.meeting,
                       data={"item": item.pk, "reason": item.quota_note}, ip=ip)
    return item


def quota_used(campaign_id: int, series_id: int, level_id: int) -> int:
    return EvaluationResult.objects.filter(passed=True, dossier__campaign_id=campaign_id, dossier__series_id=series_id,
                                           dossier__level_id=level_id).count()


def meeting_quota_overflow(meeting: Meeting) -> dict[tuple[int, int], int]:
    adding = Counter((item.dossier.series_id, item.dossier.level_id)
                     for item in meeting.items.select_related("dossier") if item.passed and not item.quota_excluded)
    lines = []
    for series_id, level_id in adding:
        plan = CampaignQuota.objects.filter(campaign_id=meeting.campaign_id, series_id=series_id,
                                            level_id=level_id).values_list("count", flat=True).first()
        lines.append(rules.QuotaLine(series_id, level_id, plan, quota_used(meeting.campaign_id, series_id, level_id)))
    return rules.quota_overflow(lines, dict(adding))


def _quota_figures(campaign_id: int, keys) -> tuple[dict[tuple, int | None], dict[tuple, int]]:
    """Plan and passes recorded per (campaign, series, level) for the given (series, level) keys: two queries."""
    from django.db.models import Count

    plans: dict[tuple, int | None] = {(campaign_id, s, lv): None for s, lv in keys}
    for series_id, level_id, count in CampaignQuota.objects.filter(campaign_id=campaign_id).values_list(
            "series_id", "level_id", "count"):
        if (campaign_id, series_id, level_id) in plans:
            plans[(campaign_id, series_id, level_id)] = count
    used = {(campaign_id, s, lv): n for s, lv, n in EvaluationResult.objects.filter(
        passed=True, dossier__campaign_id=campaign_id).values_list("dossier__series_id", "dossier__level_id")
        .annotate(n=Count("id")).order_by()}
    return plans, used


@transaction.atomic
def tally_sign(*, actor, meeting: Meeting, ip: str | None = None) -> Meeting:
    """The chair signs the tally: every ballot closed, within the quota; results recorded, dossiers pass or fail."""
    meeting = _lock_meeting(meeting)
    require(is_meeting_chair(actor, meeting))
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise _bad("meeting_not_in_progress", "会议未在进行中或结果已签署", "Not in progress", status=409)
    items = list(meeting.items.select_related("dossier", "dossier__applicant", "dossier__organisation")
                 .order_by("position"))
    open_items = [i for i in items if i.ballot_state != BallotState.CLOSED]
    if open_items:
        raise _bad("ballots_open", f"还有 {len(open_items)} 名候选人未完成计票",
                   f"{len(open_items)} ballots not closed", status=409)
    # lock the plan rows this meeting touches so two meetings cannot both take the last place
    keys = {(i.dossier.series_id, i.dossier.level_id) for i in items}
    for series_id, level_id in sorted(keys):
        list(CampaignQuota.objects.select_for_update().filter(campaign_id=meeting.campaign_id, series_id=series_id,
                                                              level_id=level_id))
    over = meeting_quota_overflow(meeting)
    if over:
        extra = sum(over.values())
        raise _bad("quota_exceeded", f"通过人数超出评审计划剩余名额 {extra} 人：请主任委员按排名确定或决定重新投票",
                   f"{extra} pass(es) beyond the remaining quota: the chair must rank or call a re-vote", status=409,
                   over=[{"series": k[0], "level": k[1], "extra": v} for k, v in over.items()])
    now = timezone.now()
    meeting.status, meeting.signed_at, meeting.signed_by = MeetingStatus.SIGNED, now, actor
    meeting.save(update_fields=["status", "signed_at", "signed_by"])
    # every result first (the quota guard counts them), then the passes and the fails each as one batch of
    # transitions with the guards' figures read once: a few queries per candidate instead of ~16 (decision 84)
    EvaluationResult.objects.bulk_create([EvaluationResult(
        dossier=item.dossier, route=EvaluationRoute.SELF_RUN, passed=bool(item.passed) and not item.quota_excluded,
        committee_name=meeting.committee.name, decided_on=meeting.held_on, yes_votes=item.yes,
        attending=item.eligible, meeting=meeting) for item in items])
    plans, used = _quota_figures(meeting.campaign_id, keys)
    for item in items:
        item.meeting = meeting  # the guards read the signed meeting (chair, signature) from the item
    with signing_prefetched(items, plans, used):
        for to, group in ((S.PASSED, [i for i in items if i.passed and not i.quota_excluded]),
                          (S.FAILED, [i for i in items if not (i.passed and not i.quota_excluded)])):
            if group:
                dossier_transition_many(dossiers=[i.dossier for i in group], to=to, actor=actor, ip=ip,
                                        data={"meeting": meeting.pk})
    if getattr(settings, "ZHICHENG_COMMITTEE_DOCUMENTS_AFTER_COMMIT", True):
        # the signed result is final here; the tally sheet and minutes are drawn from it once it has committed
        # (a task; the meeting's page says "生成中" until then), so the chair's lock is not held while drawing
        pk = meeting.pk
        transaction.on_commit(lambda: _documents_enqueue(pk), robust=True)
    else:
        _documents_draw(meeting)
    audit_event_record(event_type=EventType.COMMITTEE_TALLY_SIGNED, actor=actor, obj=meeting,
                       organisation=meeting.committee.organisation,
                       data={"passed": sum(1 for i in items if i.passed and not i.quota_excluded),
                             "candidates": len(items)}, ip=ip)
    return meeting


def _documents_enqueue(meeting_id: int) -> None:
    from .tasks import meeting_documents_make

    meeting_documents_make.enqueue(meeting_id)


def _documents_draw(meeting: Meeting) -> None:
    from .pdfs import minutes_pdf, tally_pdf

    if meeting.tally_file_id is None:
        meeting.tally_file = tally_pdf(meeting)
    if meeting.minutes_file_id is None:
        meeting.minutes_file = minutes_pdf(meeting)
    meeting.save(update_fields=["tally_file", "minutes_file"])


@transaction.atomic
def meeting_documents_archive(*, meeting_id: int) -> bool:
    """The task's work after the chair's sign-off committed: draw and archive the tally sheet and the minutes of the
    signed meeting. Archived once, never replaced (a second run, or a run for an unsigned meeting, does nothing);
    True when something was drawn."""
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None or meeting.status != MeetingStatus.SIGNED or (meeting.tally_file_id and meeting.minutes_file_id):
        return False
    meeting = _lock_meeting(meeting)
    _documents_draw(meeting)
    return True


# -- defences and review panels ----------------------------------------------------------------------------------

def _refuse_problems(code: str, problems: list[tuple[str, str]], status: int = 400) -> None:
    if problems:
        raise _bad(code, "；".join(zh for zh, _en in problems), "; ".join(en for _zh, en in problems), status=status,
                   problems=[zh for zh, _en in problems])


@transaction.atomic
def defence_rubric_set(*, actor, campaign: Campaign, criteria: list[rules.Criterion],
                       ip: str | None = None) -> tuple[rules.Criterion, ...]:
    """The office sets the campaign's defence rubric (criteria in order, each with its maximum points) — replaced as
    a whole, and only until a meeting of the campaign starts (the scores given from then on are on it)."""
    require(can_manage_campaigns(actor))
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # two editors: one after the other
    if rubric_locked(campaign.pk):
        raise _bad("rubric_locked", "本年度已有评审会议开始，答辩评分细则不能再修改",
                   "A meeting of this campaign has started: the rubric is fixed", status=409)
    criteria = [rules.Criterion(c.name.strip(), c.name_en.strip(), int(c.max_points)) for c in criteria]
    _refuse_problems("rubric_invalid", rules.rubric_problems(criteria))
    DefenceCriterion.objects.filter(campaign=campaign).delete()
    DefenceCriterion.objects.bulk_create([
        DefenceCriterion(campaign=campaign, position=n, name=c.name[:60], name_en=c.name_en[:60],
                         max_points=c.max_points) for n, c in enumerate(criteria, start=1)])
    audit_event_record(event_type=EventType.CAMPAIGN_RUBRIC_SET, actor=actor, obj=campaign,
                       data={"criteria": [[c.name, c.max_points] for c in criteria]}, ip=ip)
    return tuple(criteria)


@transaction.atomic
def defence_slot_set(*, actor, item: AgendaItem, at: dt.datetime, place: str, order: int,
                     ip: str | None = None) -> AgendaItem:
    """The secretary schedules a candidate's defence: time (on the meeting's day), place, order (unique)."""
    item = _lock_item(item.pk)
    meeting = item.meeting
    require(can_run_committee(actor, meeting.committee))
    if meeting.status == MeetingStatus.SIGNED:
        raise _bad("meeting_signed", "会议结果已签署，不能再安排答辩", "Already signed", status=409)
    day = timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    if day != meeting.held_on:
        raise _bad("defence_day", f"答辩时间须在会议当天（{meeting.held_on}）",
                   f"The defence takes place on the meeting's day ({meeting.held_on})",
                   fields={"defence_at": ["须在会议当天"]})
    if not place.strip():
        raise _bad("defence_place", "请填写答辩地点", "Give the defence's place", fields={"defence_place": ["必填"]})
    if order < 1:
        raise _bad("defence_order", "答辩顺序须为正整数", "The order is a positive number")
    taken = meeting.items.filter(defence_order=order).exclude(pk=item.pk).select_related("dossier__applicant").first()
    if taken is not None:
        raise _bad("defence_order_taken", f"答辩顺序 {order} 已安排给 {taken.dossier.applicant.real_name}",
                   f"Defence order {order} is taken", status=409)
    item.defence_at, item.defence_place, item.defence_order = at, place.strip()[:100], order
    item.save(update_fields=["defence_at", "defence_place", "defence_order"])
    audit_event_record(event_type=EventType.COMMITTEE_DEFENCE_SCHEDULED, actor=actor, obj=meeting,
                       organisation=meeting.committee.organisation,
                       data={"item": item.pk, "at": at.isoformat(), "place": item.defence_place, "order": order},
                       ip=ip)
    return item


@transaction.atomic
def defence_no_show_mark(*, actor, item: AgendaItem, no_show: bool, note: str = "",
                         ip: str | None = None) -> AgendaItem:
    """The secretary records that the candidate did not come to the defence (or undoes it). The candidate stays on
    the agenda and is voted on (the vote is on the dossier); the note goes into the minutes; no defence scores."""
    item = _lock_item(item.pk)
    meeting = item.meeting
    require(can_run_committee(actor, meeting.committee))
    if meeting.status == MeetingStatus.SIGNED:
        raise _bad("meeting_signed", "会议结果已签署", "Already signed", status=409)
    if item.defence_at is None:
        raise _bad("defence_not_scheduled", "该候选人尚未安排答辩", "No defence scheduled", status=409)
    if no_show and not note.strip():
        raise _bad("note_required", "请说明未到场答辩的情况（如：无故未到、请假）",
                   "Say why the candidate did not attend", fields={"note": ["必填"]})
    if no_show and DefenceScore.objects.filter(item=item).exists():
        raise _bad("defence_scored", "已有专家为该候选人的答辩评分，不能登记为未到场",
                   "Experts have already scored this defence", status=409)
    item.defence_no_show, item.defence_note = no_show, (note.strip()[:300] if no_show else "")
    item.save(update_fields=["defence_no_show", "defence_note"])
    audit_event_record(event_type=EventType.COMMITTEE_DEFENCE_NO_SHOW, actor=actor, obj=meeting,
                       organisation=meeting.committee.organisation,
                       data={"item": item.pk, "no_show": no_show, "note": item.defence_note}, ip=ip)
    return item


@transaction.atomic
def defence_score(*, actor, item: AgendaItem, scores: dict[str, int], ip: str | None = None) -> list[DefenceScore]:
    """An attending, non-recused member scores a candidate's defence on the campaign's rubric: every criterion,
    each within its maximum (a partial score would pull the candidate's average down)."""
    item = _lock_item(item.pk)
    seat = seat_of(actor, item.meeting)
    if seat is None or Conflict.objects.filter(expert=seat.expert, dossier_id=item.dossier_id).exists():
        raise NotFound("not_on_agenda", "该候选人不在会议议程中", "Not on the agenda")
    if not seat.present:
        raise PermissionDenied("not_present", "仅出席会议的委员可以为答辩评分", "Only attending members score")
    if item.meeting.status == MeetingStatus.SIGNED:
        raise _bad("meeting_signed", "会议结果已签署，不能再评分", "Already signed", status=409)
    if item.defence_no_show:
        raise _bad("no_show", "申报人未到场答辩", "The candidate did not attend the defence", status=409)
    scores = {str(name): int(score) for name, score in scores.items()}
    _refuse_problems("score_invalid", rules.score_problems(defence_rubric(item.meeting.campaign_id), scores))
    saved = []
    for criterion, score in scores.items():
        row, _c = DefenceScore.objects.update_or_create(item=item, expert=seat.expert, criterion=criterion,
                                                        defaults={"score": int(score)})
        saved.append(row)
    audit_event_record(event_type=EventType.COMMITTEE_DEFENCE_SCORED, actor=actor, obj=item.meeting,
                       data={"item": item.pk}, ip=ip)
    return saved


@transaction.atomic
def panel_opinion_record(*, actor, item: AgendaItem, panel_name: str, experts: list[Expert], opinion: str,
                         ip: str | None = None) -> PanelOpinion:
    """A review panel (≥ 3 experts of the meeting, none recused on the candidate) writes its opinion."""
    item = _lock_item(item.pk)
    require(can_run_committee(actor, item.meeting.committee))
    if len({e.pk for e in experts}) < 3:
        raise _bad("panel_too_small", "评议组至少由 3 名专家组成", "A review panel has at least 3 experts")
    if Conflict.objects.filter(dossier_id=item.dossier_id, expert__in=experts).exists():
        raise _bad("panel_conflict", "评议组中有须回避该候选人的专家", "A panel member must recuse", status=409)
    if not opinion.strip():
        raise _bad("opinion_required", "请填写评议意见", "Write the opinion")
    row = PanelOpinion.objects.create(item=item, panel_name=panel_name or "评议组", opinion=opinion.strip())
    row.experts.set(experts)
    audit_event_record(event_type=EventType.COMMITTEE_PANEL_OPINION, actor=actor, obj=item.meeting,
                       data={"item": item.pk}, ip=ip)
    return row


# -- the entrusted route -----------------------------------------------------------------------------------------


def _require_office(actor, dossier: Dossier) -> None:
    from .permissions import can_office_act

    require(can_office_act(actor, title_office_of(dossier.organisation)))


@transaction.atomic
def entrustment_prepare(*, actor, dossier: Dossier, receiving_committee: str, ip: str | None = None):
    """Generate the entrustment letter (委托函) and the package (dossier PDF with a material index + data file)."""
    from .models import Entrustment
    from .pdfs import entrustment_letter_pdf, entrustment_package

    _require_office(actor, dossier)
    if dossier.state != S.OFFICE_ACCEPTED or dossier.route != "entrusted":
        raise _bad("not_entrusted", "只有职改办已受理、委托评审的申报材料可以生成委托材料",
                   "Only an accepted, entrusted dossier", status=409)
    if not receiving_committee.strip():
        raise _bad("committee_required", "请填写受委托的评审委员会", "Name the entrusted committee")
    entrustment, _c = Entrustment.objects.update_or_create(dossier=dossier, defaults={
        "receiving_committee": receiving_committee.strip(), "prepared_at": timezone.now(), "prepared_by": actor,
    })
    entrustment.letter_file = entrustment_letter_pdf(entrustment)
    entrustment.package_file = entrustment_package(entrustment)
    entrustment.save(update_fields=["letter_file", "package_file"])
    audit_event_record(event_type=EventType.COMMITTEE_ENTRUSTMENT_PREPARED, actor=actor, obj=dossier,
                       organisation=dossier.organisation, data={"committee": entrustment.receiving_committee}, ip=ip)
    return entrustment


@transaction.atomic
def entrustment_dispatch(*, actor, dossier: Dossier, reference: str = "", ip: str | None = None):
    from .models import Entrustment

    _require_office(actor, dossier)
    entrustment = Entrustment.objects.select_for_update().filter(dossier=dossier).first()
    if entrustment is None:
        raise _bad("entrustment_missing", "请先生成委托函和送评材料", "Prepare the letter and package first",
                   status=409)
    entrustment.dispatched_at, entrustment.dispatch_reference = timezone.now(), reference.strip()[:80]
    entrustment.save(update_fields=["dispatched_at", "dispatch_reference"])
    dossier_transition(dossier=dossier, to=S.ENTRUSTED_SENT, actor=actor, ip=ip,
                       data={"committee": entrustment.receiving_committee, "reference": entrustment.dispatch_reference})
    return entrustment


@transaction.atomic
def entrusted_result_record(*, actor, dossier: Dossier, passed: bool, committee_name: str, document_number: str,
                            decided_on: dt.date, result_file=None, ip: str | None = None) -> EvaluationResult:
    """Record the entrusted committee's result (pass/fail, committee, document number, date, document)."""
    _require_office(actor, dossier)
    if dossier.state != S.ENTRUSTED_SENT:
        raise _bad("not_sent", "该申报材料尚未送委托评审", "Not sent for entrusted evaluation", status=409)
    if not committee_name.strip() or not document_number.strip():
        raise _bad("result_incomplete", "请填写评审委员会和结果文号", "Give the committee and the document number")
    if decided_on > timezone.localdate():
        raise _bad("date_in_future", "评审日期不能晚于今天", "The decision date cannot be in the future")
    result = EvaluationResult.objects.create(
        dossier=dossier, route=EvaluationRoute.ENTRUSTED, passed=passed, committee_name=committee_name.strip(),
        decided_on=decided_on, document_number=document_number.strip(), result_file=result_file,
    )
    dossier_transition(dossier=dossier, to=S.PASSED if passed else S.FAILED, actor=actor, ip=ip,
                       data={"document_number": result.document_number})
    return result
