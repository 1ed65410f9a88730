"""Background work: the batch issue of a title document's certificates (idempotent, resumable)."""

from __future__ import annotations

from django_tasks import task


@task()
def certificates_issue_task(run_id: int) -> dict:
    """Issue every certificate of the run's document not issued yet; after a crash, run it again (or start a new
    run): certificates already issued are skipped, one being issued by another worker is left to it."""
    from .services import certificates_issue_run

    run = certificates_issue_run(run_id=run_id)
    return {"run": run.pk, "done": run.done, "total": run.total}
