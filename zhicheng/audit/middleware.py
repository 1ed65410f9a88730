"""One audit row per request that read someone else's personal data or was refused (finding 14).

Views and selectors only note (zhicheng.core.access); this middleware writes after the response, outside
the view's transaction, so a refusal that rolled the view back is still recorded. What is written:
- `access.denied`: a refusal noted by a permission check or selector, or any 403/404 answered to a
  signed-in user (API token users included);
- `access.read`: a GET/HEAD that read a dossier or evidence of somebody else (staff, observer).
An applicant reading their own dossier writes nothing, and anonymous 403/404s are not recorded (public
pages and scanners would flood the trail; failed log-ins are audited on their own).
"""

from __future__ import annotations

from zhicheng.core.access import DENIED, READ, AccessNote, access_collect_begin, access_collect_end
from zhicheng.core.http import client_ip

from .events import EventType
from .services import audit_event_record

ACCESS_READ, ACCESS_DENIED = EventType.ACCESS_READ, EventType.ACCESS_DENIED
_SAFE_METHODS = ("GET", "HEAD")
_MAX_NOTES = 20  # a list page never notes this many; bounds the row if one does


def _actor(request, notes: list[AccessNote]):
    for note in notes:
        if getattr(note.user, "is_authenticated", False):
            return note.user
    for candidate in (getattr(request, "auth", None), getattr(request, "user", None)):
        if getattr(candidate, "is_authenticated", False):
            return candidate
    return None


def _described(note: AccessNote) -> dict:
    described = {"kind": note.kind, **note.detail}
    if note.obj is not None:
        described.update(object_type=note.obj._meta.label_lower, object_id=str(note.obj.pk))
    if note.reason:
        described["reason"] = note.reason
    return described


def access_audit(request, status: int, notes: list[AccessNote]) -> None:
    """Write the request's one access row, if it needs one."""
    denied = [n for n in notes if n.kind == DENIED]
    reads = [n for n in notes if n.kind == READ]
    if denied or (status in (403, 404) and not reads):
        event_type, chosen = ACCESS_DENIED, denied
    elif reads and request.method in _SAFE_METHODS:
        event_type, chosen = ACCESS_READ, reads
    else:
        return
    actor = _actor(request, notes)
    if actor is None:
        return
    first = next((n for n in chosen if n.obj is not None), None)
    data = {"method": request.method, "path": request.path[:500], "status": status,
            "notes": [_described(n) for n in chosen[:_MAX_NOTES]]}
    audit_event_record(
        event_type=event_type, actor=actor, obj=first.obj if first else None,
        organisation=next((n.organisation_id for n in chosen if n.organisation_id), None),
        data=data, ip=client_ip(request),
    )


class AccessAuditMiddleware:
    """Collect the request's access notes; after the response, write at most one audit row."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = access_collect_begin()
        try:
            response = self.get_response(request)
        finally:
            notes = access_collect_end(token)
        access_audit(request, response.status_code, notes)
        return response
