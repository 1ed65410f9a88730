"""The 2024 review chain of the submitted demo dossiers, replayed through the review and publicity services.

The dossiers were submitted in the 2024 window (dossiers.py); this module then plays what the units, the review
departments and the title office did in October and November 2024, with the server clock replayed (the same
process-wide patch as dossiers.py) at plausible instants:
- 10-11 (Fri): the units pass (or return) the dossiers; one clerk's pass still waits for a leader;
- 10-12 (a Saturday worked in 2024) → 10-17: the unit publicity of 5 working days, published the evening before;
  two objections are filed on 10-14 and decided on 10-16 (one dismissed, one upheld → not recommended);
- 10-18: the units close their publicity, record post counts, recommendation papers (and for 破格/基层有效 the staff
  meeting's appraisal), and recommend, handing the dossiers to their departments (before 10-30/10-31 24:00);
- 10-22 …: the review departments pass (one returns to the unit); 11-05 …: the title office accepts.
Every step is a clerk's proposal confirmed by ANOTHER person, a leader of the holding organisation.
PLAN says where each moved dossier ends (by case code); every other submitted dossier stays `submitted`.
Running it again changes nothing: once any review decision exists in the 2024 campaign the chain is not replayed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from unittest import mock

from zhicheng.accounts.models import Organisation, User
from zhicheng.campaigns.models import Campaign
from zhicheng.dossiers.holders import holder_organisation
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.eligibility.selectors import eligibility_latest
from zhicheng.eligibility.services import eligibility_before_review_step
from zhicheng.publicity.models import ObjectionStatus, PublicityBatch, PublicityEntry
from zhicheng.publicity.services import objection_decide, objection_file, publicity_close, publicity_publish
from zhicheng.review.models import DecisionAction, ReviewDecision
from zhicheng.review.services import decision_confirm, decision_propose
from zhicheng.review.services.meetings import staff_meeting_record, staff_meeting_required
from zhicheng.review.services.recommendation import recommendation_record, unit_post_count_record

from . import evidence_files as ef
from .dossiers import CAMPAIGN_YEAR, replayed_clock
from .organisations import ORGANISATIONS
from .people import demo_people

logger = logging.getLogger(__name__)

S, A = DossierState, DecisionAction
PENDING = "pending"  # a clerk's unit pass waiting for a leader: the dossier is still `submitted`

# Where each moved dossier ends; the order of each state's cases is the order they are handled in
PLAN: dict[str, str] = {
    "SOCSEC-6-MONTHS": PENDING,
    "UNIT-CHANGE-CONTINUOUS": S.RETURNED,
    "SANCTION-ENDED": S.NOT_RECOMMENDED,
    "PAPER-CORE-15.00": S.PUBLICITY_DONE,
    "ENGINEER-06": S.RECOMMENDED, "SENIOR-ENTRUSTED": S.OFFICE_ACCEPTED, "ENGINEER-13": S.RECOMMENDED,
    "ENGINEER-14": S.RECOMMENDED, "ENGINEER-MID-08": S.RECOMMENDED, "TEACHER-02": S.RECOMMENDED,
    "ENGINEER-04": S.RECOMMENDED,
    "ENGINEER-01": S.DEPARTMENT_RETURNED,
    "CE-90-60": S.DEPARTMENT_PASSED, "ENGINEER-07": S.DEPARTMENT_PASSED, "ENGINEER-02": S.DEPARTMENT_PASSED,
    "ENGINEER-MID-03": S.DEPARTMENT_PASSED, "TEACHER-05": S.DEPARTMENT_PASSED, "ENGINEER-10": S.DEPARTMENT_PASSED,
    "NOT-RETIRE-MAN-1965-01": S.OFFICE_ACCEPTED, "ENGINEER-MID-06": S.OFFICE_ACCEPTED,
    "ENGINEER-MID-01": S.OFFICE_ACCEPTED, "ENGINEER-09": S.OFFICE_ACCEPTED, "TEACHER-08": S.OFFICE_ACCEPTED,
}
OBJECTIONS = {  # case code → (outcome, the objection, the unit's answer)
    "PAPER-CORE-15.00": (ObjectionStatus.DISMISSED, "该同志论文疑似重复发表，请核查。",
                         "经核查，论文查重报告文字复制比 15.00%，未超过核心期刊 15% 的标准，异议不成立。"),
    "SANCTION-ENDED": (ObjectionStatus.UPHELD, "该同志今年仍在受处分影响期内，不应推荐。",
                       "经单位纪检部门核实，反映情况属实，异议成立，终止推荐。"),
}
UNIT_RETURN_ITEMS = [
    {"section": "work_history", "message": "请补充 2019 年调入本单位前的工作经历，并上传原单位的工作证明。"},
    {"section": "social_security", "message": "社保缴费明细缺少调动当月的记录，请上传完整的缴费证明。"},
    {"section": "continuing_education", "message": "2023 年继续教育证书模糊不清，请重新上传清晰的扫描件。"},
]
DEPARTMENT_RETURN_ITEMS = [
    {"section": "achievement", "message": "请补充论文所在期刊的目录页和版权页。"},
    {"section": "annual_assessment", "message": "请上传 2023 年度考核登记表（须有单位盖章）。"},
]
_TZ = dt.timezone(dt.timedelta(hours=8))
UNIT_REVIEW = dt.datetime(2024, 10, 11, 9, 0, tzinfo=_TZ)
PUBLISH_AT = dt.datetime(2024, 10, 11, 17, 30, tzinfo=_TZ)
PUBLICITY_STARTS = dt.date(2024, 10, 12)
OBJECTIONS_FILED = dt.datetime(2024, 10, 14, 10, 20, tzinfo=_TZ)
OBJECTIONS_DECIDED = dt.datetime(2024, 10, 16, 15, 0, tzinfo=_TZ)
RECOMMEND_AT = dt.datetime(2024, 10, 18, 9, 0, tzinfo=_TZ)
DEPARTMENT_REVIEW = dt.datetime(2024, 10, 22, 9, 0, tzinfo=_TZ)
OFFICE_REVIEW = dt.datetime(2024, 11, 5, 9, 0, tzinfo=_TZ)
STEP = dt.timedelta(minutes=17)  # between two dossiers handled by the same desk
_IP = "10.62.200.{}"

_PUBLICITY = (S.UNIT_PASSED, S.IN_PUBLICITY)
_RECOMMENDED = (*_PUBLICITY, S.PUBLICITY_DONE, S.RECOMMENDED)
PATHS: dict[str, tuple[str, ...]] = {  # the states a dossier passes through on its way to the plan's end
    PENDING: (),
    S.RETURNED: (S.RETURNED,),
    S.NOT_RECOMMENDED: (*_PUBLICITY, S.NOT_RECOMMENDED),
    S.PUBLICITY_DONE: (*_PUBLICITY, S.PUBLICITY_DONE),
    S.RECOMMENDED: _RECOMMENDED,
    S.DEPARTMENT_RETURNED: (*_RECOMMENDED, S.DEPARTMENT_RETURNED),
    S.DEPARTMENT_PASSED: (*_RECOMMENDED, S.DEPARTMENT_PASSED),
    S.OFFICE_ACCEPTED: (*_RECOMMENDED, S.DEPARTMENT_PASSED, S.OFFICE_ACCEPTED),
}


def reaches(code: str, state: str) -> bool:
    """Whether the plan takes this case's dossier through `state`."""
    return code in PLAN and state in PATHS[PLAN[code]]


