"""The dossier's states as a table of transitions; `dossier_transition` is the only writer of Dossier.state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.selectors import campaign_submission_is_open
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import Decision, require

from .models import Dossier, DossierState
from .permissions import is_dossier_owner

State = DossierState


def formal_return_answer_open(dossier: Dossier, at: dt.datetime) -> bool:
    """Hook for the review issue: an answer to a formal return is accepted until that return's own deadline."""
    return False


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


def enter_submitted(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> list[str]:
    dossier.submitted_at = now
    return ["submitted_at"]


def enter_withdrawn(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> list[str]:
    dossier.withdrawn_at, dossier.withdraw_reason = now, data["reason"].strip()
    return ["withdrawn_at", "withdraw_reason"]


@dataclass(frozen=True)
class Transition:
    who: Callable[[Any, Dossier], Decision]
    guard: Callable[[Dossier, dict[str, Any], dt.datetime], None]
    event: str
    enter: Callable[[Dossier, dict[str, Any], dt.datetime], list[str]] | None = None


TRANSITIONS: dict[tuple[str, str], Transition] = {
    # -- the applicant --------------------------------------------------------------------------------------
    (State.DRAFT, State.SUBMITTED): Transition(is_dossier_owner, guard_submit, "dossier.submitted", enter_submitted),
    # "until the unit decides": no withdrawal row leads from the unit's later states
    (State.SUBMITTED, State.WITHDRAWN): Transition(
        is_dossier_owner, guard_withdraw, "dossier.withdrawn", enter_withdrawn
    ),
    # -- unit, department and office review (review app) -----------------------------------------------------
    # -- unit publicity and objections (publicity app) -------------------------------------------------------
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
