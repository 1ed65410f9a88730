"""Background work: import the bureau's contribution file once it is stored."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from .models import ContributionImport


@task()
def contribution_import_run(import_id: int) -> dict:
    """Run a stored ContributionImport; its row shows the progress while it goes."""
    from .services import contribution_import_execute

    # row messages are stored in Chinese and English side by side, whatever language the uploader's request had
    with translation.override(settings.LANGUAGE_CODE):
        row = contribution_import_execute(row=ContributionImport.objects.get(pk=import_id))
    return {"status": row.status, "rows_ok": row.rows_ok, "rows_bad": row.rows_bad,
            "dossiers_matched": row.dossiers_matched}
