"""Effects of office-level decisions: the title office checks qualifications, confirms the route, accepts or rejects."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.models import Route
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier, DossierState

from ..models import DecisionAction, ReviewDecision, ReviewLevel
from .decisions import Effect, effect_register

S, A, L = DossierState, DecisionAction, ReviewLevel


def _unresolved_blocking(dossier: Dossier) -> list[dict]:
    """Blocking findings of the latest eligibility check not set aside by a reviewer (none if never checked)."""
    from zhicheng.eligibility.models import EligibilityCheck
    from zhicheng.eligibility.services import unresolved_blocking

    check = EligibilityCheck.objects.filter(dossier=dossier).order_by("-computed_at", "-id").first()
    return unresolved_blocking(check) if check is not None else []


def route_confirmed(decision: ReviewDecision, dossier: Dossier) -> str:
    """The route the office confirms: the one in the decision, else the dossier's own."""
    route = decision.data.get("route") or dossier.route
    if route not in Route.values:
        raise ApplicationError(
            "route_invalid", "请选择评审方式（自主评审或委托评审）", "Choose the route (self-run or entrusted)",
            details={"fields": {"route": ["请选择评审方式"]}, "fields_en": {"route": ["invalid"]}},
        )
    return route


def _check_accept(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    blocked = _unresolved_blocking(dossier)
    if blocked:
        rules = "；".join(f"{f.get('rule')}：{f.get('message_zh', '')}" for f in blocked)
        raise ApplicationError(
            "qualification_blocked", f"资格审查未通过，尚有不符合条件的项目：{rules}",
            "Qualification check failed: blocking findings remain", status=409,
            details={"findings": [f.get("rule") for f in blocked]},
        )
    decision.data = {**decision.data, "route": route_confirmed(decision, dossier), "route_before": dossier.route}


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
    effect_register(Effect(L.OFFICE, A.PASS, (S.DEPARTMENT_PASSED,), S.OFFICE_ACCEPTED, _check_accept, _after_accept))
    effect_register(Effect(L.OFFICE, A.REJECT, (S.DEPARTMENT_PASSED,), S.OFFICE_REJECTED))
