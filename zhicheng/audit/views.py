"""Read-only audit pages for the audit admin and the discipline observer."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from zhicheng.accounts.permissions import can_read_audit
from zhicheng.core.permissions import require_page

from . import selectors
from .forms import EventFilterForm

PAGE_SIZE = 50


def _audit_readers_only(request) -> None:
    require_page(can_read_audit(request.user))


@login_required
def events(request):
    """Audit events, newest first, with filters."""
    _audit_readers_only(request)
    form = EventFilterForm(request.GET or None, organisation_choices=selectors.organisation_choices())
    filters = form.filters() if form.is_bound else {}
    page = Paginator(selectors.audit_event_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    names = selectors.organisation_names(e.organisation_id for e in page)
    rows = [(e, names.get(e.organisation_id, e.organisation_id or "")) for e in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode(),
               "event_types": selectors.audit_event_types(), "anchor_status": selectors.audit_anchor_status()}
    return render(request, "audit/events.html", context)


@login_required
def event_detail(request, pk: int):
    """One event: its data and its place in the chain."""
    _audit_readers_only(request)
    event = selectors.audit_event_get(pk=pk)
    if event is None:
        raise Http404
    data_json = json.dumps(event.data, ensure_ascii=False, indent=2, sort_keys=True)
    organisation = selectors.organisation_names([event.organisation_id]).get(event.organisation_id, "")
    context = {"event": event, "data_json": data_json, "organisation": organisation}
    return render(request, "audit/event_detail.html", context)


@login_required
def verify(request):
    """Run the chain check and show the verdict."""
    _audit_readers_only(request)
    context = {"result": selectors.audit_chain_verify(), "anchor_status": selectors.audit_anchor_status()}
    return render(request, "audit/verify.html", context)
