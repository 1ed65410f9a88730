"""The dossier's states as a table of transitions; `dossier_transition` is the only writer of Dossier.state.

Each row says who may act and which named guards (guards.py) must allow the step; docs/workflow.md shows the same
table in words (a test keeps them equal). After the step, `dossier_state_changed` is sent with the new
DossierStateChange row, inside the transaction, for follow-ups owned by other apps (review records an answer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from zhicheng.accounts.models import Organisation
from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record, audit_events_record
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import ALLOW, Decision, require

from .guards import GuardContext, guards_decide, guards_run
from .holders import holder_level, holder_organisation
from .models import Dossier, DossierState, DossierStateChange
from .permissions import (
    is_dossier_owner,
    is_evaluation_actor,
    is_holder_leader,
    is_holder_staff,
    is_title_office_leader,
)

State = DossierState
Event = EventType

# Sent after every change of state, inside its transaction: keyword arguments `change` (the DossierStateChange)
# and `dossier`. A receiver may still refuse by raising ApplicationError (the whole step is undone).
dossier_state_changed = Signal()


def enter_submitted(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> list[str]:
    dossier.submitted_at = now
    return ["submitted_at"]


def enter_withdrawn(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> list[str]:
    dossier.withdrawn_at, dossier.withdraw_reason = now, data["reason"].strip()
    return ["withdrawn_at", "withdraw_reason"]


def enter_draft_again(dossier: Dossier, data: dict[str, Any], now: dt.datetime) -> list[str]:
    dossier.submitted_at, dossier.withdraw_reason = None, data["reason"].strip()
    return ["submitted_at", "withdraw_reason"]


@dataclass(frozen=True)
class Transition:
    name: str
    who: Callable[[Any, Dossier], Decision]
    guards: tuple[str, ...]
    event: EventType
    enter: Callable[[Dossier, dict[str, Any], dt.datetime], list[str]] | None = None


T = Transition
OWNER, LEADER, STAFF, EVALUATION = is_dossier_owner, is_holder_leader, is_holder_staff, is_evaluation_actor
OFFICE_LEADER = is_title_office_leader
ANSWER = ("return_answer_open", "back_where_returned_from", "pledge_current", "pledge_signed_after_return",
          "eligibility_clear")

TRANSITIONS: dict[tuple[str, str], Transition] = {
    # -- the applicant --------------------------------------------------------------------------------------
    (State.DRAFT, State.SUBMITTED): T("submit", OWNER, ("window_open", "pledge_current", "eligibility_clear"),
                                      Event.DOSSIER_SUBMITTED, enter_submitted),
    # "until the unit decides": no withdrawal row leads from the unit's later states. While the window is open a
    # withdrawn dossier is a draft again (edit, submit again); after it closes withdrawing ends the year's application
    (State.SUBMITTED, State.DRAFT): T("withdraw_to_draft", OWNER, ("window_open", "reason_given"),
                                      Event.DOSSIER_WITHDRAWN_TO_DRAFT, enter_draft_again),
    (State.SUBMITTED, State.WITHDRAWN): T("withdraw", OWNER, ("window_closed", "reason_given", "withdrawal_confirmed"),
                                          Event.DOSSIER_WITHDRAWN, enter_withdrawn),
    # answering a return goes back to where the return came from (a department return passed on: dept_returned)
    (State.RETURNED, State.SUBMITTED): T("answer_return", OWNER, ANSWER, Event.DOSSIER_RETURN_ANSWERED),
    (State.RETURNED, State.DEPARTMENT_RETURNED): T("answer_department_return", OWNER, ANSWER,
                                                   Event.DOSSIER_RETURN_ANSWERED),
    # -- unit, department and office review: reached only through a leader's confirmation (review app) ----------
    (State.SUBMITTED, State.UNIT_PASSED): T("unit_pass", LEADER, ("unit_recommendation_open",),
                                            Event.REVIEW_UNIT_PASSED),
    (State.SUBMITTED, State.RETURNED): T("unit_return", LEADER, ("unit_recommendation_open",),
                                         Event.REVIEW_UNIT_RETURNED),
    (State.SUBMITTED, State.NOT_ACCEPTED): T("unit_not_accept", LEADER, (), Event.REVIEW_UNIT_NOT_ACCEPTED),
    (State.PUBLICITY_DONE, State.RECOMMENDED): T(
        "unit_recommend", LEADER, ("handover_deadline", "recommendation_papers", "staff_meeting_recorded",
                                    "posts_within_ratio"),
        Event.REVIEW_UNIT_RECOMMENDED,
    ),
    (State.RECOMMENDED, State.DEPARTMENT_PASSED): T("department_pass", LEADER, (), Event.REVIEW_DEPARTMENT_PASSED),
    (State.RECOMMENDED, State.DEPARTMENT_RETURNED): T(
        "department_return", LEADER, ("returns_below_limit", "before_supplement_cutoff"),
        Event.REVIEW_DEPARTMENT_RETURNED,
    ),
    (State.RECOMMENDED, State.DEPARTMENT_REJECTED): T("department_reject", LEADER, (),
                                                      Event.REVIEW_DEPARTMENT_REJECTED),
    # the unit answers a department return: hands it to the applicant, or resends the dossier itself
    (State.DEPARTMENT_RETURNED, State.RETURNED): T(
        "unit_pass_back", LEADER, ("department_return_open", "before_supplement_cutoff"), Event.REVIEW_UNIT_PASSED_BACK
    ),
    (State.DEPARTMENT_RETURNED, State.RECOMMENDED): T("unit_resend", LEADER, ("department_return_open",),
                                                      Event.REVIEW_UNIT_RESENT),
    (State.DEPARTMENT_PASSED, State.OFFICE_ACCEPTED): T(
        "office_accept", LEADER, ("eligibility_clear", "route_confirmed"), Event.REVIEW_OFFICE_ACCEPTED
    ),
    (State.DEPARTMENT_PASSED, State.OFFICE_REJECTED): T("office_reject", LEADER, (), Event.REVIEW_OFFICE_REJECTED),
    # -- evaluation (committees app): the district's own meeting, or the entrusted committee ------------------
    (State.OFFICE_ACCEPTED, State.SCHEDULED): T("meeting_schedule", EVALUATION, ("route_self_run", "on_agenda"),
                                                Event.COMMITTEE_DOSSIER_SCHEDULED),
    (State.SCHEDULED, State.IN_MEETING): T("meeting_start", EVALUATION, ("quorum_met",),
                                           Event.COMMITTEE_DOSSIER_IN_MEETING),
    (State.IN_MEETING, State.PASSED): T("meeting_pass", EVALUATION, ("ballot_closed", "chair_signed",
                                                                     "quota_available"),
                                        Event.COMMITTEE_DOSSIER_PASSED),
    (State.IN_MEETING, State.FAILED): T("meeting_fail", EVALUATION, ("ballot_closed", "chair_signed"),
                                        Event.COMMITTEE_DOSSIER_FAILED),
    (State.OFFICE_ACCEPTED, State.ENTRUSTED_SENT): T("entrusted_send", EVALUATION,
                                                     ("route_entrusted", "entrustment_prepared"),
                                                     Event.COMMITTEE_ENTRUSTMENT_SENT),
    (State.ENTRUSTED_SENT, State.PASSED): T("entrusted_pass", EVALUATION, ("entrusted_result_recorded",),
                                            Event.COMMITTEE_ENTRUSTED_RESULT),
    (State.ENTRUSTED_SENT, State.FAILED): T("entrusted_fail", EVALUATION, ("entrusted_result_recorded",),
                                            Event.COMMITTEE_ENTRUSTED_RESULT),
    # -- unit publicity and objections (publicity app) -------------------------------------------------------
    (State.UNIT_PASSED, State.IN_PUBLICITY): T("publicity_publish", STAFF, ("publicity_published",),
                                               Event.DOSSIER_PUBLICITY_STARTED),
    (State.IN_PUBLICITY, State.PUBLICITY_DONE): T("publicity_close", STAFF, ("publicity_complete", "no_open_objection"),
                                                  Event.DOSSIER_PUBLICITY_DONE),
    (State.IN_PUBLICITY, State.NOT_RECOMMENDED): T("publicity_stop", STAFF, ("objection_upheld",),
                                                   Event.DOSSIER_OBJECTION_UPHELD),
    # -- result publicity (publicity app), the title document and revocation (certificates app) --------------
    (State.PASSED, State.IN_RESULT_PUBLICITY): T("result_publicity_publish", STAFF, ("result_publicity_published",),
                                              Event.DOSSIER_RESULT_PUBLICITY_STARTED),
    (State.IN_RESULT_PUBLICITY, State.RESULT_PUBLICITY_DONE): T(
        "result_publicity_close", STAFF, ("result_publicity_complete", "no_open_result_objection"),
        Event.DOSSIER_RESULT_PUBLICITY_DONE,
    ),
    (State.IN_RESULT_PUBLICITY, State.RESULT_OBJECTION_UPHELD): T(
        "result_publicity_stop", STAFF, ("result_objection_upheld",), Event.DOSSIER_RESULT_OBJECTION_UPHELD
    ),
    (State.RESULT_PUBLICITY_DONE, State.CONFERRED): T(
        "confer", LEADER, ("result_publicity_complete", "no_open_result_objection", "title_document_approved"),
        Event.DOSSIER_CONFERRED,
    ),
    (State.CONFERRED, State.REVOKED): T("revoke", OFFICE_LEADER, ("revocation_recorded",), Event.DOSSIER_REVOKED),
}


def transition_refused(current: str, to: str) -> ApplicationError:
    now_label, to_label = State(current).label, State(to).label if to in State.values else to
    if current == to == State.SUBMITTED:
        return ApplicationError("already_submitted", "申报材料已提交，不能重复提交", "Already submitted", status=409)
    return ApplicationError(
        "invalid_transition", f"当前状态（{now_label}）不能变更为“{to_label}”",
        f"A dossier in state {current} cannot become {to}", status=409,
    )


def _row(dossier: Dossier, to: str) -> Transition:
    transition = TRANSITIONS.get((dossier.state, to))
    if transition is None:
        raise transition_refused(dossier.state, to)
    return transition


def transition_check(
    *, dossier: Dossier, to: str, actor: Any, data: dict[str, Any] | None = None, decision: Any = None
) -> None:
    """Raise the first refusal of the row's guards now (a proposal is checked before a leader confirms it)."""
    transition = _row(dossier, to)
    guards_run(transition.guards, GuardContext(dossier, actor, data or {}, timezone.now(), to, decision))


