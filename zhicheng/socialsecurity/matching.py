"""Match an import's people to the campaign's dossiers by ID number and store one check per dossier.

A later import supersedes earlier ones for the ID numbers it contains (docs/decisions.md): the check it
stores becomes the dossier's current one, people absent from it keep the check of their last import.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.eligibility.selectors import campaign_params, dossier_facts

from .checks import bureau_facts, mismatches, socsec_on_bureau_months, socsec_passes
from .models import ContributionCheck, ContributionImport, ContributionRecord


def import_dossiers(row: ContributionImport):
    """The campaign's submitted, not withdrawn dossiers whose applicant appears in the import."""
    people = ContributionRecord.objects.filter(contribution_import=row).values("id_number")
    return (
        Dossier.objects.filter(campaign_id=row.campaign_id, submitted_at__isnull=False,
                               applicant__id_number__in=people)
        .exclude(state=DossierState.WITHDRAWN).select_related("applicant", "campaign").order_by("pk")
    )


def _newer(row: ContributionImport, current: ContributionCheck | None) -> bool:
    if current is None:
        return True
    other = current.contribution_import
    return (row.uploaded_at, row.pk) >= (other.uploaded_at, other.pk)


def contribution_check_record(*, dossier: Dossier, row: ContributionImport, records, params) -> ContributionCheck:
    """Re-run R-SOCSEC on the bureau's months, list the differences, make it current unless a newer import won."""
    facts = dossier_facts(dossier)
    bureau = bureau_facts(records)
    findings = socsec_on_bureau_months(facts, params, bureau)
    differences = mismatches(facts.social_security, bureau, facts)
    with transaction.atomic():
        Dossier.objects.select_for_update().filter(pk=dossier.pk).first()  # one import at a time per dossier
        current = (ContributionCheck.objects.select_for_update().select_related("contribution_import")
                   .filter(dossier=dossier, is_current=True).first())
        newer = _newer(row, current)
        if newer and current is not None:
            ContributionCheck.objects.filter(pk=current.pk).update(is_current=False)
        return ContributionCheck.objects.create(
            dossier=dossier, contribution_import=row, findings=findings, mismatches=differences,
            socsec_ok=socsec_passes(findings), mismatch_count=len(differences), bureau_months=len(bureau),
            is_current=newer, checked_at=timezone.now(),
        )


def contribution_import_match(row: ContributionImport) -> int:
    """Check every matched dossier; returns how many there were."""
    params_by_target: dict = {}
    matched = 0
    for dossier in import_dossiers(row).iterator(chunk_size=200):
        key = (dossier.series_id, dossier.level_id)
        if key not in params_by_target:
            params_by_target[key] = campaign_params(dossier.campaign, series=dossier.series_id, level=dossier.level_id)
        records = ContributionRecord.objects.filter(contribution_import=row, id_number=dossier.applicant.id_number)
        contribution_check_record(dossier=dossier, row=row, records=records, params=params_by_target[key])
        matched += 1
    return matched
