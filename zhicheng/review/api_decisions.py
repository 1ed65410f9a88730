"""API of the unit review: propose / confirm / cancel decisions, returns and their answer, the recommendation papers.

The same selectors and services as the pages: a dossier (or decision) the caller may not see is a 404, a step the
caller may not take a 403, a stale decision a 409. The sealed conduct statement is uploaded through the plain view
`/review/dossiers/<id>/recommendation/file/` (streamed, bearer tokens accepted; see docs/decisions.md 21).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination
from zhicheng.dossiers import services as dossier_services
from zhicheng.dossiers.selectors import dossier_get_for

from .models import Recommendation
from .selectors_unit import decision_get_for, decisions_visible, returns_of, staff_meeting_of
from .services.decisions import decision_cancel, decision_confirm, decision_propose
from .services.recommendation import recommendation_record, unit_post_count_record

router = Router(tags=["review"])


class ReturnItemIn(Schema):
    section: str = ""
    item_id: int | None = None
    message: str


class DecisionIn(Schema):
    action: str
    reason: str = ""
    items: list[ReturnItemIn] | None = None
    answer_deadline: dt.datetime | None = None
    route: str | None = None  # the route the office confirms when it accepts (self / entrusted)


class CancelIn(Schema):
    reason: str = ""


class DecisionOut(Schema):
    id: int
    dossier_id: int
    level: str
    action: str
    from_state: str
    reason: str
    data: dict[str, Any]
    proposed_by_id: int
    proposed_at: dt.datetime
    confirmed_by_id: int | None
    confirmed_at: dt.datetime | None
    cancelled_by_id: int | None
    cancelled_at: dt.datetime | None
    cancel_reason: str


class ReturnItemOut(Schema):
    id: int
    section: str
    item_id: int | None
    message: str


class ReturnOut(Schema):
    id: int
    level: str
    addressee: str
    number: int
    reason: str
    answer_deadline: dt.datetime
    created_at: dt.datetime
    answered_at: dt.datetime | None
    items: list[ReturnItemOut]


class DossierStateOut(Schema):
    id: int
    state: str
    state_changed_at: dt.datetime | None


class RecommendationIn(Schema):
    discipline_opinion: str
    conduct_statement: str
    senior_held: int | None = None
    grassroots_senior_held: int | None = None
    senior_posts: int | None = None


class RecommendationOut(Schema):
    dossier_id: int
    discipline_opinion: str
    conduct_statement: str
    conduct_file_name: str
    conduct_file_kind: str
    conduct_file_sha256: str
    posts_check: dict[str, Any]
    recorded_at: dt.datetime
    recommended_at: dt.datetime | None


class StaffMeetingOut(Schema):
    dossier_id: int
    held_on: dt.date
    staff_total: int
    attended: int
    votes_for: int
    result: str
    minutes_file_name: str
    minutes_file_kind: str
    minutes_file_sha256: str
    recorded_at: dt.datetime


def _return_out(request) -> dict[str, Any]:
    return {"id": request.pk, "level": request.level, "addressee": request.addressee, "number": request.number,
            "reason": request.decision.reason, "answer_deadline": request.answer_deadline,
            "created_at": request.created_at, "answered_at": request.answered_at, "items": list(request.items.all())}


@router.get("/dossiers/{dossier_id}/decisions", response=list[DecisionOut])
@paginate(Pagination, page_size=50)
def decision_list(request, dossier_id: int):
    return decisions_visible(request.auth, dossier_get_for(request.auth, dossier_id))


@router.post("/dossiers/{dossier_id}/decisions", response={201: DecisionOut})
def decision_create(request, dossier_id: int, payload: DecisionIn):
    dossier = dossier_get_for(request.auth, dossier_id)
    data: dict[str, Any] = {}
    if payload.items is not None:
        data["items"] = [item.dict() for item in payload.items]
    if payload.answer_deadline is not None:
        data["answer_deadline"] = payload.answer_deadline.isoformat()
    if payload.route:
        data["route"] = payload.route
    decision = decision_propose(dossier=dossier, action=payload.action, actor=request.auth, reason=payload.reason,
                                data=data, ip=client_ip(request))
    return Status(201, decision)


@router.post("/decisions/{decision_id}/confirm", response=DossierStateOut)
def decision_confirm_endpoint(request, decision_id: int):
    decision = decision_get_for(request.auth, decision_id)
    return decision_confirm(decision=decision, actor=request.auth, ip=client_ip(request))


@router.post("/decisions/{decision_id}/cancel", response=DecisionOut)
def decision_cancel_endpoint(request, decision_id: int, payload: CancelIn):
    decision = decision_get_for(request.auth, decision_id)
    return decision_cancel(decision=decision, actor=request.auth, reason=payload.reason, ip=client_ip(request))


@router.get("/dossiers/{dossier_id}/returns", response=list[ReturnOut])
@paginate(Pagination, page_size=20)
def return_list(request, dossier_id: int):
    return [_return_out(r) for r in returns_of(dossier_get_for(request.auth, dossier_id))]


@router.post("/dossiers/{dossier_id}/answer", response=DossierStateOut)
def return_answer(request, dossier_id: int):
    """The applicant answers the open return: a new version is frozen and the dossier goes back to the reviewer."""
    dossier = dossier_get_for(request.auth, dossier_id)
    return dossier_services.dossier_submit(dossier=dossier, actor=request.auth, ip=client_ip(request))


@router.get("/dossiers/{dossier_id}/recommendation", response=RecommendationOut)
def recommendation_detail(request, dossier_id: int):
    dossier = dossier_get_for(request.auth, dossier_id)
    papers = Recommendation.objects.filter(dossier=dossier).first()
    if papers is None:
        raise NotFound("not_found", "尚未填写推荐材料", "No recommendation papers yet")
    return papers


@router.put("/dossiers/{dossier_id}/recommendation", response=RecommendationOut)
def recommendation_update(request, dossier_id: int, payload: RecommendationIn):
    """The texts (the sealed file keeps what was uploaded) and, when given, the unit's post counts."""
    dossier = dossier_get_for(request.auth, dossier_id)
    if payload.senior_held is not None or payload.grassroots_senior_held is not None:
        unit_post_count_record(dossier=dossier, actor=request.auth, senior_held=payload.senior_held,
                               grassroots_senior_held=payload.grassroots_senior_held,
                               senior_posts=payload.senior_posts, ip=client_ip(request))
    return recommendation_record(dossier=dossier, actor=request.auth, discipline_opinion=payload.discipline_opinion,
                                 conduct_statement=payload.conduct_statement, ip=client_ip(request))


@router.get("/dossiers/{dossier_id}/staff-meeting", response=StaffMeetingOut)
def staff_meeting_detail(request, dossier_id: int):
    """The staff meeting's appraisal (破格/基层有效, §六(四)); it is recorded with its minutes through the multipart
    `/review/dossiers/<id>/staff-meeting/` (bearer tokens accepted), like the sealed conduct statement."""
    dossier = dossier_get_for(request.auth, dossier_id)
    meeting = staff_meeting_of(dossier) if dossier.applicant_id != request.auth.pk else None
    if meeting is None:
        raise NotFound("not_found", "尚未登记职工大会集体评议", "No staff meeting recorded yet")
    return meeting