def transition_allowed(*, dossier: Dossier, to: str, actor: Any = None, data: dict[str, Any] | None = None,
                       at: dt.datetime | None = None) -> Decision:
    """Whether the row exists and its guards allow the step at `at` (now), as a Decision: for offering actions."""
    transition = TRANSITIONS.get((dossier.state, to))
    if transition is None:
        return Decision(False, "当前状态不能办理此事项", "Not possible in this state")
    refused = guards_decide(transition.guards, GuardContext(dossier, actor, data or {}, at or timezone.now(), to))
    return ALLOW if refused is None else refused[1]


def _acting_organisation(dossier: Dossier) -> Organisation:
    """The organisation on whose behalf the step is taken: the holder before it, or the unit for the applicant."""
    return holder_organisation(dossier) or dossier.organisation


@transaction.atomic
def dossier_transition(
    *, dossier: Dossier, to: str, actor: Any, ip: str | None = None, data: dict[str, Any] | None = None,
    decision: Any = None,
) -> Dossier:
    """Lock the row, check the table, who may and the guards, set the state, record the change and the event."""
    data = data or {}
    locked = (Dossier.objects.select_for_update(of=("self",)).select_related("campaign", "organisation")
              .get(pk=dossier.pk))  # the dossier row only, never the campaign's or the unit's
    transition = _row(locked, to)
    require(transition.who(actor, locked))
    now = timezone.now()
    guards_run(transition.guards, GuardContext(locked, actor, data, now, to, decision))
    before, organisation = locked.state, _acting_organisation(locked)
    level_before = holder_level(locked)
    locked.state, locked.state_changed_at = to, now
    changed = transition.enter(locked, data, now) if transition.enter else []
    held_by = holder_organisation(locked)
    if getattr(held_by, "pk", None) != locked.held_by_id or holder_level(locked) != level_before:
        locked.held_by, locked.held_since = held_by, now
    changed += ["held_by", "held_since"]
    locked.save(update_fields=["state", "state_changed_at", "updated_at", *changed])
    for name in ("state", "state_changed_at", "updated_at", *changed):  # the caller's object shows the new state too
        setattr(dossier, name, getattr(locked, name))
    change = DossierStateChange.objects.create(
        dossier=locked, from_state=before, to_state=to, transition=transition.name, actor=actor,
        organisation=organisation, at=now, reason=str(data.get("reason") or "").strip(),
        decision_id=getattr(decision, "pk", None),
    )
    audit_event_record(
        event_type=transition.event, actor=actor, organisation=locked.organisation, obj=locked,
        data={"from": before, "to": to, **data}, ip=ip,
    )
    dossier_state_changed.send(sender=DossierStateChange, change=change, dossier=locked)
    return locked


