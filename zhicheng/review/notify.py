"""Who is told what along the review chain. The outbox row is written inside the step's own transaction.

Transitions are followed through `dossier_state_changed` (returns and the office's result); a proposal waiting
for a leader is told by `decision_propose`. The applicant hears only of confirmed steps, never of a proposal.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from zhicheng.accounts.models import Role
from zhicheng.accounts.selectors import organisation_people
from zhicheng.audit.events import EventType
from zhicheng.dossiers.models import Dossier, DossierState, DossierStateChange
from zhicheng.dossiers.workflow import dossier_state_changed
from zhicheng.notifications.services import notification_enqueue

from .models import ReviewDecision

S, E = DossierState, EventType


def dossier_name(dossier: Dossier) -> str:
    dossier = Dossier.objects.select_related("applicant", "series", "level").get(pk=dossier.pk)
    return str(dossier)


def last_day(instant: dt.datetime) -> dt.date:
    """The last local day before an exclusive deadline (the next day's 00:00 is "24:00" of that day)."""
    local = timezone.localtime(instant)
    return local.date() - dt.timedelta(days=1) if local.time() == dt.time.min else local.date()


def deadline_text(value: str | dt.datetime | None) -> str:
    """A deadline as a person reads it: its last day, or the day and time when it is not midnight."""
    if not value:
        return ""
    instant = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    local = timezone.localtime(instant)
    return last_day(instant).isoformat() if local.time() == dt.time.min else local.strftime("%Y-%m-%d %H:%M")


def dossier_link(dossier: Dossier) -> str:
    return reverse("dossiers:detail", args=[dossier.pk])


# the steps someone outside the acting organisation is told of
TOLD = frozenset({(S.SUBMITTED, S.RETURNED), (S.DEPARTMENT_RETURNED, S.RETURNED),
                  (S.RECOMMENDED, S.DEPARTMENT_RETURNED), (S.DEPARTMENT_PASSED, S.OFFICE_ACCEPTED),
                  (S.DEPARTMENT_PASSED, S.OFFICE_REJECTED)})


def _on_change(sender, change: DossierStateChange, dossier: Dossier, **kwargs) -> None:
    route = (change.from_state, change.to_state)
    if route not in TOLD:
        return  # no query for the steps nobody is told of
    decision = ReviewDecision.objects.filter(pk=change.decision_id).first() if change.decision_id else None
    data = decision.data if decision and isinstance(decision.data, dict) else {}
    context = {"dossier": dossier_name(dossier), "deadline": deadline_text(data.get("answer_deadline")),
               "reason": change.reason}
    if route in ((S.SUBMITTED, S.RETURNED), (S.DEPARTMENT_RETURNED, S.RETURNED)):
        event = E.REVIEW_UNIT_RETURNED if change.from_state == S.SUBMITTED else E.REVIEW_UNIT_PASSED_BACK
        notification_enqueue(recipients=[dossier.applicant], event_type=event, obj=dossier, context=context,
                             link=dossier_link(dossier))
    elif route == (S.RECOMMENDED, S.DEPARTMENT_RETURNED):
        notification_enqueue(recipients=organisation_people(dossier.organisation_id, (Role.REVIEW_CLERK,)),
                             event_type=E.REVIEW_DEPARTMENT_RETURNED, obj=dossier, context=context,
                             link=dossier_link(dossier))
    elif change.to_state in (S.OFFICE_ACCEPTED, S.OFFICE_REJECTED):
        event = E.REVIEW_OFFICE_ACCEPTED if change.to_state == S.OFFICE_ACCEPTED else E.REVIEW_OFFICE_REJECTED
        notification_enqueue(recipients=[dossier.applicant], event_type=event, obj=dossier, context=context,
                             link=dossier_link(dossier))


def decision_waiting_notify(decision: ReviewDecision, dossier: Dossier) -> None:
    """The holding organisation's review leaders, except whoever proposed it, learn a decision waits for them."""
    leaders = organisation_people(decision.organisation_id, (Role.REVIEW_LEADER,)).exclude(pk=decision.proposed_by_id)
    proposer = decision.proposed_by
    notification_enqueue(
        recipients=leaders, event_type=E.REVIEW_DECISION_PROPOSED, obj=dossier, link=dossier_link(dossier),
        context={"dossier": dossier_name(dossier), "action": str(decision.get_action_display()),
                 "proposer": (proposer.real_name or proposer.username) if proposer else ""},
    )


def notify_connect() -> None:
    dossier_state_changed.connect(_on_change, sender=DossierStateChange, dispatch_uid="review_notify")