def expected_states(submitted: int) -> Counter:
    """The states of the `submitted` demo dossiers once the chain has run (pending ones stay submitted)."""
    ends = Counter(S.SUBMITTED if target == PENDING else target for target in PLAN.values())
    ends[S.SUBMITTED] += submitted - len(PLAN)
    return ends


@dataclass
class ReviewChainReport:
    moved: dict[str, str] = field(default_factory=dict)  # case code → state reached
    skipped: bool = False


@dataclass
class _Chain:
    dossiers: dict[str, Dossier]  # case code → dossier, in PLAN order
    staff: dict[str, User]  # username → user
    keys: dict[int, str]  # organisation pk → OrgSpec.key

    def desk(self, dossier: Dossier, role: str) -> User:
        """The clerk or leader of whoever holds the dossier now."""
        return self.staff[f"{self.keys[holder_organisation(dossier).pk]}_{role}"]

    def codes(self, state: str) -> list[str]:
        return [code for code in self.dossiers if reaches(code, state)]


def demo_review_chain_seed() -> ReviewChainReport:
    """Replay the 2024 review chain (see the module docstring); skipped once any 2024 review decision exists."""
    campaign = Campaign.objects.get(year=CAMPAIGN_YEAR)
    if ReviewDecision.objects.filter(dossier__campaign=campaign).exists():
        return ReviewChainReport(skipped=True)
    chain = _chain(campaign)
    _unit_review(chain)
    _publicity(chain)
    _recommend(chain)
    _review_above(chain, DEPARTMENT_REVIEW, S.RECOMMENDED)
    _review_above(chain, OFFICE_REVIEW, S.DEPARTMENT_PASSED)
    report = ReviewChainReport()
    for code, dossier in chain.dossiers.items():
        dossier.refresh_from_db(fields=["state"])
        report.moved[code] = dossier.state
    return report