@transaction.atomic
def dossier_transition_many(*, dossiers: list[Dossier], to: str, actor: Any, ip: str | None = None,
                            data: dict[str, Any] | None = None) -> list[Dossier]:
    """Several dossiers take the same step at once (a signed meeting's results): the same table row, who-may and
    guards per dossier as `dossier_transition`, but one lock query, one update, one insert of history rows and
    one append of their events — a meeting of 200 candidates costs a few queries per dossier, not fifteen.
    All or none: one refusal rolls the whole batch back."""
    data = data or {}
    locked = list(Dossier.objects.select_for_update(of=("self",))
                  .select_related("campaign", "organisation", "organisation__parent", "organisation__parent__parent")
                  .filter(pk__in=[d.pk for d in dossiers]).order_by("pk"))
    now = timezone.now()
    fields = {"state", "state_changed_at", "updated_at", "held_by", "held_since"}
    changes, events = [], []
    allowed: dict[tuple[Any, int], Decision] = {}
    for row in locked:
        transition = _row(row, to)
        if getattr(transition.who, "by_organisation", False):  # depends on the dossier's unit alone: ask once
            key = (transition.who, row.organisation_id)
            if key not in allowed:
                allowed[key] = transition.who(actor, row)
            require(allowed[key])
        else:
            require(transition.who(actor, row))
        guards_run(transition.guards, GuardContext(row, actor, data, now, to, None))
        before, organisation = row.state, _acting_organisation(row)
        level_before = holder_level(row)
        row.state, row.state_changed_at, row.updated_at = to, now, now
        fields.update(transition.enter(row, data, now) if transition.enter else [])
        held_by = holder_organisation(row)
        if getattr(held_by, "pk", None) != row.held_by_id or holder_level(row) != level_before:
            row.held_by, row.held_since = held_by, now
        changes.append(DossierStateChange(dossier=row, from_state=before, to_state=to, transition=transition.name,
                                          actor=actor, organisation=organisation, at=now,
                                          reason=str(data.get("reason") or "").strip()))
        events.append({"event_type": transition.event, "actor": actor, "organisation": row.organisation,
                       "obj": row, "data": {"from": before, "to": to, **data}, "ip": ip})
    Dossier.objects.bulk_update(locked, sorted(fields))
    DossierStateChange.objects.bulk_create(changes)
    audit_events_record(events)
    by_pk = {row.pk: row for row in locked}
    for dossier in dossiers:  # the callers' objects show the new state too
        for name in fields:
            setattr(dossier, name, getattr(by_pk[dossier.pk], name))
    for change, row in zip(changes, locked, strict=True):
        dossier_state_changed.send(sender=DossierStateChange, change=change, dossier=row)
    return locked
