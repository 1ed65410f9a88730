"""The dossier's states as a table of transitions; `dossier_transition` is the only writer of Dossier.state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.selectors import campaign_submission_is_open
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import Decision, require

from .models import Dossier, DossierState
from .permissions import is_dossier_owner, is_holder_leader, is_holder_staff

State = DossierState
Event = EventType


def formal_return_answer_open(dossier: Dossier, at: dt.datetime) -> bool:
    """An answer to a formal return is accepted until that return's own deadline and the supplement cut-off.

    The open return is read through the reverse accessor of review.ReturnRequest: dossiers may not import review.
    """
    if dossier.state != DossierState.RETURNED or at >= dossier.campaign.supplement_cutoff:
        return False
    open_return = (dossier.return_requests.filter(answered_at__isnull=True, addressee="applicant")
                   .order_by("-created_at", "-id").first())
    return open_return is not None and at < open_return.answer_deadline


def submission_allowed_at(dossier: Dossier, at: dt.datetime) -> bool:
    """Inside the campaign's submission window by the server's clock, or answering a formal return in time."""
    return campaign_submission_is_open(dossier.campaign, at) or formal_return_answer_open(dossier, at)


def guard_submit(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> None:
    if not submission_allowed_at(dossier, now):
        raise ApplicationError(
            "submission_closed", "不在个人申报时间内，不能提交", "Submission is closed", status=409,
            details={"closes_at": dossier.campaign.submission_closes_at.isoformat()},
        )


def guard_withdraw(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> None:
    if not (data.get("reason") or "").strip():
        raise ApplicationError(
            "reason_required", "请填写撤回原因", "Give the reason for withdrawing",
            details={"fields": {"reason": ["请填写撤回原因"]}, "fields_en": {"reason": ["required"]}},
        )


def guard_return_answer(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> None:
    if not formal_return_answer_open(dossier, now):
        raise ApplicationError(
            "answer_closed", "退回答复已过截止时间（或已过补充资料截止时间），不能再提交",
            "The answer to the return is past its deadline (or the supplement cut-off)", status=409,
        )


def guard_none(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> None:
    """Review steps reached through a confirmed decision: the decision's own check has run."""


