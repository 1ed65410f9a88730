"""Effects of office-level decisions: the title office accepts (confirming the route) or rejects."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.dossiers.models import Dossier, DossierState

from ..models import DecisionAction, ReviewDecision, ReviewLevel
from .decisions import Effect, effect_register

S, A, L = DossierState, DecisionAction, ReviewLevel


def _prepare_accept(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    """Keep the route the office confirms (its own choice, else the dossier's) and the one before, for the record.

    Qualification (eligibility_clear) and a known route (route_confirmed) are the row's guards.
    """
    decision.data = {**decision.data, "route": decision.data.get("route") or dossier.route,
                     "route_before": dossier.route}


@transaction.atomic
def dossier_route_confirm(*, dossier: Dossier, route: str, actor, decision: ReviewDecision | None = None) -> Dossier:
    """Set the route the office confirmed when it differs from the one the dossier was filed under; audited."""
    if route == dossier.route:
        return dossier
    before = dossier.route
    Dossier.objects.filter(pk=dossier.pk).update(route=route)
    dossier.route = route
    audit_event_record(
        event_type=EventType.DOSSIER_ROUTE_CHANGED, actor=actor,
        organisation=getattr(decision, "organisation_id", None),
        obj=dossier, data={"from": before, "to": route, "decision": getattr(decision, "pk", None)},
    )
    return dossier


def _after_accept(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    dossier_route_confirm(dossier=dossier, route=decision.data["route"], actor=decision.confirmed_by,
                          decision=decision)


def register() -> None:
    """Register this level's effects with decisions.effect_register."""
    effect_register(Effect(L.OFFICE, A.PASS, (S.DEPARTMENT_PASSED,), S.OFFICE_ACCEPTED, _prepare_accept, _after_accept))
    effect_register(Effect(L.OFFICE, A.REJECT, (S.DEPARTMENT_PASSED,), S.OFFICE_REJECTED))