def _chain(campaign: Campaign) -> _Chain:
    by_code = {p.case.code: p.username for p in demo_people() if p.case is not None}
    rows = Dossier.objects.filter(campaign=campaign, state=S.SUBMITTED, applicant__username__in=[
        by_code[code] for code in PLAN]).select_related("applicant", "organisation", "campaign", "level")
    by_user = {d.applicant.username: d for d in rows}
    dossiers = {code: by_user[by_code[code]] for code in PLAN if by_code[code] in by_user}
    missing = set(PLAN) - set(dossiers)
    if missing:
        logger.warning("demo review chain: not submitted, left out: %s", sorted(missing))
    staff = User.objects.filter(username__regex=r"_(clerk|leader)$").in_bulk(field_name="username")
    names = {spec.name: spec.key for spec in ORGANISATIONS}
    keys = {org.pk: names[org.name] for org in Organisation.objects.filter(name__in=names)}
    return _Chain(dossiers, staff, keys)


def _decide(chain: _Chain, dossier: Dossier, action: str, at: dt.datetime, *, confirm: bool = True, **kw) -> None:
    """A clerk proposes; a leader of the same organisation confirms a few minutes later."""
    clerk, leader = chain.desk(dossier, "clerk"), chain.desk(dossier, "leader")
    with replayed_clock(at):
        decision = decision_propose(dossier=dossier, action=action, actor=clerk, ip=_IP.format(11), **kw)
    if confirm:
        with replayed_clock(at + dt.timedelta(minutes=6)), _findings_of_the_proposal():
            decision_confirm(decision=decision, actor=leader, ip=_IP.format(12))
        dossier.refresh_from_db(fields=["state"])


@contextlib.contextmanager
def _findings_of_the_proposal():
    """The leader confirms six minutes after the proposal, the same day, on the same revision: the rules would find
    what they found then (eligibility_evaluate would store nothing new), so that check is read, not computed again —
    a third of the review chain's time."""
    def check(dossier: Dossier):
        latest = eligibility_latest(dossier)
        if latest is not None and latest.dossier_revision == dossier.revision:
            return latest
        return eligibility_before_review_step(dossier)

    with mock.patch("zhicheng.review.services.decisions.eligibility_before_review_step", check):
        yield


def _unit_review(chain: _Chain) -> None:
    for n, (code, dossier) in enumerate(chain.dossiers.items()):
        at = UNIT_REVIEW + n * STEP
        if PLAN[code] == PENDING:
            _decide(chain, dossier, A.PASS, at, confirm=False)
        elif PLAN[code] == S.RETURNED:
            _decide(chain, dossier, A.RETURN, at, reason="申报材料不完整，请按修改要求补充后重新提交",
                    data={"items": UNIT_RETURN_ITEMS})
        else:
            _decide(chain, dossier, A.PASS, at)


def _by_unit(chain: _Chain, codes: list[str]) -> dict[int, list[Dossier]]:
    units: dict[int, list[Dossier]] = {}
    for code in codes:
        units.setdefault(chain.dossiers[code].organisation_id, []).append(chain.dossiers[code])
    return units


