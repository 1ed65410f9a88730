"""The live campaign: this year's, with windows computed from today, so a newcomer can act in every role.

The 2024 campaign is history (its windows closed long ago). This module closes it and opens a campaign of the
current year whose dates are the 2024 file's, shifted so that submission opened `OPENED_DAYS_AGO` days ago
(and so closes about a fortnight from today; recommendation, supplement and meetings lie ahead). A few demo
applicants then get a dossier in it, built through the same services as the 2024 ones, and the review chain
takes some of them a few steps, so that each role has something to do now:
- applicants: two complete drafts to sign and submit, one return to answer (or to withdraw, window open);
- units: two submitted dossiers to pass or return, one passed to publish, one publicity done to recommend;
- anyone: one dossier in publicity (object on the public page);
- the review department: one recommended dossier to pass or return.
A year the calendar package does not know (the supplement cut-off may fall next year) is confirmed by the
office's staff as "weekends only" so working-day deadlines can be computed; the office corrects it in
"节假日调整". Running it again changes nothing once the live campaign exists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from zhicheng.accounts.models import Organisation, User
from zhicheng.campaigns.models import Campaign, CampaignStatus
from zhicheng.campaigns.services import DEFAULT_FILE, _campaign_update, _rows_sync, campaign_create
from zhicheng.core.calendar import year_is_packaged
from zhicheng.core.selectors import calendar_year_confirmed
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.publicity.models import PublicityBatch
from zhicheng.publicity.services import publicity_close, publicity_publish
from zhicheng.review.models import DecisionAction
from zhicheng.review.services.recommendation import unit_post_count_record
from zhicheng.workdays.services import schedule_year_confirm

from . import dossier_facts as facts
from . import dossiers as demo_dossiers
from .organisations import ORGANISATIONS
from .people import demo_people
from .review_chain import UNIT_RETURN_ITEMS, _Chain, _decide, _papers

S, A = DossierState, DecisionAction
OPENED_DAYS_AGO = 15
_TZ = dt.timezone(dt.timedelta(hours=8))
_2024_OPENS = dt.date(2024, 9, 10)
_IP = "10.62.210.{}"

# Where each live dossier is taken (by case code, in the order they are built)
LIVE_PLAN: dict[str, str] = {
    "ENGINEER-05": S.DRAFT, "TEACHER-01": S.DRAFT,
    "ENGINEER-11": S.SUBMITTED, "TEACHER-04": S.SUBMITTED,
    "ENGINEER-MID-04": S.RETURNED,
    "ENGINEER-MID-05": S.UNIT_PASSED,
    "TEACHER-07": S.IN_PUBLICITY,
    "ENGINEER-13": S.PUBLICITY_DONE,
    "ENGINEER-14": S.RECOMMENDED,
}


@dataclass
class LiveReport:
    year: int = 0
    opens: dt.datetime | None = None
    closes: dt.datetime | None = None
    states: dict[str, str] = field(default_factory=dict)  # case code → state
    skipped: bool = False

    def summary(self) -> str:
        if self.skipped:
            return f"{self.year} 年度（当前）评审已存在 / the live {self.year} campaign already exists"
        counts: dict[str, int] = {}
        for state in self.states.values():
            counts[state] = counts.get(state, 0) + 1
        shown = "，".join(f"{S(k).label!s} {v}" for k, v in counts.items())
        return (f"{self.year} 年度（当前）评审：个人申报 {self.opens:%m-%d} — {self.closes:%m-%d}，"
                f"申报材料 {len(self.states)} 份（{shown}）/ live {self.year} campaign open now, "
                f"{len(self.states)} dossiers")


def _shift(value: str, days: int) -> str:
    if "T" in value:
        return (dt.datetime.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
    return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()


def live_campaign_data(today: dt.date) -> tuple[dict, list, list]:
    """The 2024 file's campaign with every date shifted so that submission opened OPENED_DAYS_AGO days ago."""
    content = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    data = dict(content["campaign"])
    days = (today - dt.timedelta(days=OPENED_DAYS_AGO) - _2024_OPENS).days
    for key, value in list(data.items()):
        if isinstance(value, str) and len(value) >= 10 and value[:4].isdigit() and value[4] == "-" \
                and value[7] == "-":
            data[key] = _shift(value, days)
    year = today.year
    data["seniority_date"] = f"{year}-12-31"
    for key in ("name", "notice_number", "note", "pledge_text"):
        data[key] = data[key].replace("2024", str(year))
    data.update(year=year, status=CampaignStatus.ACTIVE)
    return data, content.get("routes", []), content.get("quotas", [])


