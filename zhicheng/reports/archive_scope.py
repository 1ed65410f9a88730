"""Which dossiers can be archived: the states and the query, apart from the PDF layout (archive.py), so the pages
and services that only ask "can this be archived?" do not load reportlab into every app worker."""

from __future__ import annotations

from django.db.models import QuerySet

from zhicheng.accounts.models import Organisation
from zhicheng.campaigns.models import Campaign
from zhicheng.dossiers.models import Dossier, DossierState

from .permissions import area_ids

S = DossierState
# A dossier whose evaluation has ended (passed or failed, and what follows a result) can be archived
ARCHIVE_STATES = (S.PASSED, S.FAILED, S.IN_RESULT_PUBLICITY, S.RESULT_PUBLICITY_DONE, S.RESULT_OBJECTION_UPHELD,
                  S.CONFERRED, S.REVOKED)


def archive_dossiers_for(organisation: Organisation, campaign: Campaign) -> QuerySet[Dossier]:
    return (Dossier.objects.filter(organisation_id__in=area_ids(organisation), campaign=campaign,
                                   state__in=ARCHIVE_STATES)
            .select_related("applicant", "organisation").order_by("organisation__name", "id"))