def enter_submitted(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> list[str]:
    dossier.submitted_at = now
    return ["submitted_at"]


def enter_withdrawn(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> list[str]:
    dossier.withdrawn_at, dossier.withdraw_reason = now, data["reason"].strip()
    return ["withdrawn_at", "withdraw_reason"]


# The publicity app fills these in at start-up (dossiers must not import it); a missing guard refuses the step
PUBLICITY_GUARDS: dict[str, Callable[[Dossier, dict[str, Any], dt.datetime], None]] = {}


def guard_publicity(step: str) -> Callable[[Dossier, dict[str, Any], dt.datetime], None]:
    """The publicity app's guard for one step ("publish", "close", "stop"), looked up when the transition runs."""

    def guard(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> None:
        check = PUBLICITY_GUARDS.get(step)
        if check is None:
            raise ApplicationError(
                "publicity_unavailable", "单位公示功能未启用", "Publicity is not installed", status=409
            )
        check(dossier, data, now)

    return guard


@dataclass(frozen=True)
class Transition:
    who: Callable[[Any, Dossier], Decision]
    guard: Callable[[Dossier, dict[str, Any], dt.datetime], None]
    event: EventType
    enter: Callable[[Dossier, dict[str, Any], dt.datetime], list[str]] | None = None


TRANSITIONS: dict[tuple[str, str], Transition] = {
    # -- the applicant --------------------------------------------------------------------------------------
    (State.DRAFT, State.SUBMITTED): Transition(
        is_dossier_owner, guard_submit, Event.DOSSIER_SUBMITTED, enter_submitted
    ),
    # "until the unit decides": no withdrawal row leads from the unit's later states
    (State.SUBMITTED, State.WITHDRAWN): Transition(
        is_dossier_owner, guard_withdraw, Event.DOSSIER_WITHDRAWN, enter_withdrawn
    ),
    # -- unit, department and office review (review app) -----------------------------------------------------
    # unit level: decisions confirmed by a unit leader; the applicant answers a return
    (State.SUBMITTED, State.UNIT_PASSED): Transition(is_holder_leader, guard_none, Event.REVIEW_UNIT_PASSED),
    (State.SUBMITTED, State.RETURNED): Transition(is_holder_leader, guard_none, Event.REVIEW_UNIT_RETURNED),
    (State.SUBMITTED, State.NOT_ACCEPTED): Transition(is_holder_leader, guard_none, Event.REVIEW_UNIT_NOT_ACCEPTED),
    (State.PUBLICITY_DONE, State.RECOMMENDED): Transition(is_holder_leader, guard_none, Event.REVIEW_UNIT_RECOMMENDED),
    (State.RETURNED, State.SUBMITTED): Transition(is_dossier_owner, guard_return_answer, Event.DOSSIER_RETURN_ANSWERED),
    # a department return the unit passed back to the applicant goes back to the unit as dept_returned
    (State.RETURNED, State.DEPARTMENT_RETURNED): Transition(
        is_dossier_owner, guard_return_answer, Event.DOSSIER_RETURN_ANSWERED
    ),
    # -- end of unit level
    # department and office level: decisions confirmed by a leader of the holding department / office
    (State.RECOMMENDED, State.DEPARTMENT_PASSED): Transition(
        is_holder_leader, guard_none, Event.REVIEW_DEPARTMENT_PASSED
    ),
    (State.RECOMMENDED, State.DEPARTMENT_RETURNED): Transition(
        is_holder_leader, guard_none, Event.REVIEW_DEPARTMENT_RETURNED
    ),
    (State.RECOMMENDED, State.DEPARTMENT_REJECTED): Transition(
        is_holder_leader, guard_none, Event.REVIEW_DEPARTMENT_REJECTED
    ),
    # the unit answers a department return: hands it to the applicant, or resends the dossier itself
    (State.DEPARTMENT_RETURNED, State.RETURNED): Transition(
        is_holder_leader, guard_none, Event.REVIEW_UNIT_PASSED_BACK
    ),
    (State.DEPARTMENT_RETURNED, State.RECOMMENDED): Transition(is_holder_leader, guard_none, Event.REVIEW_UNIT_RESENT),
    (State.DEPARTMENT_PASSED, State.OFFICE_ACCEPTED): Transition(
        is_holder_leader, guard_none, Event.REVIEW_OFFICE_ACCEPTED
    ),
    (State.DEPARTMENT_PASSED, State.OFFICE_REJECTED): Transition(
        is_holder_leader, guard_none, Event.REVIEW_OFFICE_REJECTED
    ),
    # -- end of department and office level
    # -- unit publicity and objections (publicity app) -------------------------------------------------------
    # only publicity_publish creates the entry the guard looks for; closing needs the period over and no open
    # objection; an upheld objection stops the dossier
    (State.UNIT_PASSED, State.IN_PUBLICITY): Transition(
        is_holder_staff, guard_publicity("publish"), Event.DOSSIER_PUBLICITY_STARTED
    ),
    (State.IN_PUBLICITY, State.PUBLICITY_DONE): Transition(
        is_holder_staff, guard_publicity("close"), Event.DOSSIER_PUBLICITY_DONE
    ),
    (State.IN_PUBLICITY, State.NOT_RECOMMENDED): Transition(
        is_holder_staff, guard_publicity("stop"), Event.DOSSIER_OBJECTION_UPHELD
    ),
}


def transition_refused(current: str, to: str) -> ApplicationError:
    now_label, to_label = State(current).label, State(to).label if to in State.values else to
    if current == to == State.SUBMITTED:
        return ApplicationError("already_submitted", "申报材料已提交，不能重复提交", "Already submitted", status=409)
    return ApplicationError(
        "invalid_transition", f"当前状态（{now_label}）不能变更为“{to_label}”",
        f"A dossier in state {current} cannot become {to}", status=409,
    )


@transaction.atomic
def dossier_transition(*, dossier: Dossier, to: str, actor, ip: str | None = None, data: dict | None = None) -> Dossier:
    """Lock the row, check the table, who may and the guard, set the state and record the event."""
    data = data or {}
    locked = Dossier.objects.select_for_update().select_related("campaign", "organisation").get(pk=dossier.pk)
    transition = TRANSITIONS.get((locked.state, to))
    if transition is None:
        raise transition_refused(locked.state, to)
    require(transition.who(actor, locked))
    now = timezone.now()
    transition.guard(locked, data, now)
    before = locked.state
    locked.state, locked.state_changed_at = to, now
    changed = transition.enter(locked, data, now) if transition.enter else []
    locked.save(update_fields=["state", "state_changed_at", "updated_at", *changed])
    for name in ("state", "state_changed_at", "updated_at", *changed):  # the caller's object shows the new state too
        setattr(dossier, name, getattr(locked, name))
    audit_event_record(
        event_type=transition.event, actor=actor, organisation=locked.organisation, obj=locked,
        data={"from": before, "to": to, **data}, ip=ip,
    )
    return locked
