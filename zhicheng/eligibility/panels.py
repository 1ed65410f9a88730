"""Eligibility's panel on the dossier pages: the checklist of findings, with the viewer's actions."""

from __future__ import annotations

from django.http import HttpRequest

from zhicheng.core.panels import Panel
from zhicheng.dossiers.models import Dossier

from .views import checklist_context


def checklist_panel(request: HttpRequest, dossier: Dossier) -> Panel:
    """Everyone who may open the dossier sees its checklist (refreshed by htmx)."""
    return Panel("eligibility/_checklist.html", checklist_context(request, dossier))
