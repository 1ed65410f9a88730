"""Deadline reminders land on the right working day around holidays, once per person and day."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from zhicheng.audit.events import EventType
from zhicheng.dossiers.models import DossierState
from zhicheng.notifications.models import Notification
from zhicheng.review.reminders import reminders_send
from zhicheng.review.tests.factories import at, dossier_in_state, returned_dossier

pytestmark = pytest.mark.django_db
E = EventType
D = dt.date.fromisoformat


@pytest.fixture
def open_return(tree, campaign):
    """A return due 2024-10-08 (the deadline instant is 10-09 00:00), made before the National Day holiday."""
    return returned_dossier(tree, campaign, when="2024-09-27T10:00:00+08:00",
                            answer_deadline="2024-10-09T00:00:00+08:00")


@pytest.mark.parametrize(("today", "reminded"), [
    ("2024-09-27", False),  # two working days before: too early
    ("2024-09-29", False),  # a make-up working Sunday, but 09-30 is still to come
    ("2024-09-30", True),   # the last working day before 10-08 (10-01 … 10-07 are the holiday)
    ("2024-10-07", False),  # the day before, but a holiday
    ("2024-10-08", False),  # the last day itself
])
def test_a_return_is_reminded_on_the_last_working_day_before_its_last_day(tree, open_return, today, reminded):
    reminders_send(today=D(today))
    notes = Notification.objects.filter(event_type=E.NOTIFICATION_RETURN_DUE)
    assert list(notes.values_list("recipient", flat=True)) == ([tree["applicant"].pk] if reminded else [])
    if reminded:
        assert notes.get().context["deadline"] == "2024-10-08"


def test_running_the_job_twice_a_day_reminds_once(tree, open_return):
    assert reminders_send(today=D("2024-09-30")) == 1
    call_command("notifications_remind", "--date", "2024-09-30", stdout=io.StringIO())
    assert Notification.objects.filter(event_type=E.NOTIFICATION_RETURN_DUE).count() == 1


def test_an_answered_return_is_not_reminded(tree, campaign, open_return):
    from zhicheng.dossiers.models import Dossier
    Dossier.objects.filter(pk=open_return.pk).update(state=DossierState.SUBMITTED)
    assert reminders_send(today=D("2024-09-30")) == 0


class TestSubmissionClosing:
    """The 2024 window closes 10-10 24:00: its last 3 working days are 10-08, 10-09 and 10-10."""

    @pytest.mark.parametrize(("today", "reminded"), [
        ("2024-09-30", False), ("2024-10-07", False), ("2024-10-08", True), ("2024-10-10", True),
    ])
    def test_drafts_are_reminded_on_the_last_three_working_days(self, tree, campaign, today, reminded):
        dossier_in_state(tree["applicant"], campaign, DossierState.DRAFT)
        dossier_in_state(tree["other_applicant"], campaign, DossierState.SUBMITTED)
        with at(f"{today}T08:00:00+08:00"):
            reminders_send(today=D(today))
        told = set(Notification.objects.filter(event_type=E.NOTIFICATION_SUBMISSION_CLOSING)
                   .values_list("recipient", flat=True))
        assert told == ({tree["applicant"].pk} if reminded else set())

    def test_each_of_the_days_reminds_again(self, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, DossierState.DRAFT)
        for day in ("2024-10-08", "2024-10-09", "2024-10-09"):
            with at(f"{day}T08:00:00+08:00"):
                reminders_send(today=D(day))
        assert Notification.objects.filter(event_type=E.NOTIFICATION_SUBMISSION_CLOSING).count() == 2


@pytest.mark.parametrize(("state", "instant"), [(DossierState.PUBLICITY_DONE, "department_deadline"),
                                               (DossierState.SUBMITTED, "unit_recommendation_deadline")])
def test_units_with_dossiers_to_recommend_are_reminded_before_the_deadline(tree, campaign, state, instant):
    dossier_in_state(tree["applicant"], campaign, state)
    due = getattr(campaign, instant)  # the hand-over (10-31), or the unit's verdict for an undecided one (10-20)
    from zhicheng.review.notify import last_day
    from zhicheng.review.reminders import working_day_before

    day = working_day_before(last_day(due))
    with at(f"{day.isoformat()}T08:00:00+08:00"):
        reminders_send(today=day)
        reminders_send(today=day - dt.timedelta(days=1))
    notes = Notification.objects.filter(event_type=E.NOTIFICATION_RECOMMENDATION_DUE)
    assert set(notes.values_list("recipient", flat=True)) == {
        tree["unit_clerk"].pk, tree["unit_leader"].pk, tree["unit_leader2"].pk}
    assert all(n.context["count"] == 1 for n in notes)
