"""Background work: re-evaluate a campaign's dossiers after the office edits a threshold."""

from __future__ import annotations

from django_tasks import task

from .models import RecheckRun


@task()
def eligibility_recheck_campaign(run_id: int) -> dict:
    """Run a recorded RecheckRun; its row shows the progress while it goes."""
    from .services import recheck_run_execute

    run = recheck_run_execute(run=RecheckRun.objects.get(pk=run_id))
    return {"total": run.total, "dossiers_changed": run.dossiers_changed, "findings_changed": run.findings_changed}
