"""API for evaluation (`/api/v1/committees/...`): the same services and checks as the pages.

Ballot totals appear only once a candidate's ballot is closed; no endpoint returns who voted how (there is no such
link to return). A conflicted expert's candidate list and dossier lookups answer as if the candidate did not exist.
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from zhicheng.accounts.models import Organisation
from zhicheng.campaigns.models import Campaign
from zhicheng.catalog.models import Level, Series
from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination
from zhicheng.dossiers.models import Dossier

from . import selectors, services
from .models import AgendaItem, Expert

router = Router(tags=["committees"])


class MeetingOut(Schema):
    id: int
    name: str
    committee: str
    held_on: dt.date
    status: str
    size: int

    @staticmethod
    def resolve_committee(obj) -> str:
        return obj["committee"] if isinstance(obj, dict) else obj.committee.name


class ItemOut(Schema):
    id: int
    position: int
    dossier_id: int
    candidate: str
    unit: str
    ballot_state: str
    voted: int | None = None  # how many have voted (the secretary's count), never who or how
    my_vote: int | None = None  # 1 once this expert has voted (their own list)
    totals: dict | None = None

    @staticmethod
    def resolve_candidate(obj) -> str:
        return obj.dossier.applicant.real_name

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.dossier.organisation.name

    @staticmethod
    def resolve_totals(obj) -> dict | None:
        return selectors.item_totals(obj)


class SeatOut(Schema):
    expert_id: int
    name: str
    position: int
    status: str
    present: bool
    pledge_signed: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.expert.user.real_name

    @staticmethod
    def resolve_pledge_signed(obj) -> bool:
        return obj.pledge_signed_at is not None


class MeetingDetailOut(MeetingOut):
    present: int
    members: int
    quorum_met: bool
    seats: list[SeatOut]
    items: list[ItemOut]


class ExclusionOut(Schema):
    expert: int
    reason: str


class DrawOut(Schema):
    seed: str
    requested: int
    alternates: int
    picked: list[int]
    exclusions: list[ExclusionOut]
    verified: bool


class MeetingIn(Schema):
    committee_id: int
    campaign_id: int
    name: str
    held_on: dt.date
    size: int
    place: str = ""
    alternates_per_member: float = 1.0
    exclude_conflicted: bool = False


class DossierRef(Schema):
    dossier_id: int


class ExpertRef(Schema):
    expert_id: int
    present: bool = True


class VoteIn(Schema):
    choice: str


class ReasonIn(Schema):
    reason: str


class AnswerIn(Schema):
    accept: bool


class ConflictIn(Schema):
    dossier_id: int
    note: str = ""


class ExpertIn(Schema):
    user_id: int
    office_id: int
    series_id: int
    level_id: int
    title: str
    term_start: dt.date
    term_end: dt.date
    unit_id: int | None = None
    specialties: str = ""
    is_active: bool = True


class ExpertOut(Schema):
    id: int
    name: str
    series: str
    level: str
    title: str
    unit_name: str
    term_start: dt.date
    term_end: dt.date
    is_active: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.real_name

    @staticmethod
    def resolve_series(obj) -> str:
        return obj.series.name

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.level.name


class RelationIn(Schema):
    kind: str
    person_id: int | None = None  # a registered person (GET /experts/relation-people?q= finds them by name)
    person_id_number: str = ""
    organisation_id: int | None = None
    until: dt.date | None = None
    note: str = ""


class QuotaOut(Schema):
    series: str
    level: str
    plan: int
    used: int
    pending: int
    remaining: int


class EntrustIn(Schema):
    receiving_committee: str


class DispatchIn(Schema):
    reference: str = ""


class ResultIn(Schema):
    passed: bool
    committee_name: str
    document_number: str
    decided_on: dt.date


class ResultOut(Schema):
    dossier_id: int
    route: str
    passed: bool
    committee_name: str
    decided_on: dt.date
    document_number: str
    yes_votes: int | None
    attending: int | None


def _get(model, pk, what: str):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise NotFound("not_found", f"{what}不存在", "Not found")
    return obj


def _meeting_detail(meeting) -> dict:
    present, members, met = services.meeting_quorum(meeting)
    fields = {f: getattr(meeting, f) for f in ("id", "name", "held_on", "status", "size")}
    return {**fields, "committee": meeting.committee.name, "present": present, "members": members, "quorum_met": met,
            "seats": list(meeting.members.select_related("expert__user").order_by("position")),
            "items": list(selectors.meeting_items(meeting))}


def _item_for_secretary(user, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.filter(pk=item_id, meeting__in=selectors.meetings_for_secretary(user)).first()
    if item is None:
        raise NotFound("not_found", "议程不存在或无权查看", "Not found")
    return item


# -- the secretary ----------------------------------------------------------------------------------------------


@router.get("/meetings", response=list[MeetingOut])
@paginate(Pagination, page_size=50)
def meeting_list(request):
    return selectors.meetings_for_secretary(request.auth)


@router.post("/meetings", response={201: MeetingOut})
def meeting_create(request, payload: MeetingIn):
    committee = selectors.committees_for(request.auth).filter(pk=payload.committee_id).first()
    if committee is None:
        raise NotFound("not_found", "评审委员会不存在或无权查看", "Committee not found")
    meeting = services.meeting_create(
        actor=request.auth, committee=committee, campaign=_get(Campaign, payload.campaign_id, "年度评审"),
        name=payload.name, held_on=payload.held_on, size=payload.size, place=payload.place,
        alternates_per_member=payload.alternates_per_member, exclude_conflicted=payload.exclude_conflicted,
        ip=client_ip(request))
    return Status(201, meeting)


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def meeting_detail(request, meeting_id: int):
    return _meeting_detail(selectors.meeting_get_for_secretary(request.auth, meeting_id))


@router.post("/meetings/{meeting_id}/agenda", response={201: ItemOut})
def agenda_add(request, meeting_id: int, payload: DossierRef):
    meeting = selectors.meeting_get_for_secretary(request.auth, meeting_id)
    dossier = _get(Dossier, payload.dossier_id, "申报材料")
    return Status(201, services.agenda_add(actor=request.auth, meeting=meeting, dossier=dossier,
                                           ip=client_ip(request)))


@router.post("/meetings/{meeting_id}/draw", response={201: DrawOut})
def meeting_draw(request, meeting_id: int):
    meeting = selectors.meeting_get_for_secretary(request.auth, meeting_id)
    draw = services.meeting_draw(actor=request.auth, meeting=meeting, ip=client_ip(request))
    return Status(201, {**{f: getattr(draw, f) for f in ("seed", "requested", "alternates", "picked", "exclusions")},
                        "verified": services.draw_verify(draw)})


@router.get("/meetings/{meeting_id}/draw", response=DrawOut)
def draw_detail(request, meeting_id: int):
    meeting = selectors.meeting_get_for_secretary(request.auth, meeting_id)
    draw = getattr(meeting, "draw", None)
    if draw is None:
        raise NotFound("not_drawn", "本次会议尚未抽取专家", "Not drawn yet")
    return {**{f: getattr(draw, f) for f in ("seed", "requested", "alternates", "picked", "exclusions")},
            "verified": services.draw_verify(draw)}


@router.post("/meetings/{meeting_id}/attendance", response=SeatOut)
def attendance(request, meeting_id: int, payload: ExpertRef):
    meeting = selectors.meeting_get_for_secretary(request.auth, meeting_id)
    return services.attendance_check_in(actor=request.auth, meeting=meeting, present=payload.present,
                                        expert=_get(Expert, payload.expert_id, "专家"), ip=client_ip(request))


@router.post("/meetings/{meeting_id}/start", response=MeetingDetailOut)
def meeting_start(request, meeting_id: int):
    meeting = selectors.meeting_get_for_secretary(request.auth, meeting_id)
    return _meeting_detail(services.meeting_start(actor=request.auth, meeting=meeting, ip=client_ip(request)))


@router.post("/meetings/{meeting_id}/conflicts", response={201: dict})
def conflict_flag(request, meeting_id: int, payload: ConflictIn, expert_id: int):
    meeting = selectors.meeting_get_for_secretary(request.auth, meeting_id)
    conflict = services.conflict_record(actor=request.auth, meeting=meeting, expert=_get(Expert, expert_id, "专家"),
                                        dossier=_get(Dossier, payload.dossier_id, "申报材料"), note=payload.note,
                                        ip=client_ip(request))
    return Status(201, {"id": conflict.pk, "source": conflict.source})


@router.post("/items/{item_id}/open", response=ItemOut)
def ballot_open(request, item_id: int):
    return services.ballot_open(actor=request.auth, item=_item_for_secretary(request.auth, item_id),
                                ip=client_ip(request))


@router.post("/items/{item_id}/close", response=ItemOut)
def ballot_close(request, item_id: int):
    return services.ballot_close(actor=request.auth, item=_item_for_secretary(request.auth, item_id),
                                 ip=client_ip(request))


@router.get("/quota", response=list[QuotaOut])
def quota(request, campaign_id: int):
    from .permissions import managed_office_ids

    if not managed_office_ids(request.auth):
        raise NotFound("not_found", "无权查看评审计划", "Not found")
    return selectors.quota_usage(_get(Campaign, campaign_id, "年度评审"))


@router.get("/experts", response=list[ExpertOut])
@paginate(Pagination, page_size=50)
def expert_list(request):
    return selectors.pool_for(request.auth)


@router.post("/experts", response={201: ExpertOut})
def expert_save(request, payload: ExpertIn):
    from zhicheng.accounts.models import User

    expert = services.expert_save(
        actor=request.auth, office=_get(Organisation, payload.office_id, "职改办"),
        user=_get(User, payload.user_id, "用户"), series=_get(Series, payload.series_id, "系列"),
        level=_get(Level, payload.level_id, "级别"), title=payload.title, term_start=payload.term_start,
        term_end=payload.term_end, unit=_get(Organisation, payload.unit_id, "单位") if payload.unit_id else None,
        specialties=payload.specialties, is_active=payload.is_active, ip=client_ip(request))
    return Status(201, expert)


# -- the expert -------------------------------------------------------------------------------------------------


@router.get("/my/meetings", response=list[MeetingOut])
@paginate(Pagination, page_size=50)
def my_meetings(request):
    return selectors.meetings_for_expert(request.auth)


@router.get("/my/meetings/{meeting_id}/candidates", response=list[ItemOut])
def my_candidates(request, meeting_id: int):
    return list(selectors.expert_candidates(selectors.expert_seat(request.auth, meeting_id)))


@router.post("/my/meetings/{meeting_id}/answer", response=SeatOut)
def my_answer(request, meeting_id: int, payload: AnswerIn):
    seat = selectors.expert_seat(request.auth, meeting_id)
    return services.invitation_answer(actor=request.auth, meeting=seat.meeting, accept=payload.accept,
                                      ip=client_ip(request))


@router.post("/my/meetings/{meeting_id}/pledge", response=SeatOut)
def my_pledge(request, meeting_id: int):
    seat = selectors.expert_seat(request.auth, meeting_id)
    return services.pledge_sign(actor=request.auth, meeting=seat.meeting, ip=client_ip(request))


@router.post("/my/meetings/{meeting_id}/conflicts", response={201: dict})
def my_conflict(request, meeting_id: int, payload: ConflictIn):
    seat = selectors.expert_seat(request.auth, meeting_id)
    conflict = services.conflict_record(actor=request.auth, meeting=seat.meeting, expert=seat.expert,
                                        dossier=_get(Dossier, payload.dossier_id, "申报材料"), note=payload.note,
                                        ip=client_ip(request))
    return Status(201, {"id": conflict.pk, "source": conflict.source})


@router.post("/my/relations", response={201: dict})
def my_relation(request, payload: RelationIn):
    relation = services.relation_declare(
        actor=request.auth, kind=payload.kind, person_id_number=payload.person_id_number,
        organisation=_get(Organisation, payload.organisation_id, "单位") if payload.organisation_id else None,
        until=payload.until, note=payload.note, ip=client_ip(request))
    return Status(201, {"id": relation.pk})


@router.post("/items/{item_id}/vote", response={204: None})
def vote(request, item_id: int, payload: VoteIn):
    services.vote_cast(actor=request.auth, item_id=item_id, choice=payload.choice, ip=client_ip(request))
    return Status(204, None)


def _item_for_chair(user, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting").filter(pk=item_id).first()
    if item is None:
        raise NotFound("not_found", "议程不存在", "Not found")
    selectors.expert_seat(user, item.meeting_id)
    return item


@router.post("/items/{item_id}/revote", response=ItemOut)
def revote(request, item_id: int, payload: ReasonIn):
    return services.ballot_revote(actor=request.auth, item=_item_for_chair(request.auth, item_id),
                                  reason=payload.reason, ip=client_ip(request))


@router.post("/items/{item_id}/quota-exclude", response=ItemOut)
def quota_exclude(request, item_id: int, payload: ReasonIn):
    return services.quota_resolve(actor=request.auth, item=_item_for_chair(request.auth, item_id),
                                  reason=payload.reason, ip=client_ip(request))


@router.post("/my/meetings/{meeting_id}/sign", response=MeetingOut)
def sign(request, meeting_id: int):
    seat = selectors.expert_seat(request.auth, meeting_id)
    return services.tally_sign(actor=request.auth, meeting=seat.meeting, ip=client_ip(request))


# -- the entrusted route (the title office) ----------------------------------------------------------------------


def _office_dossier(user, dossier_id: int) -> Dossier:
    from zhicheng.dossiers.selectors import dossier_get_for

    return dossier_get_for(user, dossier_id)


@router.post("/entrusted/{dossier_id}/prepare", response={201: dict})
def entrusted_prepare(request, dossier_id: int, payload: EntrustIn):
    entrustment = services.entrustment_prepare(actor=request.auth, dossier=_office_dossier(request.auth, dossier_id),
                                               receiving_committee=payload.receiving_committee, ip=client_ip(request))
    return Status(201, {"dossier_id": entrustment.dossier_id, "letter_file": entrustment.letter_file_id,
                        "package_file": entrustment.package_file_id})


@router.post("/entrusted/{dossier_id}/dispatch", response=dict)
def entrusted_dispatch(request, dossier_id: int, payload: DispatchIn):
    entrustment = services.entrustment_dispatch(actor=request.auth, dossier=_office_dossier(request.auth, dossier_id),
                                                reference=payload.reference, ip=client_ip(request))
    return {"dossier_id": entrustment.dossier_id, "dispatched_at": entrustment.dispatched_at.isoformat()}


@router.post("/entrusted/{dossier_id}/result", response={201: ResultOut})
def entrusted_result(request, dossier_id: int, payload: ResultIn):
    result = services.entrusted_result_record(
        actor=request.auth, dossier=_office_dossier(request.auth, dossier_id), passed=payload.passed,
        committee_name=payload.committee_name, document_number=payload.document_number,
        decided_on=payload.decided_on, ip=client_ip(request))
    return Status(201, result)


# -- defences and review panels ----------------------------------------------------------------------------------


class ScoresIn(Schema):
    scores: dict[str, int]


class PanelIn(Schema):
    panel_name: str
    expert_ids: list[int]
    opinion: str


@router.post("/items/{item_id}/defence-scores", response={201: dict})
def defence_scores(request, item_id: int, payload: ScoresIn):
    item = _item_for_chair(request.auth, item_id)  # any seated member of the meeting (NotFound otherwise)
    rows = services.defence_score(actor=request.auth, item=item, scores=payload.scores, ip=client_ip(request))
    return Status(201, {"saved": len(rows)})


class DefenceSlotIn(Schema):
    at: dt.datetime
    place: str
    order: int


class NoShowIn(Schema):
    no_show: bool
    note: str = ""


class DefenceSlotOut(Schema):
    item_id: int
    at: dt.datetime | None
    place: str
    order: int | None
    no_show: bool
    note: str


def _slot(item) -> dict:
    return {"item_id": item.pk, "at": item.defence_at, "place": item.defence_place, "order": item.defence_order,
            "no_show": item.defence_no_show, "note": item.defence_note}


@router.post("/items/{item_id}/defence-slot", response=DefenceSlotOut)
def defence_slot(request, item_id: int, payload: DefenceSlotIn):
    from django.utils import timezone

    item = _item_for_secretary(request.auth, item_id)
    at = timezone.make_aware(payload.at) if timezone.is_naive(payload.at) else payload.at
    item = services.defence_slot_set(actor=request.auth, item=item, at=at, place=payload.place, order=payload.order,
                                     ip=client_ip(request))
    return _slot(item)


@router.post("/items/{item_id}/no-show", response=DefenceSlotOut)
def defence_no_show(request, item_id: int, payload: NoShowIn):
    item = _item_for_secretary(request.auth, item_id)
    item = services.defence_no_show_mark(actor=request.auth, item=item, no_show=payload.no_show, note=payload.note,
                                         ip=client_ip(request))
    return _slot(item)


@router.get("/my/dossiers/{dossier_id}/defence", response=DefenceSlotOut)
def my_defence_slot(request, dossier_id: int):
    """The applicant's own defence slot (time, place, order) — nothing else of the meeting."""
    dossier = Dossier.objects.filter(pk=dossier_id, applicant_id=request.auth.pk).first()
    item = selectors.defence_slot_of(dossier) if dossier is not None else None
    if item is None:
        raise NotFound("not_found", "尚未安排答辩", "No defence scheduled")
    return _slot(item)


