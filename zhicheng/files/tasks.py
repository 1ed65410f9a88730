"""Background work of the files app: previews (in a capped child process) and the periodic clean-up."""

from __future__ import annotations

from django_tasks import task


@task()
def preview_make_task(stored_file_id: int) -> dict:
    """Make the preview of one stored file; the record says ready or unavailable (and why) afterwards."""
    from .models import StoredFile
    from .previews import preview_make

    stored = StoredFile.objects.filter(pk=stored_file_id).first()
    if stored is None:  # its upload was rolled back after the task was queued
        return {"status": "gone"}
    stored = preview_make(stored)
    return {"status": stored.preview_status, "failure": stored.preview_failure}


@task()
def files_gc_task(dry_run: bool = False) -> dict:
    """The periodic run of `manage.py files_gc` (see docs/operations.md)."""
    from .gc import files_gc

    report = files_gc(dry_run=dry_run)
    return {"removed": [*report.temp_removed, *report.stored_removed], "dry_run": dry_run}
