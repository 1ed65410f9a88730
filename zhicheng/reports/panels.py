"""Reports' panel on the dossier page: the archive bundle, for the title office and the unit, once evaluated."""

from __future__ import annotations

from django.http import HttpRequest

from zhicheng.core.panels import Panel
from zhicheng.dossiers.models import Dossier

from .archive_scope import ARCHIVE_STATES
from .permissions import can_download_archive


def archive_panel(request: HttpRequest, dossier: Dossier) -> Panel | None:
    if dossier.state not in ARCHIVE_STATES or not can_download_archive(request.user, dossier):
        return None
    return Panel("reports/_archive_panel.html", {"dossier": dossier})