def _calendar_ready(office_staff: User, *days: dt.date) -> None:
    for year in sorted({d.year for d in days}):
        if not year_is_packaged(year) and not calendar_year_confirmed(year):
            schedule_year_confirm(actor=office_staff, year=year,
                                  note="演示数据：按周末休息录入，请职改办按国务院节假日安排调整")


def demo_live_seed(today: dt.date | None = None) -> LiveReport:
    """Close 2024, open this year's campaign and build the live dossiers (see the module docstring)."""
    today = today or timezone.localdate()
    report = LiveReport(year=today.year)
    if today.year == demo_dossiers.CAMPAIGN_YEAR or Campaign.objects.filter(year=today.year).exists():
        report.skipped = True
        return report
    office_staff = User.objects.get(username="zgb_staff")
    data, routes, quotas = live_campaign_data(today)
    opens, cutoff = dt.datetime.fromisoformat(data["submission_opens_at"]), dt.datetime.fromisoformat(
        data["supplement_cutoff"])
    _calendar_ready(office_staff, opens.date(), cutoff.date() + dt.timedelta(days=60))
    for old in Campaign.objects.filter(status=CampaignStatus.ACTIVE):
        _campaign_update(campaign=old, actor=office_staff, data={"status": CampaignStatus.CLOSED}, ip=None)
    campaign = campaign_create(actor=office_staff, data=data)
    _rows_sync(campaign, office_staff, routes, quotas)
    report.opens, report.closes = timezone.localtime(campaign.submission_opens_at), timezone.localtime(
        campaign.submission_closes_at)
    dossiers = _live_dossiers(campaign, opens)
    _live_chain(campaign, dossiers, opens, today)
    for code, dossier in dossiers.items():
        dossier.refresh_from_db(fields=["state"])
        report.states[code] = dossier.state
    return report


@contextlib.contextmanager
def _facts_of(year: int, paid_until: dt.date):
    """The demo facts, moved to this year: social security paid up to the month before, assessments to last year."""
    assessments = facts.assessments
    with mock.patch.object(facts, "LAST_PAID_MONTH", paid_until), \
            mock.patch.object(demo_dossiers, "CAMPAIGN_YEAR", year), \
            mock.patch.object(facts, "assessments", lambda rng, last_year=year - 1: assessments(rng, last_year)):
        yield


