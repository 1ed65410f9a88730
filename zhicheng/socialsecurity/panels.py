"""Social security's panel on the reviewer's dossier page: the bureau's verdict and mismatches."""

from __future__ import annotations

from django.http import HttpRequest

from zhicheng.core.panels import Panel
from zhicheng.dossiers.models import Dossier

from .models import ContributionCheck
from .permissions import can_view_checks


def check_panel(request: HttpRequest, dossier: Dossier) -> Panel | None:
    """The current check, never to the applicant and only to those who may read the bureau's data."""
    if dossier.applicant_id == request.user.pk or not can_view_checks(request.user):
        return None
    check = ContributionCheck.objects.filter(dossier=dossier, is_current=True).first()
    return Panel("socialsecurity/_dossier_check.html", {"check": check}) if check else None
