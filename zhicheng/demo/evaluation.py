"""The 2024 evaluation of the demo district, through the committees services with the clock replayed in December:

- the engineering senior committee (兰州新区工程系列职称评审委员会, 25 members at least) and its expert pool: the
  demo experts expert01–04 plus 23 more engineers (two of them 工程师, never drawn for a senior meeting);
- meeting 1 on 12-05: drawn, 21 of 25 present, the secret ballot closed, the chair (expert01) signed the tally,
  minutes archived — its candidate passed;
- meeting 2 on 12-12: under way, one ballot open, so expert01 and the secretary (pwh_gc_sec) land on work to do;
  one expert works in the candidate's company and is recused (the candidate is absent from their list);
- the entrusted 正高级 dossier (SENIOR-ENTRUSTED, accepted by the office in the review chain): the entrustment letter
  and package, the dispatch, and the provincial committee's recorded result.
Running it again changes nothing: it stops when the committee exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random

from zhicheng.accounts.models import Membership, Organisation, Role, User
from zhicheng.accounts.services import membership_grant, staff_account_open
from zhicheng.campaigns.models import Campaign
from zhicheng.catalog.models import Level, Series
from zhicheng.committees import services
from zhicheng.committees.models import Committee, Expert, MeetingMember, SeatStatus
from zhicheng.dossiers.models import Dossier, DossierState

from .dossiers import CAMPAIGN_YEAR, replayed_clock
from .identifiers import resident_id
from .organisations import ORGANISATIONS
from .people import DEMO_PASSWORD, demo_people

logger = logging.getLogger(__name__)
S = DossierState
_TZ = dt.timezone(dt.timedelta(hours=8))
COMMITTEE_NAME = "兰州新区工程系列高级职称评审委员会"
ENTRUSTED_COMMITTEE = "甘肃省工程系列正高级职称评审委员会"
_NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
_GIVEN = "建国志强海涛立新文华明远国庆振华红军永刚德胜"


def _at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An instant on the given day of December 2024 (a day ≤ 0 falls in late November)."""
    return dt.datetime(2024, 12, 1, hour, minute, tzinfo=_TZ) + dt.timedelta(days=day - 1)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _org(key: str) -> Organisation:
    name = next(spec.name for spec in ORGANISATIONS if spec.key == key)
    return Organisation.objects.get(name=name)


