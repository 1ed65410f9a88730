"""Effects of department-level decisions: pass to the office, return to the unit (at most N times), reject.

A department return goes to the unit (DEPT_RETURNED). The unit then either answers it itself (resend →
RECOMMENDED) or hands the department's items on to the applicant (pass_back → RETURNED); the applicant's answer
brings the dossier back to the unit (DEPT_RETURNED), which resends it.
"""

from __future__ import annotations

import datetime as dt

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.workflow import transition_allowed

from ..models import DecisionAction, ReturnRequest, ReviewDecision, ReviewLevel
from .decisions import Effect, effect_register
from .returns import return_data_check, return_request_create

S, A, L = DossierState, DecisionAction, ReviewLevel


def _refused(code: str, zh: str, en: str, field: str | None = None, status: int = 400) -> ApplicationError:
    details = {"fields": {field: [zh]}, "fields_en": {field: [en]}} if field else {}
    return ApplicationError(code, zh, en, status=status, details=details)


def department_returns_made(dossier: Dossier) -> int:
    return ReturnRequest.objects.filter(dossier=dossier, level=L.DEPARTMENT).count()


def department_actions_offered(dossier: Dossier, at: dt.datetime | None = None) -> list[str]:
    """The decisions the department may still take: return only below the limit and before the cut-off."""
    if dossier.state != S.RECOMMENDED:
        return []
    can_return = transition_allowed(dossier=dossier, to=S.DEPARTMENT_RETURNED, at=at)  # the row's own guards
    return [A.PASS, *([A.RETURN] if can_return else []), A.REJECT]


def _return_recorded(decision: ReviewDecision, dossier: Dossier, request: ReturnRequest) -> None:
    audit_event_record(
        event_type=EventType.REVIEW_RETURN_CREATED, actor=decision.confirmed_by, organisation=decision.organisation_id,
        obj=dossier, data={"return": request.pk, "level": request.level, "addressee": request.addressee,
                           "number": request.number, "items": len(decision.data["items"]),
                           "answer_deadline": decision.data["answer_deadline"]},
    )


def _after_return(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    request = return_request_create(decision, dossier, now, addressee=ReturnRequest.Addressee.UNIT)
    _return_recorded(decision, dossier, request)


def department_return_open(dossier: Dossier) -> ReturnRequest | None:
    """The department return the unit has not answered yet."""
    return (ReturnRequest.objects.filter(dossier=dossier, level=L.DEPARTMENT, answered_at__isnull=True)
            .prefetch_related("items").order_by("-created_at", "-id").first())


def _prepare_pass_back(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    """The applicant gets the department's items (plus the unit's own) and a deadline within the department's.

    That a department return is open is the row's guard (department_return_open); without one nothing is added.
    """
    department_return = department_return_open(dossier)
    if department_return is None:
        return
    data = decision.data if isinstance(decision.data, dict) else {}
    inherited = [{"section": i.section, "item_id": i.item_id, "message": i.message}
                 for i in department_return.items.all()]
    deadline = data.get("answer_deadline") or department_return.answer_deadline.isoformat()
    # the unit's own items are kept apart so that cleaning again at confirmation does not repeat them
    own = list(data["unit_items"] if "unit_items" in data else data.get("items") or [])
    decision.data = {**data, "department_return": department_return.pk, "answer_deadline": deadline,
                     "unit_items": own, "items": inherited + own}
    return_data_check(decision, dossier, now)
    if dt.datetime.fromisoformat(decision.data["answer_deadline"]) > department_return.answer_deadline:
        raise _refused("answer_deadline_after_department", "申报人答复截止时间不能晚于审核部门的答复截止时间",
                       "The applicant's deadline cannot be after the department's", "answer_deadline")


def _after_pass_back(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    request = return_request_create(decision, dossier, now, addressee=ReturnRequest.Addressee.APPLICANT)
    _return_recorded(decision, dossier, request)


def _prepare_resend(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    department_return = department_return_open(dossier)
    if department_return is not None:
        decision.data = {**decision.data, "department_return": department_return.pk}


def _after_resend(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    """The unit's answer closes the department return: its time counts as answer time, not review time."""
    ReturnRequest.objects.filter(pk=decision.data["department_return"], answered_at__isnull=True).update(
        answered_at=now, answered_by=decision.confirmed_by
    )
    audit_event_record(
        event_type=EventType.REVIEW_RETURN_ANSWERED, actor=decision.confirmed_by, organisation=decision.organisation_id,
        obj=dossier, data={"return": decision.data["department_return"], "by": "unit"},
    )


def register() -> None:
    """Register this level's effects (and the unit's answers to a department return) with effect_register.

    The limit on returns, the supplement cut-off and "a department return is open" are the rows' guards.
    """
    effect_register(Effect(L.DEPARTMENT, A.PASS, (S.RECOMMENDED,), S.DEPARTMENT_PASSED))
    effect_register(Effect(L.DEPARTMENT, A.RETURN, (S.RECOMMENDED,), S.DEPARTMENT_RETURNED, return_data_check,
                           _after_return))
    effect_register(Effect(L.DEPARTMENT, A.REJECT, (S.RECOMMENDED,), S.DEPARTMENT_REJECTED))
    effect_register(Effect(L.UNIT, A.PASS_BACK, (S.DEPARTMENT_RETURNED,), S.RETURNED, _prepare_pass_back,
                           _after_pass_back))
    effect_register(Effect(L.UNIT, A.RESEND, (S.DEPARTMENT_RETURNED,), S.RECOMMENDED, _prepare_resend, _after_resend))
