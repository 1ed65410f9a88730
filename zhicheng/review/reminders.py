"""Deadline reminders, computed with the working-day calendar; run once a day by `manage.py notifications_remind`.

- an open return: its addressee (the applicant, or the unit's clerks) on the last working day before the return's
  last day (a return due Tue 2024-10-08 is reminded on Mon 2024-09-30, before the National Day holiday);
- a unit with dossiers still to recommend: its clerks and leaders, the last working day before the route's deadline;
- every applicant with a draft: on each of the submission window's last 3 working days.
Each (recipient, reminder, day) is sent once, however often the job runs that day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from zhicheng.accounts.models import Role
from zhicheng.accounts.selectors import organisation_people
from zhicheng.audit.events import EventType
from zhicheng.campaigns.models import Campaign, Route
from zhicheng.core.calendar import CalendarYearUnknown, is_working_day
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.notifications.services import notification_enqueue

from .models import ReturnRequest
from .notify import dossier_link, last_day

logger = logging.getLogger("zhicheng.review.reminders")
S, E = DossierState, EventType
TO_RECOMMEND = (S.SUBMITTED, S.UNIT_PASSED, S.IN_PUBLICITY, S.PUBLICITY_DONE)  # the unit still holds them
CLOSING_WORKING_DAYS = 3


def working_day_before(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def last_working_days(last: dt.date, n: int) -> list[dt.date]:
    """The n working days ending on `last` (inclusive)."""
    days, day = [], last
    while len(days) < n:
        if is_working_day(day):
            days.append(day)
        day -= dt.timedelta(days=1)
    return days


def _returns_due(today: dt.date) -> int:
    sent = 0
    open_returns = (ReturnRequest.objects.filter(answered_at__isnull=True,
                                                 dossier__state__in=(S.RETURNED, S.DEPARTMENT_RETURNED))
                    .select_related("dossier__applicant", "dossier__series", "dossier__level"))
    for request in open_returns:
        due = last_day(request.answer_deadline)
        if working_day_before(due) != today:
            continue
        dossier = request.dossier
        if request.addressee == ReturnRequest.Addressee.APPLICANT:
            recipients = [dossier.applicant] if dossier.state == S.RETURNED else []
        else:
            recipients = organisation_people(dossier.organisation_id, (Role.REVIEW_CLERK,))
        sent += len(notification_enqueue(
            recipients=recipients, event_type=E.NOTIFICATION_RETURN_DUE, obj=dossier,
            context={"dossier": str(dossier), "deadline": due.isoformat()}, link=dossier_link(dossier),
            dedupe_key=f"return_due:{request.pk}:{today.isoformat()}",
        ))
    return sent


def _recommendations_due(today: dt.date, campaign: Campaign) -> int:
    """Units are reminded the working day before each instant that closes a step they still owe (decision 75): the
    system's close of unit recommendation for dossiers they have not decided, the hand-over by route for the rest."""
    sent = 0
    waiting = tuple(s for s in TO_RECOMMEND if s != S.SUBMITTED)
    steps = (("verdict", Q(state=S.SUBMITTED), campaign.unit_recommendation_deadline),
             (Route.SELF_RUN, Q(route=Route.SELF_RUN, state__in=waiting), campaign.department_deadline),
             (Route.ENTRUSTED, Q(route=Route.ENTRUSTED, state__in=waiting),
              min(campaign.entrusted_recommendation_deadline, campaign.department_deadline)))
    for step, which, deadline in steps:
        due = last_day(deadline)
        if working_day_before(due) != today:
            continue
        counts: dict[int, int] = defaultdict(int)
        for organisation_id in Dossier.objects.filter(which, campaign=campaign).values_list("organisation_id",
                                                                                            flat=True):
            counts[organisation_id] += 1
        for organisation_id, count in counts.items():
            sent += len(notification_enqueue(
                recipients=organisation_people(organisation_id, (Role.REVIEW_CLERK, Role.REVIEW_LEADER)),
                event_type=E.NOTIFICATION_RECOMMENDATION_DUE, obj=campaign,
                context={"campaign": campaign.name, "deadline": due.isoformat(), "count": count},
                dedupe_key=f"recommendation_due:{campaign.pk}:{step}:{organisation_id}:{today.isoformat()}",
            ))
    return sent


def _submission_closing(today: dt.date, campaign: Campaign) -> int:
    due = last_day(campaign.submission_closes_at)
    if today not in last_working_days(due, CLOSING_WORKING_DAYS):
        return 0
    sent = 0
    drafts = Dossier.objects.filter(campaign=campaign, state=S.DRAFT).select_related("applicant", "series", "level")
    for dossier in drafts:
        sent += len(notification_enqueue(
            recipients=[dossier.applicant], event_type=E.NOTIFICATION_SUBMISSION_CLOSING, obj=dossier,
            context={"campaign": campaign.name, "deadline": due.isoformat(), "dossier": str(dossier)},
            link=dossier_link(dossier), dedupe_key=f"submission_closing:{dossier.pk}:{today.isoformat()}",
        ))
    return sent


def reminders_send(*, today: dt.date | None = None) -> int:
    """Enqueue today's reminders; returns how many notifications were written (0 on a second run)."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    sent = _returns_due(today)
    now = timezone.now()
    running = Q(submission_closes_at__gte=now) | Q(unit_recommendation_deadline__gte=now) | Q(
        entrusted_recommendation_deadline__gte=now) | Q(department_deadline__gte=now)
    for campaign in Campaign.objects.filter(running):
        try:
            sent += _recommendations_due(today, campaign) + _submission_closing(today, campaign)
        except CalendarYearUnknown:
            logger.warning("no working-day calendar for campaign %s: its reminders are skipped", campaign.pk)
    return sent
