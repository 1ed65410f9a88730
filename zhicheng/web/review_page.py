"""The reviewer's dossier page: the header facts, where the dossier stands in my queue, and the panels apart.

`panels.composed` swaps the dossiers app's read view for this page when the viewer is not the applicant: the same
sections and versions, the decision panel (with the viewer's messages) beside them, the checklist and the history
as tabs of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.selectors import dossier_versions
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


def review_page_context(request: HttpRequest, dossier: Dossier, *, versions: Sequence[Any] | None = None,
                        checklist: dict[str, Any] | None = None) -> dict[str, Any]:
    """The header's facts; `versions` (the page's versions, in order) and `checklist` (the checklist panel's
    context) are what the page already read, passed so that neither is read twice (issue 11's query budget)."""
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
        "latest_diff": latest_diff,
        "neighbours": neighbours,
        "blocking_count": getattr(latest, "blocking_count", None) or 0,
        "held_by": mine if mine is not None and mine.pk == dossier.held_by_id else dossier.held_by,
        "held_since": dossier.held_since,
    }
