"""The decision core: a clerk proposes, a leader of the same organisation confirms, then the effect happens.

Eligibility is re-evaluated at proposal and at confirmation, so every step sees current findings.
Each (level, action) has an Effect registered by unit.py, department.py or office.py: the states it applies
to, the state it leads to, how the decision's data is cleaned (at proposal and again at confirmation) and what
happens after the transition (a return request, a recommendation record …). Whether the step may happen is the
workflow row's named guards (dossiers/guards.py, review/guards.py …), asked at proposal through
`transition_check` and again by `dossier_transition` at confirmation. Only `decision_confirm` changes the dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import ALLOW, Decision, deny, require
from zhicheng.dossiers.holders import holder_level, holder_organisation
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.permissions import can_view_dossier, is_holder_leader, is_holder_staff
from zhicheng.dossiers.recusal import recusal_audited, require_impartial
from zhicheng.dossiers.workflow import dossier_transition, transition_check
from zhicheng.eligibility.services import eligibility_before_review_step

from ..models import DecisionAction, ReviewDecision
from ..notify import decision_waiting_notify

Prepare = Callable[[ReviewDecision, Dossier, dt.datetime], None]  # cleans decision.data; raises on bad input
After = Callable[[ReviewDecision, Dossier, dt.datetime], None]

# Actions that need a written reason
REASON_REQUIRED = frozenset({DecisionAction.RETURN, DecisionAction.NOT_ACCEPT, DecisionAction.REJECT})


@dataclass(frozen=True)
class Effect:
    level: str
    action: str
    from_states: tuple[str, ...]
    to: str
    prepare: Prepare | None = None
    after: After | None = None


EFFECTS: dict[tuple[str, str], Effect] = {}


def effect_register(effect: Effect) -> None:
    EFFECTS[(effect.level, effect.action)] = effect


def _effect_for(dossier: Dossier, action: str) -> Effect:
    level = holder_level(dossier)
    effect = EFFECTS.get((level, action))
    if effect is None or dossier.state not in effect.from_states:
        label = DecisionAction(action).label if action in DecisionAction.values else action
        raise ApplicationError(
            "decision_not_allowed", f"当前状态（{dossier.get_state_display()}）不能作出“{label}”的审核意见",
            f"A dossier in state {dossier.state} cannot take the decision {action}", status=409,
        )
    return effect


def decision_open_for(dossier: Dossier) -> ReviewDecision | None:
    return ReviewDecision.objects.filter(dossier=dossier, confirmed_at=None, cancelled_at=None).first()


def _reason_check(action: str, reason: str) -> None:
    if action in REASON_REQUIRED and not (reason or "").strip():
        raise ApplicationError(
            "reason_required", "请填写意见说明", "Give the reason",
            details={"fields": {"reason": ["请填写意见说明"]}, "fields_en": {"reason": ["required"]}},
        )


@recusal_audited
@transaction.atomic
def decision_propose(
    *, dossier: Dossier, action: str, actor, reason: str = "", data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> ReviewDecision:
    """Record a clerk's (or leader's) proposed decision; it waits for a leader's confirmation."""
    locked = (Dossier.objects.select_for_update(of=("self",)).select_related("campaign", "organisation")
              .get(pk=dossier.pk))  # the dossier row only, never the campaign's or the unit's
    require(is_holder_staff(actor, locked))
    require_impartial(actor, locked, step="decision_propose")
    effect = _effect_for(locked, action)
    _reason_check(action, reason)
    now = timezone.now()
    decision = ReviewDecision(
        dossier=locked, level=effect.level, organisation=holder_organisation(locked), action=action,
        from_state=locked.state, reason=(reason or "").strip(), data=data or {}, proposed_by=actor, proposed_at=now,
    )
    eligibility_before_review_step(locked)  # the reviewer decides on current findings (thresholds may change)
    transition_check(dossier=locked, to=effect.to, actor=actor, data={"action": action}, decision=decision)
    if effect.prepare:
        effect.prepare(decision, locked, now)
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as exc:
        raise ApplicationError(
            "decision_pending", "该申报材料已有待确认的审核意见，请先确认或撤销",
            "A decision on this dossier is already waiting for confirmation", status=409,
        ) from exc
    audit_event_record(
        event_type=EventType.REVIEW_DECISION_PROPOSED, actor=actor, organisation=decision.organisation, obj=locked,
        data={"decision": decision.pk, "level": effect.level, "action": action, "reason": decision.reason}, ip=ip,
    )
    decision_waiting_notify(decision, locked)
    return decision


def can_confirm(actor, decision: ReviewDecision, dossier: Dossier) -> Decision:
    leader = is_holder_leader(actor, dossier)
    if not leader:
        return leader
    if decision.proposed_by_id == actor.pk and decision.proposed_by_id is not None:
        return deny("审核意见须由提出人以外的审查领导确认", "Another person (a review leader) must confirm")
    return ALLOW


@recusal_audited
@transaction.atomic
def decision_confirm(*, decision: ReviewDecision, actor, ip: str | None = None) -> Dossier:
    """A leader of the holding organisation confirms: the dossier moves and the effect's follow-up happens."""
    decision = ReviewDecision.objects.select_for_update().get(pk=decision.pk)
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related("campaign", "organisation").get(
        pk=decision.dossier_id
    )
    require(can_view_dossier(actor, dossier))  # a stranger learns nothing, not even that it went stale
    if not decision.is_open or dossier.state != decision.from_state:
        raise ApplicationError(
            "decision_stale", "该审核意见已处理或申报材料状态已变化", "The decision is no longer open", status=409
        )
    require(can_confirm(actor, decision, dossier))
    require_impartial(actor, dossier, step="decision_confirm")
    effect = _effect_for(dossier, decision.action)
    now = timezone.now()
    eligibility_before_review_step(dossier)
    if effect.prepare:
        effect.prepare(decision, dossier, now)
    decision.confirmed_by, decision.confirmed_at = actor, now
    decision.save(update_fields=["confirmed_by", "confirmed_at", "data"])
    dossier = dossier_transition(  # runs the row's guards again, now, under the lock
        dossier=dossier, to=effect.to, actor=actor, ip=ip, decision=decision,
        data={"decision": decision.pk, "action": decision.action, "reason": decision.reason},
    )
    if effect.after:
        effect.after(decision, dossier, now)
    return dossier


@recusal_audited
@transaction.atomic
def decision_cancel(*, decision: ReviewDecision, actor, reason: str = "", ip: str | None = None) -> ReviewDecision:
    """The proposer withdraws, or a leader turns down, an open decision; nothing happens to the dossier."""
    decision = ReviewDecision.objects.select_for_update().select_related("dossier").get(pk=decision.pk)
    if decision.proposed_by_id != actor.pk:
        require(is_holder_leader(actor, decision.dossier))
        require_impartial(actor, decision.dossier, step="decision_cancel")  # turning it down is a decision too
    if not decision.is_open:
        raise ApplicationError("decision_stale", "该审核意见已处理", "The decision is no longer open", status=409)
    decision.cancelled_by, decision.cancelled_at = actor, timezone.now()
    decision.cancel_reason = (reason or "").strip()
    decision.save(update_fields=["cancelled_by", "cancelled_at", "cancel_reason"])
    audit_event_record(
        event_type=EventType.REVIEW_DECISION_CANCELLED, actor=actor, organisation=decision.organisation_id,
        obj=decision.dossier, data={"decision": decision.pk, "reason": decision.cancel_reason}, ip=ip,
    )
    return decision
