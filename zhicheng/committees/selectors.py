"""Reading evaluation: meetings for the secretary and the expert, candidates without the conflicted, sealed totals."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from zhicheng.accounts.masking import masked
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
    DefenceCriterion,
    DefenceScore,
    EvaluationResult,
    Expert,
    Meeting,
    MeetingMember,
    MeetingStatus,
    SeatStatus,
)
from .permissions import managed_office_ids, office_role_ids, secretary_committee_org_ids
from .rules import DEFAULT_RUBRIC, Criterion

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
            "planned": _("排入议程并随机抽取专家"), "drawn": _("专家签到，达到法定人数后开始会议"),
            "in_progress": _("逐一开始、结束投票，请主任委员签署计票结果")}.get(meeting.status, "")})
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


# -- the secretary's pages: one candidate, the pool, committees -------------------------------------------------


def meeting_item_get(meeting: Meeting, item_id) -> AgendaItem:
    item = (meeting.items.select_related("dossier__applicant", "dossier__organisation", "dossier__series",
                                         "dossier__level").filter(pk=item_id).first()
            if str(item_id).isdigit() else None)
    if item is None:
        raise NotFound("not_on_agenda", "该候选人不在会议议程中", "Not on the agenda")
    return item


def panel_candidates(item: AgendaItem) -> QuerySet[Expert]:
    """The meeting's seated members who may sit on a panel for this candidate: the recused are left out."""
    conflicted = Conflict.objects.filter(dossier_id=item.dossier_id).values("expert_id")
    return (Expert.objects.filter(seats__meeting_id=item.meeting_id, seats__status__in=SEATED)
            .exclude(pk__in=conflicted).select_related("user").order_by("seats__position"))


def defence_summary(item: AgendaItem) -> dict:
    """How many experts scored the defence and their average total — no expert's own scores (one query)."""
    totals: dict[int, int] = {}
    for expert_id, score in DefenceScore.objects.filter(item=item).values_list("expert_id", "score"):
        totals[expert_id] = totals.get(expert_id, 0) + score
    return {"experts": len(totals), "average": (sum(totals.values()) / len(totals)) if totals else None}


def my_defence_scores(seat: MeetingMember) -> dict[int, dict[str, int]]:
    """The expert's own scores per agenda item (to show and correct them on their page)."""
    scores: dict[int, dict[str, int]] = {}
    for item_id, criterion, score in DefenceScore.objects.filter(
            expert_id=seat.expert_id, item__meeting_id=seat.meeting_id).values_list("item_id", "criterion", "score"):
        scores.setdefault(item_id, {})[criterion] = score
    return scores


def pool_get(user, pk) -> Expert:
    expert = pool_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if expert is None:
        raise NotFound("not_found", "专家不存在或无权查看", "Expert not found")
    return expert


def office_for_pool(user):
    """The title office whose pool a new expert joins: the (first) office the user manages."""
    from zhicheng.accounts.models import Organisation

    return Organisation.objects.filter(pk__in=managed_office_ids(user)).order_by("pk").first()


def expert_account(user, username: str):
    """A user account holding the expert role under an office the user manages (the pool's people)."""
    from zhicheng.accounts.models import Membership, Role
    from zhicheng.core.errors import ApplicationError

    offices = managed_office_ids(user)
    membership = (Membership.objects.select_related("user")
                  .filter(user__username=username.strip(), role=Role.EXPERT, is_active=True)
                  .filter(Q(organisation_id__in=offices) | Q(organisation__parent_id__in=offices)).first()
                  if username.strip() else None)
    if membership is None:
        raise ApplicationError("expert_account", "未找到该账号：须是本职改办下已开通“评审专家”角色的用户",
                               "No such account with the expert role under your office",
                               details={"fields": {"username": ["未找到该专家账号"]}})
    return membership.user


def organisation_by_name(name: str):
    from zhicheng.accounts.models import Organisation

    return Organisation.objects.filter(name=name.strip()).first() if name.strip() else None


def series_choices():
    from zhicheng.catalog.models import Series

    return Series.objects.order_by("pk")


def level_choices():
    from zhicheng.catalog.models import Level

    return Level.objects.order_by("-rank")


def committee_get_for(user, pk) -> Committee:
    committee = committees_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if committee is None:
        raise NotFound("not_found", "评审委员会不存在或无权查看", "Committee not found")
    return committee


def defence_slot_of(dossier: Dossier) -> AgendaItem | None:
    """The applicant's defence slot: time, place, order (of the latest meeting that scheduled one)."""
    return (AgendaItem.objects.filter(dossier=dossier, defence_at__isnull=False).select_related("meeting")
            .order_by("-meeting_id").first())


def committee_organisations_for(user):
    """Committee organisations under the offices whose pool the user manages (where a committee is registered)."""
    from zhicheng.accounts.models import Organisation

    return Organisation.objects.filter(kind="committee", parent_id__in=managed_office_ids(user)).order_by("pk")


def defence_rubric(campaign_id: int) -> tuple[Criterion, ...]:
    """The campaign's defence rubric in order; the default one while the office has not set its own (one query)."""
    rows = tuple(Criterion(name, name_en, top) for name, name_en, top in DefenceCriterion.objects.filter(
        campaign_id=campaign_id).order_by("position").values_list("name", "name_en", "max_points"))
    return rows or DEFAULT_RUBRIC


def rubric_locked(campaign_id: int) -> bool:
    """A rubric is fixed once a meeting of the campaign has started, or any defence of it was scored (the scores
    are on it)."""
    return (Meeting.objects.filter(campaign_id=campaign_id,
                                   status__in=[MeetingStatus.IN_PROGRESS, MeetingStatus.SIGNED]).exists()
            or DefenceScore.objects.filter(item__meeting__campaign_id=campaign_id).exists())


PEOPLE_SEARCH_LIMIT = 20


def relation_people_search(user, query: str) -> list[dict]:
    """Registered people a pool's manager may name as an expert's relative or co-author: by name (or the start of
    it), at most 20, each with the ID number masked (enough to tell namesakes apart, not to copy). Only for those
    who manage a pool; an empty query finds no one."""
    from zhicheng.accounts.models import User

    query = query.strip()
    if not query or not managed_office_ids(user):
        return []
    people = (User.objects.filter(real_name__icontains=query[:60], is_active=True)
              .order_by("real_name", "pk").values("pk", "real_name", "id_number")[:PEOPLE_SEARCH_LIMIT])
    return [{"id": p["pk"], "name": p["real_name"], "id_masked": masked(p["id_number"])} for p in people]


def relation_person(user, pk) -> object | None:
    """The registered person picked for a relation (None when none was picked); refused for others than pool
    managers and for an unknown or inactive account."""
    from zhicheng.accounts.models import User

    if pk in (None, ""):
        return None
    person = (User.objects.filter(pk=pk, is_active=True).first()
              if str(pk).isdigit() and managed_office_ids(user) else None)
    if person is None:
        from zhicheng.core.errors import ApplicationError

        # bad input in a form, not a page out of reach: the form comes back with the message
        raise ApplicationError("person_not_found", "所选人员不存在", "The person picked does not exist")
    return person
