"""Effects of department-level decisions: pass to the office, return to the unit (at most N times), reject.

A department return goes to the unit (DEPT_RETURNED). The unit then either answers it itself (resend →
RECOMMENDED) or hands the department's items on to the applicant (pass_back → RETURNED); the applicant's answer
brings the dossier back to the unit (DEPT_RETURNED), which resends it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier, DossierState

from ..models import DecisionAction, ReturnRequest, ReviewDecision, ReviewLevel
from .decisions import Effect, effect_register
from .returns import return_data_check, return_request_create

S, A, L = DossierState, DecisionAction, ReviewLevel


def _refused(code: str, zh: str, en: str, field: str | None = None, status: int = 400) -> ApplicationError:
    details = {"fields": {field: [zh]}, "fields_en": {field: [en]}} if field else {}
    return ApplicationError(code, zh, en, status=status, details=details)


def supplement_cutoff_check(dossier: Dossier, now: dt.datetime) -> None:
    """No return at or after the supplement cut-off (§四(四)); return_data_check keeps deadlines before it."""
    if now >= dossier.campaign.supplement_cutoff:
        raise _refused("supplement_closed", "已过补充资料截止时间，不能再退回补充材料",
                       "The supplement cut-off has passed: no more returns", status=409)


def department_returns_made(dossier: Dossier) -> int:
    return ReturnRequest.objects.filter(dossier=dossier, level=L.DEPARTMENT).count()


def department_return_limit_check(dossier: Dossier) -> None:
    """At most campaign.max_returns department returns per dossier (§七(二))."""
    limit = dossier.campaign.max_returns
    if department_returns_made(dossier) >= limit:
        raise ApplicationError(
            "return_limit_reached", f"审核部门已退回 {limit} 次，不能再退回，只能审核通过或不通过",
            f"The department has already returned this dossier {limit} times: only pass or reject remain",
            status=409, details={"max_returns": limit},
        )


def department_actions_offered(dossier: Dossier, at: dt.datetime | None = None) -> list[str]:
    """The decisions the department may still take: return only below the limit and before the cut-off."""
    if dossier.state != S.RECOMMENDED:
        return []
    at = at or timezone.now()
    campaign = dossier.campaign
    can_return = at < campaign.supplement_cutoff and department_returns_made(dossier) < campaign.max_returns
    return [A.PASS, *([A.RETURN] if can_return else []), A.REJECT]


def _check_return(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    department_return_limit_check(dossier)
    supplement_cutoff_check(dossier, now)
    return_data_check(decision, dossier, now)


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


def _open_return_or_refuse(dossier: Dossier) -> ReturnRequest:
    request = department_return_open(dossier)
    if request is None:
        raise ApplicationError("no_open_return", "没有待答复的审核部门退回", "No open department return", status=409)
    return request


def _check_pass_back(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    """The applicant gets the department's items (plus the unit's own) and a deadline within the department's."""
    department_return = _open_return_or_refuse(dossier)
    supplement_cutoff_check(dossier, now)
    data = decision.data if isinstance(decision.data, dict) else {}
    inherited = [{"section": i.section, "item_id": i.item_id, "message": i.message}
                 for i in department_return.items.all()]
    deadline = data.get("answer_deadline") or department_return.answer_deadline.isoformat()
    # the unit's own items are kept apart so that the check, run again at confirmation, does not repeat them
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


def _check_resend(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    decision.data = {**decision.data, "department_return": _open_return_or_refuse(dossier).pk}


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
    """Register this level's effects (and the unit's answers to a department return) with effect_register."""
    effect_register(Effect(L.DEPARTMENT, A.PASS, (S.RECOMMENDED,), S.DEPARTMENT_PASSED))
    effect_register(Effect(L.DEPARTMENT, A.RETURN, (S.RECOMMENDED,), S.DEPARTMENT_RETURNED, _check_return,
                           _after_return))
    effect_register(Effect(L.DEPARTMENT, A.REJECT, (S.RECOMMENDED,), S.DEPARTMENT_REJECTED))
    effect_register(Effect(L.UNIT, A.PASS_BACK, (S.DEPARTMENT_RETURNED,), S.RETURNED, _check_pass_back,
                           _after_pass_back))
    effect_register(Effect(L.UNIT, A.RESEND, (S.DEPARTMENT_RETURNED,), S.RECOMMENDED, _check_resend, _after_resend))
