"""Read-only audit pages for the audit admin and the discipline observer."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from zhicheng.accounts.permissions import can_read_audit
from zhicheng.audit import selectors
from zhicheng.audit.events import EventType, event_label
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.objects import data_rows, object_description, object_descriptions, object_type_choices
from zhicheng.core.permissions import require_page

from .forms import EventFilterForm

PAGE_SIZE = 50


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    label: str
    organisation: str
    object: str


def _audit_readers_only(request) -> None:
    require_page(can_read_audit(request.user))


@login_required
def events(request):
    """Audit events, newest first, with filters; each named by its label and its object described."""
    _audit_readers_only(request)
    form = EventFilterForm(
        request.GET or None, organisation_choices=selectors.organisation_choices(),
        stored_event_types=selectors.audit_event_types(),
        object_type_choices=object_type_choices(selectors.audit_object_types()),
    )
    filters = form.filters() if form.is_bound else {}
    page = Paginator(selectors.audit_event_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    names = selectors.organisation_names(e.organisation_id for e in page)
    objects = object_descriptions((e.object_type, e.object_id) for e in page)
    rows = [
        EventRow(e, event_label(e.event_type), names.get(e.organisation_id, e.organisation_id or ""),
                 objects.get((e.object_type, e.object_id), ""))
        for e in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode(),
               "anchor_status": selectors.audit_anchor_status()}
    return render(request, "audit/events.html", context)


@login_required
def event_detail(request, pk: int):
    """One event: its data and its place in the chain."""
    _audit_readers_only(request)
    event = selectors.audit_event_get(pk=pk)
    if event is None:
        raise Http404
    organisation = (selectors.organisation_names([event.organisation_id]).get(event.organisation_id, "")
                    if event.organisation_id is not None else "")
    area = EventType.area_of(event.event_type)
    context = {"event": event, "data_rows": data_rows(event.data), "organisation": organisation,
               "label": event_label(event.event_type), "area": area.label if area else "",
               "object": object_description(event.object_type, event.object_id)}
    return render(request, "audit/event_detail.html", context)


@login_required
def verify(request):
    """Run the chain check and show the verdict."""
    _audit_readers_only(request)
    context = {"result": selectors.audit_chain_verify(), "anchor_status": selectors.audit_anchor_status()}
    return render(request, "audit/verify.html", context)
