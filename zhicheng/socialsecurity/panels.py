"""Social security's panel on the reviewer's dossier page: the bureau's verdict and mismatches."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from zhicheng.core.panels import Panel
from zhicheng.dossiers.models import Dossier

from .models import ContributionCheck
from .permissions import can_view_checks


def check_panel(request: HttpRequest, dossier: Dossier) -> Panel | None:
    """The current check, never to the applicant and only to those who may read the bureau's data."""
    if dossier.applicant_id == request.user.pk or not can_view_checks(request.user):
        return None
    if getattr(dossier, "zc_has_socsec_check", True) is False:  # the page's read found none (detail_read)
        return None
    check = ContributionCheck.objects.filter(dossier=dossier, is_current=True).first()
    return Panel("socialsecurity/_dossier_check.html", {"check": check}) if check else None


def detail_read(qs, user):
    """For dossiers.hooks.DETAIL_READS: whether the dossier has a current check, in the dossier page's one read
    (an EXISTS), so that the common case — none — costs the panel no query."""
    return qs.annotate(zc_has_socsec_check=Exists(
        ContributionCheck.objects.filter(dossier_id=OuterRef("pk"), is_current=True)))
