"""Dossier.pledges_void: True only when no pledge on the dossier still stands (an edit then has nothing to void).

False for every existing dossier ("maybe one stands"): its next edit voids as before and sets it. On SQLite the new
NOT NULL column rebuilds the table, which drops the queue-count and applicant-name triggers (summary_sql.py) on it
and breaks the one on accounts_user naming it: they are dropped first and put back after.
"""

from django.db import migrations, models


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from zhicheng.dossiers import summary_sql

        summary_sql.triggers_drop(schema_editor.connection)


def triggers_install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from zhicheng.dossiers import summary_sql

        summary_sql.triggers_install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0012_blocking_findings'),
    ]

    operations = [
        migrations.RunPython(triggers_drop, triggers_install),
        migrations.AddField(
            model_name='dossier',
            name='pledges_void',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name='承诺书均已失效'),
        ),
        migrations.RunPython(triggers_install, triggers_drop),
    ]