def _extra_experts(committee_org: Organisation) -> list[User]:
    """23 more engineers in the committee organisation (log-ins not printed; the demo password works)."""
    rng = random.Random(202412)  # noqa: S311  (reproducible demo people)
    sysadmin, secadmin = _user("sysadmin"), _user("secadmin")
    users = []
    for n in range(5, 28):
        username = f"gc_expert{n:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            birth = dt.date(rng.randrange(1962, 1982), rng.randrange(1, 13), rng.randrange(1, 29))
            name = rng.choice(_NAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
            user = staff_account_open(actor=sysadmin, organisation=committee_org, username=username, real_name=name,
                                      id_number=resident_id("620121", birth, 300 + n, male=True),
                                      password=DEMO_PASSWORD).user
            User.objects.filter(pk=user.pk).update(password_must_change=False)
        if not Membership.objects.filter(user=user, organisation=committee_org, role=Role.EXPERT).exists():
            membership_grant(actor=secadmin, organisation=committee_org, user=user, role=Role.EXPERT)
        users.append(user)
    return users


def _office_accepted(campaign: Campaign, *, level: str) -> list[Dossier]:
    return list(Dossier.objects.filter(campaign=campaign, state=S.OFFICE_ACCEPTED, route="self", series__name="工程",
                                       level__name=level).select_related("organisation", "applicant").order_by("pk"))


def _run_meeting(*, secretary, committee, campaign, name: str, day: int, candidates: list[Dossier], present: int,
                 votes: list[str] | None, chair: Expert) -> None:
    """Create, put the candidates on the agenda, draw (a recorded seed), confirm, pledge, check in, start; then
    vote and sign (votes given) or leave the first ballot open with a few votes cast (votes None)."""
    with replayed_clock(_at(day - 7)):
        meeting = services.meeting_create(actor=secretary, committee=committee, campaign=campaign, name=name,
                                          held_on=dt.date(2024, 12, day), size=25, place="新区政务中心 3 楼会议室",
                                          alternates_per_member=0.2)
        for dossier in candidates:
            services.agenda_add(actor=secretary, meeting=meeting, dossier=dossier)
        seed = hashlib.sha256(f"zhicheng-demo-{name}".encode()).hexdigest()
        services.meeting_draw(actor=secretary, meeting=meeting, seed=seed)
        for order, item in enumerate(meeting.items.order_by("position"), start=1):  # the applicant sees the slot
            services.defence_slot_set(actor=secretary, item=item, at=_at(day, 9, 20 * (order - 1)),
                                      place="新区政务中心 3 楼 302 答辩室", order=order)
    seats = list(MeetingMember.objects.filter(meeting=meeting, status=SeatStatus.INVITED)
                 .select_related("expert__user").order_by("position"))
    with replayed_clock(_at(day - 5, 10)):
        for seat in seats:
            services.invitation_answer(actor=seat.expert.user, meeting=meeting, accept=True)
            services.pledge_sign(actor=seat.expert.user, meeting=meeting)
    attending = [s for s in seats if s.expert_id == chair.pk] + [s for s in seats if s.expert_id != chair.pk]
    with replayed_clock(_at(day, 8, 40)):
        services.meeting_chair_set(actor=secretary, meeting=meeting, expert=chair)
        for seat in attending[:present]:
            services.attendance_check_in(actor=secretary, meeting=meeting, expert=seat.expert)
        services.meeting_start(actor=secretary, meeting=meeting)
    items = list(meeting.items.order_by("position"))
    voters = [s.expert for s in attending[:present] if s.expert_id in services.voters_of(items[0])]
    with replayed_clock(_at(day, 9, 40)):  # after the defence: scores on the rubric and a review panel's opinion
        for n, expert in enumerate(voters[:5]):
            services.defence_score(actor=expert.user, item=items[0],
                                   scores={"专业理论": 24 + n % 4, "业绩成果": 32 + n, "答辩表现": 22 + n % 3})
        services.panel_opinion_record(actor=secretary, item=items[0], panel_name="第一评议组", experts=voters[1:4],
                                      opinion="申报人业绩材料真实，代表性成果达到副高级水平，答辩思路清晰，同意提交评委会表决。")
    with replayed_clock(_at(day, 10)):
        services.ballot_open(actor=secretary, item=items[0])
        if votes is None:  # the chair and the others have not voted yet
            for expert in voters[-3:]:
                services.vote_cast(actor=expert.user, item_id=items[0].pk, choice="yes")
            return
        for expert, choice in zip(voters, votes, strict=False):
            services.vote_cast(actor=expert.user, item_id=items[0].pk, choice=choice)
        services.ballot_close(actor=secretary, item=items[0])
    with replayed_clock(_at(day, 11, 30)):
        meeting.refresh_from_db()
        services.tally_sign(actor=chair.user, meeting=meeting)


def demo_evaluation_seed() -> None:
    campaign = Campaign.objects.filter(year=CAMPAIGN_YEAR).first()
    if campaign is None or Committee.objects.filter(name=COMMITTEE_NAME).exists():
        return
    office, committee_org = _org("zgb"), _org("pwh_gc")
    office_staff, secretary = _user("zgb_staff"), _user("pwh_gc_sec")
    engineering = Series.objects.get(name="工程")
    senior, top, middle = (Level.objects.get(name=n) for n in ("副高级", "正高级", "中级"))
    meeting2 = _office_accepted(campaign, level="副高级")
    if len(meeting2) < 2:
        logger.warning("demo evaluation: fewer than two accepted engineering senior dossiers; skipped")
        return
    first, second = meeting2[0], meeting2[1]
    people = [_user(f"expert{n:02d}") for n in range(1, 5)] + _extra_experts(committee_org)
    experts = []
    with replayed_clock(dt.datetime(2024, 11, 20, 9, 0, tzinfo=_TZ)):
        for n, user in enumerate(people):
            level = top if n == 0 else (middle if n >= len(people) - 2 else senior)
            unit = second.organisation if n == 1 else None  # expert02 works in the second candidate's company
            experts.append(services.expert_save(
                actor=office_staff, office=office, user=user, series=engineering, level=level,
                title={top: "正高级工程师", senior: "高级工程师", middle: "工程师"}[level], unit=unit,
                unit_name=unit.name if unit else "兰州新区建设工程质量安全监督站", specialties="建设",
                term_start=dt.date(2023, 1, 1), term_end=dt.date(2025, 12, 31)))
        committee = services.committee_save(
            actor=office_staff, organisation=committee_org, name=COMMITTEE_NAME, series=engineering, level=senior,
            approval_number="甘人社通〔2023〕15号", valid_from=dt.date(2023, 1, 1), valid_until=dt.date(2025, 12, 31),
            chair=experts[0], vice_chairs=experts[2:4])
    _run_meeting(secretary=secretary, committee=committee, campaign=campaign, day=5, candidates=[first],
                 name="2024年度工程系列高级职称评审会议（第一次）", present=21, chair=experts[0],
                 votes=["yes"] * 17 + ["no"] * 2 + ["abstain"] * 2)
    _run_meeting(secretary=secretary, committee=committee, campaign=campaign, day=12, candidates=[second],
                 name="2024年度工程系列高级职称评审会议（第二次）", present=20, chair=experts[0], votes=None)
    _entrusted(campaign, office_staff)


def _entrusted(campaign: Campaign, office_staff: User) -> None:
    by_code = {p.case.code: p.username for p in demo_people() if p.case is not None}
    dossier = Dossier.objects.filter(campaign=campaign, applicant__username=by_code.get("SENIOR-ENTRUSTED"),
                                     state=S.OFFICE_ACCEPTED, route="entrusted").select_related("organisation").first()
    if dossier is None:
        logger.warning("demo evaluation: the entrusted dossier was not accepted by the office; skipped")
        return
    with replayed_clock(_at(2, 10)):
        services.entrustment_prepare(actor=office_staff, dossier=dossier, receiving_committee=ENTRUSTED_COMMITTEE)
        services.entrustment_dispatch(actor=office_staff, dossier=dossier, reference="EMS 1190 2024 1202")
    with replayed_clock(_at(23, 15)):
        services.entrusted_result_record(actor=office_staff, dossier=dossier, passed=True,
                                         committee_name=ENTRUSTED_COMMITTEE, document_number="甘人社职改〔2024〕101号",
                                         decided_on=dt.date(2024, 12, 18))
