"""API of the review queues: held dossiers with filters and counts, bulk actions (preview, apply), the timeline.

The same selectors and services as the pages: an organisation the caller does not review, or a dossier outside
their reach, is a 404; a caller without a reviewing role gets a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema

from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip
from zhicheng.core.pagination import MAX_PAGE, KnownCountPaginator
from zhicheng.dossiers.selectors import dossier_get_for

from . import selectors
from .services.bulk import bulk_action_get, bulk_apply, bulk_preview

router = Router(tags=["review"])
PAGE_SIZE = 50


class QueueQuery(Schema):
    organisation: int | None = None
    state: str = ""
    series: int | None = None
    level: int | None = None
    unit: int | None = None
    blocking: bool | None = None
    overdue: bool | None = None
    pending: bool | None = None  # a proposal waits for a leader's confirmation
    todo: bool = False  # only what the organisation must act on (no proposal waiting, not with the applicant)
    sort: str = selectors.DEFAULT_SORT
    page: int = Field(1, ge=1, le=MAX_PAGE)
    after: str = Field("", max_length=80, description="游标：上一页的 next_after（按时间排序时）/ keyset cursor: the "
                                                       "previous page's next_after (time sorts); no OFFSET")


class PendingOut(Schema):
    id: int
    action: str
    proposed_by: str
    proposed_at: dt.datetime


class QueueRowOut(Schema):
    id: int
    applicant: str
    organisation_id: int
    organisation: str
    series: str
    level: str
    state: str
    state_label: str
    submitted_at: dt.datetime | None
    state_changed_at: dt.datetime | None
    holder: str
    holder_since: dt.datetime | None = None  # when the current holder got it (a unit keeps it through publicity)
    waiting_days: int | None
    overdue: bool
    blocking_count: int | None
    open_return_deadline: dt.datetime | None
    pending: PendingOut | None


class QueuePageOut(Schema):
    organisation_id: int
    count: int
    page: int
    pages: int
    items: list[QueueRowOut]
    next_after: str | None = None  # pass as `after` for the next page (keyset); None on the last page


class StateCountOut(Schema):
    state: str
    label: str
    count: int


class BulkIn(Schema):
    organisation: int | None = None
    action: str
    ids: list[int]
    reason: str = ""
    starts_on: dt.date | None = None
    data: dict[str, Any] = {}


class BulkLineOut(Schema):
    dossier_id: int
    ok: bool
    message: str
    code: str


class BulkOut(Schema):
    action: str
    applied: bool
    lines: list[BulkLineOut]
    missing: list[int]


def _row(row: selectors.QueueRow) -> dict[str, Any]:
    d, pending = row.dossier, row.pending
    return {
        "id": d.pk, "applicant": d.applicant.real_name or d.applicant.username, "organisation_id": d.organisation_id,
        "organisation": d.organisation.name, "series": d.series.name, "level": d.level.name, "state": d.state,
        "state_label": str(d.get_state_display()), "submitted_at": d.submitted_at,
        "state_changed_at": d.state_changed_at, "holder": row.holder, "holder_since": row.since,
        "waiting_days": row.waiting_days,
        "overdue": bool(d.is_overdue), "blocking_count": d.blocking_count,
        "open_return_deadline": d.open_return_deadline,
        "pending": None if pending is None else {
            "id": pending.pk, "action": pending.action, "proposed_at": pending.proposed_at,
            "proposed_by": pending.proposed_by.real_name or pending.proposed_by.username,
        },
    }


@router.get("/queue", response=QueuePageOut)
def queue_list(request, q: Query[QueueQuery]):
    """The dossiers the organisation holds, filtered and sorted, one page at a time."""
    organisation = selectors.queue_organisation_get(request.user, q.organisation)
    filters = selectors.QueueFilters(state=q.state, series=q.series, level=q.level, unit=q.unit,
                                     blocking=q.blocking, overdue=q.overdue, sort=q.sort, pending=q.pending,
                                     todo=q.todo)
    dossiers = selectors.queue_for(organisation, filters)
    paginator = KnownCountPaginator(dossiers, PAGE_SIZE, count=selectors.queue_count(organisation, filters))
    page = paginator.get_page(q.page)
    items = page.object_list
    if q.after:
        try:
            items = selectors.keyset_after(dossiers, filters.sort, q.after)[:PAGE_SIZE]
        except ValueError as exc:
            raise ApplicationError("invalid_cursor", "分页游标无效（仅按时间排序时可用）",
                                   "Invalid cursor (only with a time sort)") from exc
    items = list(items)
    more = len(items) == PAGE_SIZE and (bool(q.after) or page.has_next())
    rows = selectors.queue_rows(items, organisation)
    return {"organisation_id": organisation.pk, "count": paginator.count, "page": page.number,
            "pages": paginator.num_pages, "items": [_row(r) for r in rows],
            "next_after": selectors.keyset_cursor(items[-1], filters.sort) if more else None}


@router.get("/queue/counts", response=list[StateCountOut])
def queue_counts(request, organisation: int | None = None):
    org = selectors.queue_organisation_get(request.user, organisation)
    return [{"state": s, "label": label, "count": n} for s, label, n in selectors.queue_state_counts(org)]


class LateHandoverOut(Schema):
    dossier_id: int
    applicant: str
    unit: str
    state: str
    due: dt.datetime
    why: str
    arrived_at: dt.datetime | None


class HandoverOut(Schema):
    organisation_id: int
    missing_count: int
    missing: list[LateHandoverOut]
    late_count: int
    late: list[LateHandoverOut]


def _late(row: selectors.LateHandover) -> dict[str, Any]:
    d = row.dossier
    return {"dossier_id": d.pk, "applicant": d.applicant.real_name or d.applicant.username, "unit": d.organisation.name,
            "state": d.state, "due": row.due, "why": row.why, "arrived_at": row.arrived_at}


@router.get("/queue/handover", response=HandoverOut)
def queue_handover(request, organisation: int | None = None):
    """For a review department: its units' dossiers that did not arrive by their hand-over instant (the unit can no
    longer send them), and those that arrived at or after it, each with why (§四(三); the first 50 of each)."""
    org = selectors.queue_organisation_get(request.user, organisation)
    missing_count, missing = selectors.handover_missing(org)
    late_count, late = selectors.handover_late_arrivals(org)
    return {"organisation_id": org.pk, "missing_count": missing_count, "missing": [_late(r) for r in missing],
            "late_count": late_count, "late": [_late(r) for r in late]}


def _bulk(request, payload: BulkIn, applying: bool) -> dict[str, Any]:
    organisation = selectors.queue_organisation_get(request.user, payload.organisation)
    action = bulk_action_get(payload.action, organisation)
    dossiers, missing = selectors.queue_dossiers_by_ids(organisation, payload.ids)
    params = {"reason": payload.reason, "starts_on": payload.starts_on or "", "data": payload.data}
    if applying:
        result = bulk_apply(actor=request.user, dossiers=dossiers, action=action, params=params, ip=client_ip(request))
    else:
        result = bulk_preview(actor=request.user, dossiers=dossiers, action=action, params=params)
    lines = [{"dossier_id": line.dossier.pk, "ok": line.ok, "message": str(line.message), "code": line.code}
             for line in result.lines]
    return {"action": action.key, "applied": applying, "lines": lines, "missing": missing}


@router.post("/bulk/preview", response=BulkOut)
def bulk_preview_api(request, payload: BulkIn):
    """What the action would do to each selected dossier, or why it would be skipped; nothing is written."""
    return _bulk(request, payload, applying=False)


@router.post("/bulk/apply", response=BulkOut)
def bulk_apply_api(request, payload: BulkIn):
    """Apply the action, one transaction per dossier: the result lists what was done and what failed."""
    return _bulk(request, payload, applying=True)


class TimelineEntryOut(Schema):
    when: dt.datetime
    who: str
    what: str
    detail: str
    return_id: int | None


class ReviewTimeOut(Schema):
    started_at: dt.datetime
    ended_at: dt.datetime
    gross_seconds: int
    answering_seconds: int
    net_seconds: int
    finished: bool


class TimelineOut(Schema):
    entries: list[TimelineEntryOut]
    review_time: ReviewTimeOut | None


@router.get("/dossiers/{int:pk}/timeline", response=TimelineOut)
def timeline_get(request, pk: int):
    """The dossier's history (who, when, what) and the department's review time net of answer time."""
    dossier = dossier_get_for(request.user, pk)
    context = selectors.timeline_context(dossier, viewer=request.user)
    review = context["review_time"]
    return {
        "entries": [{"when": e.when, "who": e.who, "what": str(e.what), "detail": e.detail,
                     "return_id": getattr(e.return_request, "pk", None)} for e in context["timeline"]],
        "review_time": None if review is None else {
            "started_at": review.started_at, "ended_at": review.ended_at, "finished": review.finished,
            "gross_seconds": int(review.gross.total_seconds()), "net_seconds": int(review.net.total_seconds()),
            "answering_seconds": int(review.answering.total_seconds()),
        },
    }