def _live_dossiers(campaign: Campaign, opens: dt.datetime) -> dict[str, Dossier]:
    """Fill in the planned applicants' dossiers a day after the opening; all but the drafts are submitted."""
    people = {p.case.code: p for p in demo_people() if p.case is not None and p.case.code in LIVE_PLAN}
    users = User.objects.in_bulk([p.username for p in people.values()], field_name="username")
    paid_until = (opens.date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    built: dict[str, Dossier] = {}
    with _facts_of(campaign.year, paid_until):
        for n, (code, target) in enumerate(LIVE_PLAN.items()):
            if code not in people:
                continue
            person = people[code]
            ctx = demo_dossiers._Ctx(person.case, person, users[person.username], campaign,
                                     random.Random(f"live:{code}"), ip=_IP.format(20 + n))  # noqa: S311
            with demo_dossiers.replayed_clock(opens + dt.timedelta(days=1, hours=9 + n)):
                with demo_dossiers.changes_batched(ctx):
                    demo_dossiers._fill(ctx)
                sink = demo_dossiers.DossierSeedReport()
                if target != S.DRAFT:
                    demo_dossiers._finish(ctx, sink)
            if ctx.dossier is not None:
                built[code] = ctx.dossier
    return built


def _live_chain(campaign: Campaign, dossiers: dict[str, Dossier], opens: dt.datetime, today: dt.date) -> None:
    """Unit passes on day 2 (the return today), the early publicity from day 3 (over by now), the late today."""
    staff = User.objects.filter(username__regex=r"_(clerk|leader)$").in_bulk(field_name="username")
    names = {spec.name: spec.key for spec in ORGANISATIONS}
    keys = {org.pk: names[org.name] for org in Organisation.objects.filter(name__in=names)}
    moving = {c: d for c, d in dossiers.items() if d.state == S.SUBMITTED and LIVE_PLAN[c] != S.SUBMITTED}
    chain = _Chain(moving, staff, keys)
    day2 = opens + dt.timedelta(days=2, hours=9)
    for n, (code, dossier) in enumerate(moving.items()):
        if LIVE_PLAN[code] == S.RETURNED:  # returned this morning: the answer deadline lies ahead
            _decide(chain, dossier, A.RETURN, timezone.localtime() - dt.timedelta(hours=1),
                    reason="申报材料不完整，请按修改要求补充后重新提交", data={"items": UNIT_RETURN_ITEMS[:2]})
        else:
            _decide(chain, dossier, A.PASS, day2 + n * dt.timedelta(minutes=17))
    early = [d for c, d in moving.items() if LIVE_PLAN[c] in (S.PUBLICITY_DONE, S.RECOMMENDED)]
    late = [d for c, d in moving.items() if LIVE_PLAN[c] == S.IN_PUBLICITY]
    if early:
        _publish(chain, early, opens + dt.timedelta(days=2, hours=17), (opens + dt.timedelta(days=3)).date())
        for batch in PublicityBatch.objects.filter(entries__dossier__in=early).distinct().order_by("pk"):
            closes = dt.datetime.combine(batch.ends_on + dt.timedelta(days=1), dt.time(8, 30), tzinfo=_TZ)
            with demo_dossiers.replayed_clock(closes):
                publicity_close(actor=staff[f"{keys[batch.organisation_id]}_clerk"], batch=batch, ip=_IP.format(11))
    if late:
        now = dt.datetime.combine(today, dt.time(0, 5), tzinfo=_TZ)
        _publish(chain, late, now, today)
    for code, dossier in moving.items():
        dossier.refresh_from_db(fields=["state"])
        if LIVE_PLAN[code] == S.RECOMMENDED and dossier.state == S.PUBLICITY_DONE:
            at = timezone.localtime() - dt.timedelta(hours=2)
            with demo_dossiers.replayed_clock(at):
                unit_post_count_record(dossier=dossier, actor=chain.desk(dossier, "clerk"), senior_held=6,
                                       grassroots_senior_held=0, ip=_IP.format(11))
            _papers(chain, dossier, at + dt.timedelta(minutes=5))
            _decide(chain, dossier, A.RECOMMEND, at + dt.timedelta(minutes=10))


def _publish(chain: _Chain, dossiers: list[Dossier], at: dt.datetime, starts_on: dt.date) -> None:
    units: dict[int, list[Dossier]] = {}
    for dossier in dossiers:
        dossier.refresh_from_db(fields=["state"])
        if dossier.state == S.UNIT_PASSED:
            units.setdefault(dossier.organisation_id, []).append(dossier)
    for n, group in enumerate(units.values()):
        with demo_dossiers.replayed_clock(at + n * dt.timedelta(minutes=17)):
            publicity_publish(actor=chain.desk(group[0], "clerk"), dossiers=group, starts_on=starts_on,
                              ip=_IP.format(11))