@router.post("/items/{item_id}/panel-opinions", response={201: dict})
def panel_opinion(request, item_id: int, payload: PanelIn):
    item = _item_for_secretary(request.auth, item_id)
    experts = list(Expert.objects.filter(pk__in=payload.expert_ids, seats__meeting_id=item.meeting_id).distinct())
    opinion = services.panel_opinion_record(actor=request.auth, item=item, panel_name=payload.panel_name,
                                            experts=experts, opinion=payload.opinion, ip=client_ip(request))
    return Status(201, {"id": opinion.pk})


# -- committees ---------------------------------------------------------------------------------------------------


class CommitteeIn(Schema):
    organisation_id: int
    name: str
    series_id: int
    level_id: int
    approval_number: str
    valid_from: dt.date
    valid_until: dt.date
    formed_by: str = "series"
    specialty_id: int | None = None
    min_size: int | None = None
    chair_id: int | None = None
    vice_chair_ids: list[int] = []


class CommitteeOut(Schema):
    id: int
    name: str
    min_size: int
    approval_number: str
    valid_from: dt.date
    valid_until: dt.date


@router.get("/committees", response=list[CommitteeOut])
@paginate(Pagination, page_size=50)
def committee_list(request):
    return selectors.committees_for(request.auth)


class CommitteeUpdateIn(Schema):
    name: str
    approval_number: str
    valid_from: dt.date
    valid_until: dt.date
    min_size: int
    chair_id: int | None = None
    vice_chair_ids: list[int] = []


