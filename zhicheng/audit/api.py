"""Audit API: read-only, for the audit admin and the discipline observer."""

import datetime as dt
from typing import Any

from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from zhicheng.accounts.permissions import can_read_audit
from zhicheng.core.errors import NotFound
from zhicheng.core.permissions import require

from . import selectors
from .events import EventArea, event_label

router = Router(tags=["audit"])
MAX_ID = 2**63 - 1  # larger numbers would make PostgreSQL fail instead of answering


class EventFilter(Schema):
    event_type: str = ""
    area: EventArea | None = None
    actor: str = ""
    organisation: int | None = Field(None, ge=1, le=MAX_ID)
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class EventOut(Schema):
    id: int
    seq: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    organisation_id: int | None
    event_type: str
    event_label: str
    object_type: str
    object_id: str
    data: dict[str, Any]
    ip: str | None
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_event_label(event) -> str:
        """What a person reads for the event type (clients keep filtering by the code in event_type)."""
        return event_label(event.event_type)


class VerifyOut(Schema):
    ok: bool
    count: int
    seq: int | None
    event_id: int | None
    event_type: str
    message: str


@router.get("/events", response=list[EventOut])
@paginate(PageNumberPagination, page_size=50)
def event_list(request, filters: Query[EventFilter]):
    """Audit events, newest first, filtered."""
    require(can_read_audit(request.user))
    return selectors.audit_event_list(
        event_type=filters.event_type, area=filters.area or "", actor=filters.actor,
        organisation_id=filters.organisation, object_type=filters.object_type, object_id=filters.object_id,
        date_from=filters.date_from, date_to=filters.date_to,
    )


@router.get("/events/{event_id}", response=EventOut)
def event_detail(request, event_id: int = Path(..., ge=1, le=MAX_ID)):
    """One audit event with its data and hashes."""
    require(can_read_audit(request.user))
    event = selectors.audit_event_get(pk=event_id)
    if event is None:
        raise NotFound("not_found", "审计事件不存在", "No such audit event")
    return event


@router.get("/verify", response=VerifyOut)
def verify(request):
    """Walk the hash chain and report the first broken row, or the count."""
    require(can_read_audit(request.user))
    result = selectors.audit_chain_verify()
    return {"ok": result.ok, "count": result.count, "seq": result.seq, "event_id": result.event_id,
            "event_type": result.event_type, "message": result.message}
