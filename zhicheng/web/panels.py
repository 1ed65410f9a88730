"""The dossier pages composed from each app's panel: which panels, in which slot, in which order.

`dossiers` renders its own content with a slot (`panels.beside`, `panels.after`) and knows nothing of the apps
above it; each of those apps answers in its `panels.py` whether to show something for this dossier and viewer.
`urls_dossiers` serves the dossiers' views through `composed()`, which fills the slots.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString, mark_safe

from zhicheng.committees.panels import defence_slot_panel, evaluation_panel
from zhicheng.core.panels import Panel, PanelFunc
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.views import dossier_state_context
from zhicheng.eligibility.panels import CHECKLIST_TEMPLATE as checklist_panel_template
from zhicheng.eligibility.panels import checklist_panel
from zhicheng.reports.panels import archive_panel
from zhicheng.review.panels import decision_panel, timeline_panel
from zhicheng.socialsecurity.panels import check_panel

from . import review_page


def _owner_only(panel: PanelFunc) -> PanelFunc:
    def for_owner(request: HttpRequest, dossier: Dossier) -> Panel | None:
        return panel(request, dossier) if dossier.applicant_id == request.user.pk else None

    return for_owner


# page (the dossiers URL name) -> slot -> panels, top to bottom
DOSSIER_PAGES: dict[str, dict[str, Sequence[PanelFunc]]] = {
    "detail": {"beside": [checklist_panel, decision_panel, evaluation_panel, defence_slot_panel, check_panel,
                          archive_panel],
               "after": [timeline_panel]},
    "mine": {"beside": [checklist_panel, defence_slot_panel]},
    "pledge": {"beside": [checklist_panel]},
    "section": {"after": [_owner_only(checklist_panel)]},
}
# The reviewer's page (the detail page for anyone but the applicant, review_page.py): each panel in a place of its own
REVIEW_PAGE: dict[str, Sequence[PanelFunc]] = {
    "side": [decision_panel, evaluation_panel, check_panel, archive_panel], "checklist": [checklist_panel],
    "history": [timeline_panel],
}


def panels_render(request: HttpRequest, dossier: Dossier, slots: dict[str, Sequence[PanelFunc]],
                  shown: dict[str, dict[str, Any]] | None = None) -> dict[str, str]:
    """Each slot's panels rendered in order (a panel answering None is left out); `shown` collects each rendered
    panel's context by its template, for the page around them to reuse what the panels read."""
    rendered: dict[str, str] = {}
    for slot, panels in slots.items():
        parts: list[SafeString] = []
        for panel_for in panels:
            panel = panel_for(request, dossier)
            if panel is not None:
                if shown is not None:
                    shown[panel.template] = panel.context
                parts.append(mark_safe(render_to_string(panel.template, panel.context, request)))  # noqa: S308
        rendered[slot] = mark_safe("".join(parts))  # noqa: S308  (templates rendered with autoescape)
    return rendered


def _eligibility_refresh(request: HttpRequest, context: dict[str, Any], dossier: Dossier) -> None:
    """The checklist panel may run the first check (or a re-check) while it renders; the summary, the header and
    "next step" were read before it, and would say "未检查" beside a checklist saying "全部符合". Read them again
    when the stored status moved."""
    if "eligibility" not in context:
        return
    # The checklist's check stores its status on this same instance (eligibility_status_store): no query needed.
    if dossier.eligibility_status != context["eligibility"]:
        context.update(dossier_state_context(request, dossier))


def composed(view: Callable[..., HttpResponse], page: str) -> Callable[..., HttpResponse]:
    """The dossiers view, its TemplateResponse given the page's panels before it renders."""
    slots = DOSSIER_PAGES[page]

    @wraps(view)
    def page_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, TemplateResponse) and isinstance(response.context_data, dict):
            dossier = response.context_data.get("dossier")
            if isinstance(dossier, Dossier) and page == "detail" and dossier.applicant_id != request.user.pk:
                response.template_name = review_page.TEMPLATE
                shown: dict[str, dict[str, Any]] = {}
                response.context_data["panels"] = panels_render(request, dossier, REVIEW_PAGE, shown)
                _eligibility_refresh(request, response.context_data, dossier)
                response.context_data.update(review_page.review_page_context(
                    request, dossier, versions=response.context_data.get("versions"),
                    checklist=shown.get(checklist_panel_template), sections=response.context_data.get("sections")))
            elif isinstance(dossier, Dossier):
                response.context_data["panels"] = panels_render(request, dossier, slots)
                _eligibility_refresh(request, response.context_data, dossier)
        return response

    return page_view