def _publicity(chain: _Chain) -> None:
    """Publish per unit, file and decide the objections, close each batch the morning after its last day."""
    codes = [c for c in chain.dossiers if PLAN[c] not in (PENDING, S.RETURNED)]
    for n, dossiers in enumerate(_by_unit(chain, codes).values()):
        with replayed_clock(PUBLISH_AT + n * STEP):
            publicity_publish(actor=chain.desk(dossiers[0], "clerk"), dossiers=dossiers, starts_on=PUBLICITY_STARTS,
                              ip=_IP.format(11))
    for n, (code, (outcome, text, answer)) in enumerate(OBJECTIONS.items()):
        if code not in chain.dossiers:
            continue
        entry = PublicityEntry.objects.select_related("batch__campaign", "dossier").get(dossier=chain.dossiers[code])
        with replayed_clock(OBJECTIONS_FILED + n * STEP):
            objection, _code = objection_file(entry=entry, name="群众", contact=f"1390931{n:04d}", text=text,
                                              ip=f"203.0.113.{20 + n}")
        with replayed_clock(OBJECTIONS_DECIDED + n * STEP):
            objection_decide(objection=objection, actor=chain.desk(entry.dossier, "leader"), outcome=outcome,
                             note=answer, ip=_IP.format(12))
    batches = PublicityBatch.objects.filter(entries__dossier__in=[chain.dossiers[c] for c in codes]).distinct()
    for n, batch in enumerate(batches.order_by("pk")):
        closes = dt.datetime.combine(batch.ends_on + dt.timedelta(days=1), dt.time(8, 30), tzinfo=_TZ)
        with replayed_clock(closes + n * STEP):
            clerk = chain.staff[f"{chain.keys[batch.organisation_id]}_clerk"]
            publicity_close(actor=clerk, batch=batch, ip=_IP.format(11))
    for code in codes:
        chain.dossiers[code].refresh_from_db(fields=["state"])


def _recommend(chain: _Chain) -> None:
    """Post counts once per unit, the papers with the sealed statement, then the recommend decision."""
    codes = chain.codes(S.RECOMMENDED)
    at = RECOMMEND_AT
    for dossiers in _by_unit(chain, codes).values():
        with replayed_clock(at):
            unit_post_count_record(dossier=dossiers[0], actor=chain.desk(dossiers[0], "clerk"), senior_held=6,
                                   grassroots_senior_held=0, ip=_IP.format(11))
        for dossier in dossiers:
            at += STEP
            _papers(chain, dossier, at)
            _decide(chain, dossier, A.RECOMMEND, at + dt.timedelta(minutes=5))


def _papers(chain: _Chain, dossier: Dossier, at: dt.datetime) -> None:
    name = dossier.applicant.real_name
    statement = ef.scan_pdf("品德考核情况说明.pdf", "Statement on Professional Conduct (sealed)",
                            [f"Candidate: {dossier.applicant.username}", "Conduct: good", "Seal of the unit"],
                            dossier.pk)
    with replayed_clock(at):
        recommendation_record(dossier=dossier, actor=chain.desk(dossier, "clerk"),
                              discipline_opinion=f"经核查，{name}同志近三年无违纪违法记录，同意推荐。",
                              conduct_statement=f"{name}同志遵纪守法，恪守职业道德，品德考核合格。",
                              upload=statement.upload(), ip=_IP.format(11))
    if staff_meeting_required(dossier):  # 破格 / 基层有效: the staff meeting appraised the candidate (§六(四))
        minutes = ef.scan_pdf("职工大会会议纪要.pdf", "Minutes of the staff meeting (collective appraisal)",
                              [f"Candidate: {dossier.applicant.username}", "Present 42 of 45", "For 39: agreed"],
                              dossier.pk)
        with replayed_clock(at):
            staff_meeting_record(dossier=dossier, actor=chain.desk(dossier, "clerk"), held_on=(at - dt.timedelta(
                days=3)).date(), staff_total=45, attended=42, votes_for=39, result="agreed", upload=minutes.upload(),
                ip=_IP.format(11))


def _review_above(chain: _Chain, start: dt.datetime, state: str) -> None:
    """The department (from `recommended`) or the office (from `dept_passed`) passes; the plan's one return."""
    at = start
    nxt = S.DEPARTMENT_PASSED if state == S.RECOMMENDED else S.OFFICE_ACCEPTED
    for code, dossier in chain.dossiers.items():
        if PLAN[code] == S.DEPARTMENT_RETURNED and state == S.RECOMMENDED:
            _decide(chain, dossier, A.RETURN, at, reason="材料需补充，请单位核实后重新报送",
                    data={"items": DEPARTMENT_RETURN_ITEMS})
        elif reaches(code, nxt):
            _decide(chain, dossier, A.PASS, at)
        else:
            continue
        at += STEP