@router.put("/committees/{committee_id}", response=CommitteeOut)
def committee_update(request, committee_id: int, payload: CommitteeUpdateIn):
    committee = selectors.committee_get_for(request.auth, committee_id)
    pool = selectors.pool_for(request.auth)
    chair = pool.filter(pk=payload.chair_id).first() if payload.chair_id else None
    vice = list(pool.filter(pk__in=payload.vice_chair_ids))
    if (payload.chair_id and chair is None) or len(vice) != len(set(payload.vice_chair_ids)):
        raise NotFound("not_found", "主任或副主任委员不在专家库中", "Chair or vice-chair not in the pool")
    return services.committee_update(
        actor=request.auth, committee=committee, name=payload.name, approval_number=payload.approval_number,
        valid_from=payload.valid_from, valid_until=payload.valid_until, min_size=payload.min_size, chair=chair,
        vice_chairs=vice, ip=client_ip(request))


class PersonOut(Schema):
    id: int
    name: str
    id_masked: str


@router.get("/experts/relation-people", response=list[PersonOut])
def relation_people(request, q: str = ""):
    """Registered people to name in an expert's relation, by name, ID numbers masked (pool managers only)."""
    return selectors.relation_people_search(request.auth, q)


@router.post("/experts/{expert_id}/relations", response={201: dict})
def expert_relation(request, expert_id: int, payload: RelationIn):
    """The pool's manager records a relation the expert declared to them (the expert's own: /my/relations)."""
    expert = selectors.pool_get(request.auth, expert_id)
    relation = services.relation_declare(
        actor=request.auth, expert=expert, kind=payload.kind, person_id_number=payload.person_id_number,
        person=selectors.relation_person(request.auth, payload.person_id),
        organisation=_get(Organisation, payload.organisation_id, "单位") if payload.organisation_id else None,
        until=payload.until, note=payload.note, ip=client_ip(request))
    return Status(201, {"id": relation.pk})


