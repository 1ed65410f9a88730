"""The reviewer's dossier page: the header facts, where the dossier stands in my queue, and the panels apart.

`panels.composed` swaps the dossiers app's read view for this page when the viewer is not the applicant: the same
sections and versions, the decision panel (with the viewer's messages) beside them, the checklist and the history
as tabs of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.selectors import dossier_content_stamp, dossier_versions
from zhicheng.eligibility.selectors import eligibility_latest
from zhicheng.review import selectors as review_selectors
from zhicheng.review.selectors import SORTS, held_by_q

TEMPLATE = "web/dossier_review.html"


def queue_neighbours(user, dossier: Dossier) -> dict[str, Any] | None:
    """Previous and next dossier in the queue of the organisation holding this one (when the viewer works there),
    in the queue's default order (waiting longest first); None when the dossier is in none of the viewer's queues."""
    organisations = {o.pk: o for o in review_selectors.queue_organisations_for(user)}
    org = organisations.get(dossier.held_by_id or dossier.organisation_id)  # returned: listed by the unit
    if org is None:
        return None
    ids = list(Dossier.objects.filter(held_by_q(org)).order_by(*SORTS[review_selectors.DEFAULT_SORT])
               .values_list("pk", flat=True))
    if dossier.pk not in ids:
        return None
    at = ids.index(dossier.pk)
    url = lambda pk: reverse("dossiers:detail", args=[pk])  # noqa: E731
    return {
        "organisation": org, "position": at + 1, "total": len(ids),
        "previous": url(ids[at - 1]) if at > 0 else "", "next": url(ids[at + 1]) if at + 1 < len(ids) else "",
        "queue": reverse("review:queue_for", args=[org.pk]),
    }


REVIEW_SECTIONS_SECONDS = 600


def review_sections_html(dossier: Dossier, sections: Any) -> dict[str, SafeString]:
    """The sections' tabs and panes, rendered once per content (`dossier_content_stamp`: the revision and the last
    change of state) and language, then taken from the cache: the 12 section reads and their rendering are saved on
    every later view, by every reviewer (nothing in them depends on the viewer). `sections` is the view's lazy list,
    read only on a miss. A submitted dossier's content is frozen until a return or a withdrawal, which changes the
    state and so the key."""
    key = f"review-sections:{dossier_content_stamp(dossier)}:{get_language()}"
    parts = cache.get(key)
    if parts is None:
        context = {"sections": list(sections)}
        # the fragments' files end with a newline the page's own template never had: strip it
        parts = {part: render_to_string(f"web/_review_{part}.html", context).rstrip("\n") for part in ("tabs", "panes")}
        cache.set(key, parts, REVIEW_SECTIONS_SECONDS)
    return {part: mark_safe(html) for part, html in parts.items()}  # noqa: S308 - our own templates' output


def review_page_context(request: HttpRequest, dossier: Dossier, *, versions: Sequence[Any] | None = None,
                        sections: Any, checklist: dict[str, Any] | None = None) -> dict[str, Any]:
    """The header's facts and the sections' tabs; `versions` (the page's versions, in order), `sections` (the
    view's lazy list of sections) and `checklist` (the checklist panel's context) are what the page already has,
    passed so that none is read twice (issue 11's query budget)."""
    latest = checklist["check"] if checklist is not None else eligibility_latest(dossier)
    numbers = ([v.number for v in versions] if versions is not None
               else list(dossier_versions(dossier).values_list("number", flat=True)))
    latest_diff = None
    if len(numbers) > 1:  # the last submission against the one before: what the applicant changed
        latest_diff = {"number": numbers[-1],
                       "url": reverse("dossiers:diff", args=[dossier.pk, numbers[-2], numbers[-1]])}
    neighbours = queue_neighbours(request.user, dossier)
    # the holder is most often the viewer's own organisation, already read with the request's memberships
    mine = neighbours["organisation"] if neighbours is not None else None
    return {
        "review_sections": review_sections_html(dossier, sections),
        "latest_diff": latest_diff,
        "neighbours": neighbours,
        "blocking_count": getattr(latest, "blocking_count", None) or 0,
        "held_by": mine if mine is not None and mine.pk == dossier.held_by_id else dossier.held_by,
        "held_since": dossier.held_since,
    }
