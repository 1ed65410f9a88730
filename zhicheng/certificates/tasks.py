"""Background work: the batch issue of a title document's certificates (idempotent, resumable)."""

from __future__ import annotations

from django_tasks import task


@task()
def certificates_issue_task(run_id: int, first_id: int | None = None, last_id: int | None = None) -> dict:
    """Issue the run's document's certificates not issued yet (those with ids in [first_id, last_id]: one chunk;
    all when not given); after a crash, run it again (or start a new run): certificates already issued are
    skipped, one being issued by another worker is left to it."""
    from .services import certificates_issue_run

    run = certificates_issue_run(run_id=run_id, first_id=first_id, last_id=last_id)
    return {"run": run.pk, "done": run.done, "total": run.total}
