"""Reading the plan and the load: a unit's groups, an applicant's suggested days, submissions per hour."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count
from django.utils import timezone

from zhicheng.accounts.models import Membership, Role
from zhicheng.campaigns.rules import day_start
from zhicheng.dossiers.models import Dossier

from .models import SubmissionSlot


def slots_of(organisation, campaign) -> list[SubmissionSlot]:
    return list(SubmissionSlot.objects.filter(organisation=organisation, campaign=campaign)
                .annotate(size=Count("applicants")).order_by("first_day", "id"))


def unit_applicants(organisation) -> list:
    members = Membership.objects.filter(organisation=organisation, role=Role.APPLICANT, is_active=True)
    return [m.user for m in members.select_related("user").order_by("user__real_name", "user_id")]


def slot_of_applicant(user, campaign) -> SubmissionSlot | None:
    if campaign is None or not getattr(user, "is_authenticated", False):
        return None
    return SubmissionSlot.objects.filter(campaign=campaign, applicants=user).order_by("-id").first()


def submissions_per_hour(campaign, day: dt.date) -> list[dict]:
    """The 24 hours of a day (Beijing time): submissions, the capacity and whether the hour went over it.

    Counted from each dossier's first submission instant (a withdrawn and resubmitted dossier counts at its
    latest), so the figure is the load the system carried at that hour.
    """
    start = day_start(day)
    instants = Dossier.objects.filter(campaign=campaign, submitted_at__gte=start,
                                      submitted_at__lt=start + dt.timedelta(days=1)).values_list("submitted_at",
                                                                                                 flat=True)
    per_hour = Counter(timezone.localtime(i).hour for i in instants)
    capacity = campaign.submission_capacity_per_hour
    return [{"hour": h, "count": per_hour.get(h, 0), "capacity": capacity, "over": per_hour.get(h, 0) > capacity,
             "percent": min(100, round(100 * per_hour.get(h, 0) / capacity)) if capacity else 0} for h in range(24)]


def suggested_per_day(campaign) -> list[tuple[dt.date, int]]:
    """How many applicants the units' groups suggest for each day (a group over several days counts each day)."""
    days: Counter = Counter()
    for slot in SubmissionSlot.objects.filter(campaign=campaign).annotate(size=Count("applicants")):
        span = (slot.last_day - slot.first_day).days + 1
        for n in range(span):
            days[slot.first_day + dt.timedelta(days=n)] += slot.size
    return sorted(days.items())
