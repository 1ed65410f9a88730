"""What waits for whom: the dashboards' work counts (each a link to the filtered queue) and the campaign's phases,
a phase "done" only when its date has passed and the system holds no dossier still in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from zhicheng.accounts.models import Role
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.models import DossierState as S
from zhicheng.publicity.models import ObjectionStatus
from zhicheng.publicity.selectors import objections_for
from zhicheng.review.selectors import QueueFilters, queue_count, queue_organisations_for

from . import dates


@dataclass(frozen=True)
class WorkCount:
    """One count on a dashboard: what it counts, how many, where the list is, and how loud (bad / warn / "")."""

    label: str
    n: int
    url: str
    tone: str = ""


def _queue_count(org, now: dt.datetime, **filters) -> int:
    """One count of the queue: from the maintained summary where it can answer (a state, or nothing overdue can
    be held), otherwise counted on the dossiers."""
    return queue_count(org, QueueFilters(**filters), at=now)


def reviewer_work(membership, now: dt.datetime) -> list[WorkCount]:
    """A reviewing organisation's counts: its move, proposals waiting for a leader, overdue, returns out, objections."""
    user, org = membership.user, membership.organisation
    if org.pk not in {o.pk for o in queue_organisations_for(user)}:
        return []
    queue = reverse("review:queue_for", args=[org.pk])
    leader = membership.role == Role.REVIEW_LEADER
    counts = [
        WorkCount(_("待本机构办理"), _queue_count(org, now, todo=True), f"{queue}?todo=1"),
        WorkCount(_("待我确认") if leader else _("待领导确认"), _queue_count(org, now, pending=True),
                  f"{queue}?pending=yes", "warn" if leader else ""),
        WorkCount(_("已超期"), _queue_count(org, now, overdue=True), f"{queue}?overdue=yes", "bad"),
        WorkCount(_("有不符合项"), _queue_count(org, now, blocking=True), f"{queue}?blocking=yes", "warn"),
    ]
    returned = _queue_count(org, now, state=S.RETURNED)
    if returned or org.kind in ("unit", "agency"):
        counts.append(WorkCount(_("退回待申报人答复"), returned, f"{queue}?state={S.RETURNED}"))
    objections = objections_for(user, status=ObjectionStatus.OPEN).count()
    counts.append(WorkCount(_("异议待处理"), objections, f"{reverse('publicity:objections')}?status=open", "bad"))
    return counts


# Each phase of the campaign and the states of a dossier whose work in that phase is not finished
PHASE_STATES: dict[str, tuple[str, ...]] = {
    "policy": (),
    "submission": (),
    "unit": (S.SUBMITTED, S.RETURNED, S.UNIT_PASSED, S.IN_PUBLICITY, S.PUBLICITY_DONE, S.DEPARTMENT_RETURNED),
    "to_department": (S.RECOMMENDED,),
    "department_office": (S.DEPARTMENT_PASSED,),
    "meetings": (S.OFFICE_ACCEPTED, S.SCHEDULED, S.IN_MEETING, S.ENTRUSTED_SENT),
    "results": (S.PASSED, S.IN_RESULT_PUBLICITY, S.RESULT_PUBLICITY_DONE),
}


@dataclass(frozen=True)
class Phase:
    """One phase: its label and dates, upcoming / current / late (date passed, dossiers still in it) / done."""

    label: str
    when: str
    state: str
    left: int = 0

    @property
    def state_label(self) -> str:
        return {"upcoming": _("未开始"), "current": _("进行中"), "late": _("期限已过，未办结"),
                "done": _("已完成")}[self.state]


def campaign_phases(campaign, now: dt.datetime) -> list[Phase]:
    """The campaign's phases in order; a past phase is done only when no dossier of the campaign is still in it."""
    from zhicheng.certificates.selectors import campaign_results_done

    from .dashboards import campaign_steps

    left = dict(Dossier.objects.filter(campaign=campaign).values_list("state").annotate(n=Count("pk"))
                .values_list("state", "n"))
    phases = []
    for key, (label, start, end) in zip(PHASE_STATES, campaign_steps(campaign), strict=True):
        remaining = sum(left.get(state, 0) for state in PHASE_STATES[key])
        state = {"before": "upcoming", "open": "current", "closed": "done"}[dates.window_state(start, end, now)]
        if state == "done" and remaining:
            state = "late"
        elif state == "done" and key == "results" and not campaign_results_done(campaign):
            state = "late"  # no title document yet, or certificates not all issued: the system has not done it
        when = f"{dates.format_month_day(start)} — {dates.format_month_day(end, deadline=True)}"
        phases.append(Phase(str(label), when, state, remaining))
    return phases
