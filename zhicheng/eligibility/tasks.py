"""Background work: re-check a dossier after an edit commits; re-evaluate a campaign's dossiers after the office edits a
threshold."""

from __future__ import annotations

from django_tasks import task

from .models import RecheckRun


@task()
def eligibility_recheck_campaign(run_id: int) -> dict:
    """Run a recorded RecheckRun; its row shows the progress while it goes."""
    from .services import recheck_run_execute

    run = recheck_run_execute(run=RecheckRun.objects.get(pk=run_id))
    return {"total": run.total, "dossiers_changed": run.dossiers_changed, "findings_changed": run.findings_changed}


@task()
def eligibility_recheck_dossier(dossier_id: int, revision: int = 0) -> str:
    """Re-check one dossier after an edit committed (services.on_dossier_changed)."""
    from .services import eligibility_recheck_after_edit

    return eligibility_recheck_after_edit(dossier_id=dossier_id, revision=revision)
