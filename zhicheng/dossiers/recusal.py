"""Recusal (回避): nobody decides on a dossier they are party to — their own, or later a declared relative's.

One predicate, `is_impartial(actor, dossier)`, answers for every decision path (review proposals and
confirmations, bulk actions, publicity, objections, eligibility overrides, the office's acceptance).
Declared relations (the committee's conflict declarations) plug in by appending a source to
`RELATION_SOURCES` in their app's `AppConfig.ready()`; `dossiers` imports none of them.

A refusal is audited. The service's own transaction rolls back when it refuses, so the denial is recorded by
`recusal_audited` after that rollback, in a transaction of its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import PermissionDenied
from zhicheng.core.permissions import ALLOW, Decision, deny

# A source answers a refusal (with its reason) when the actor is related to the dossier's applicant, else None
RelationSource = Callable[[Any, Any], Decision | None]
RELATION_SOURCES: list[RelationSource] = []

F = TypeVar("F", bound=Callable[..., Any])


def _own_dossier(actor, dossier) -> Decision | None:
    if dossier.applicant_id is not None and dossier.applicant_id == getattr(actor, "pk", None):
        return deny("本人的申报材料须回避，不能由本人审核或作出决定",
                    "You must recuse yourself: nobody may decide on their own dossier")
    return None


def is_impartial(actor, dossier) -> Decision:
    """ALLOW unless the actor must step aside from deciding on this dossier (own dossier, declared relation)."""
    for source in (_own_dossier, *RELATION_SOURCES):
        refusal = source(actor, dossier)
        if refusal is not None and not refusal.allowed:
            return refusal
    return ALLOW


class Recused(PermissionDenied):
    """A 403 whose denial is audited (by `recusal_audited`) once the refused service's transaction is gone."""

    def __init__(self, decision: Decision, *, actor, dossier, step: str) -> None:
        super().__init__("recused", decision.reason_zh, decision.reason_en)
        self.actor, self.dossier, self.step = actor, dossier, step


def require_impartial(actor, dossier, *, step: str) -> None:
    """Raise `Recused` (a 403 with the reason) when the actor must step aside; `step` names what was refused."""
    decision = is_impartial(actor, dossier)
    if not decision.allowed:
        raise Recused(decision, actor=actor, dossier=dossier, step=step)


def recusal_refusal_record(refusal: Recused, *, ip: str | None = None) -> None:
    """Audit who was refused which step on which dossier, and why (in the caller's transaction, or its own)."""
    audit_event_record(
        event_type=EventType.DOSSIER_RECUSAL_REFUSED, actor=refusal.actor, organisation=refusal.dossier.organisation_id,
        obj=refusal.dossier, data={"step": refusal.step, "reason": refusal.message_zh}, ip=ip,
    )


def recusal_audited(service: F) -> F:
    """Wrap a service (outside its @transaction.atomic) so that a recusal refusal leaves an audit row."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except Recused as exc:
            recusal_refusal_record(exc, ip=kwargs.get("ip"))
            raise

    return wrapper  # type: ignore[return-value]
