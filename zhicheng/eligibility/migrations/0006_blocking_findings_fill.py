"""Fill Dossier.blocking_findings from each dossier's latest check (the order of selectors.eligibility_latest:
newest computed_at, then highest id); dossiers never checked keep None. One statement, so it runs in the
database rather than one query per dossier (1 M rows at national scale)."""

from django.db import migrations

FILL = """
UPDATE dossiers_dossier SET blocking_findings = (
    SELECT c.blocking_count FROM eligibility_eligibilitycheck c
    WHERE c.dossier_id = dossiers_dossier.id ORDER BY c.computed_at DESC, c.id DESC LIMIT 1)
WHERE EXISTS (SELECT 1 FROM eligibility_eligibilitycheck c WHERE c.dossier_id = dossiers_dossier.id)
"""


def fill(apps, schema_editor):
    schema_editor.execute(FILL)


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0012_blocking_findings"),
        ("eligibility", "0005_recheck_pending_marker"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