@router.post("/committees", response={201: CommitteeOut})
def committee_create(request, payload: CommitteeIn):
    from zhicheng.catalog.models import Specialty

    from .models import FormedBy

    organisation = Organisation.objects.filter(pk=payload.organisation_id, kind="committee").first()
    if organisation is None:
        raise NotFound("not_found", "评委会机构不存在", "Committee organisation not found")
    if payload.formed_by not in FormedBy.values:
        from zhicheng.core.errors import ApplicationError

        raise ApplicationError("formed_by_invalid", "组建方式须为按系列或按专业", "formed_by: series or specialty")
    pool = selectors.pool_for(request.auth)
    committee = services.committee_save(
        actor=request.auth, organisation=organisation, name=payload.name,
        series=_get(Series, payload.series_id, "系列"), level=_get(Level, payload.level_id, "级别"),
        approval_number=payload.approval_number, valid_from=payload.valid_from, valid_until=payload.valid_until,
        formed_by=payload.formed_by, min_size=payload.min_size,
        specialty=_get(Specialty, payload.specialty_id, "专业") if payload.specialty_id else None,
        chair=pool.filter(pk=payload.chair_id).first() if payload.chair_id else None,
        vice_chairs=list(pool.filter(pk__in=payload.vice_chair_ids)), ip=client_ip(request))
    return Status(201, committee)


class CriterionIO(Schema):
    name: str
    name_en: str = ""
    max_points: int


class RubricIO(Schema):
    criteria: list[CriterionIO]
    locked: bool = False


def _rubric_out(campaign_id: int) -> dict:
    return {"criteria": [c._asdict() for c in selectors.defence_rubric(campaign_id)],
            "locked": selectors.rubric_locked(campaign_id)}


@router.get("/campaigns/{campaign_id}/rubric", response=RubricIO)
def rubric_get(request, campaign_id: int):
    """The campaign's defence rubric (the default one until the office sets its own)."""
    return _rubric_out(_get(Campaign, campaign_id, "campaign").pk)


@router.put("/campaigns/{campaign_id}/rubric", response=RubricIO)
def rubric_set(request, campaign_id: int, payload: RubricIO):
    """The office replaces the campaign's defence rubric (refused once a meeting of the campaign has started)."""
    from .rules import Criterion

    campaign = _get(Campaign, campaign_id, "campaign")
    services.defence_rubric_set(actor=request.auth, campaign=campaign,
                                criteria=[Criterion(c.name, c.name_en, c.max_points) for c in payload.criteria],
                                ip=client_ip(request))
    return _rubric_out(campaign.pk)
