"""Test set-up for publicity: dossiers put straight into UNIT_PASSED, and published batches."""

from __future__ import annotations

import datetime as dt

from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.tests.factories import at, dossier_for

ID_NUMBER_PHONE = "13912345678"


def passed_dossier(applicant, campaign, **fields) -> Dossier:
    """A dossier in UNIT_PASSED (set directly: unit review is another app's job); extra fields set as given."""
    with at("2024-10-01T10:00:00+08:00"):
        dossier = dossier_for(applicant, campaign)
    if not applicant.phone:
        applicant.phone = ID_NUMBER_PHONE
        applicant.save(update_fields=["phone"])
    Dossier.objects.filter(pk=dossier.pk).update(
        state=DossierState.UNIT_PASSED, submitted_at=dt.datetime(2024, 10, 5, 9, tzinfo=dt.UTC), **fields
    )
    dossier.refresh_from_db()
    return dossier


def published(actor, dossiers, starts_on: str, *, now: str | None = None):
    """Publish dossiers starting on a date (the clock at 08:00 that day unless given)."""
    from zhicheng.publicity.services import publicity_publish

    with at(now or f"{starts_on}T08:00:00+08:00"):
        return publicity_publish(actor=actor, dossiers=dossiers, starts_on=dt.date.fromisoformat(starts_on))
