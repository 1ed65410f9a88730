"""Eligibility's panel on the dossier pages: the checklist of findings, with the viewer's actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from zhicheng.core.panels import Panel
from zhicheng.dossiers.models import Dossier

from . import services
from .permissions import can_declare_exemption, can_review_eligibility
from .selectors import eligibility_overview
from .wording import finding_in_words, rule_name

CHECKLIST_TEMPLATE = "eligibility/_checklist.html"


def checklist_context(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    """What the checklist partial needs: the findings with their overrides and exemptions, and who may act."""
    view = eligibility_overview(dossier, services.eligibility_current(dossier=dossier))
    for override in view["overrides"]:
        override.rule_name = rule_name(override.rule)  # read by the template as an attribute
    return {
        **view, "findings": [finding_in_words(f) for f in view["findings"]],
        "dossier": dossier, "here": request.get_full_path(),
        "can_review": bool(can_review_eligibility(request.user, dossier)),
        "can_declare": bool(can_declare_exemption(request.user, dossier)),
        "refresh_url": reverse("eligibility:checklist", args=[dossier.pk]),
    }


def checklist_panel(request: HttpRequest, dossier: Dossier) -> Panel:
    """Everyone who may open the dossier sees its checklist (refreshed by htmx)."""
    return Panel(CHECKLIST_TEMPLATE, checklist_context(request, dossier))
