"""Background work: the signed meeting's tally sheet and minutes, drawn once the chair's sign-off has committed."""

from __future__ import annotations

from django_tasks import task


@task()
def meeting_documents_make(meeting_id: int) -> bool:
    from .services import meeting_documents_archive

    return meeting_documents_archive(meeting_id=meeting_id)
