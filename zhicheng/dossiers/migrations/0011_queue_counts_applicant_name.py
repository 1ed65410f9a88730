"""The maintained queue counts and the applicant's name on the dossier, both kept by triggers (summary_sql.py)."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    from zhicheng.dossiers import summary_sql

    summary_sql.applicant_names_fill(schema_editor.connection)
    summary_sql.queue_counts_rebuild(schema_editor.connection)
    summary_sql.triggers_install(schema_editor.connection)


def backwards(apps, schema_editor):
    from zhicheng.dossiers import summary_sql

    summary_sql.triggers_drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '__first__'),
        ('dossiers', '0010_section_counts'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='applicant_name',
            field=models.CharField(blank=True, default='', editable=False, max_length=60, verbose_name='申报人姓名'),
        ),
        migrations.CreateModel(
            name='QueueCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('holder', models.BigIntegerField(verbose_name='办理单位')),
                ('state', models.CharField(max_length=20, verbose_name='状态')),
                ('n', models.IntegerField(default=0, verbose_name='数量')),
                ('unit', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE,
                                           related_name='+', to='accounts.organisation', verbose_name='申报单位')),
            ],
            options={
                'verbose_name': '队列计数',
                'verbose_name_plural': '队列计数',
                'constraints': [models.UniqueConstraint(fields=('holder', 'state', 'unit'), name='queuecount_key')],
            },
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['held_by', 'applicant_name', 'id'], name='dossier_queue_name'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
