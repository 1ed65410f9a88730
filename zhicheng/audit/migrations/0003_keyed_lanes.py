"""Switch-over to the keyed audit lanes (decision "Audit lanes").

Every existing row becomes chain 0, the legacy SHA-256 chain, exactly as it was hashed (nothing is
rewritten). Its head is copied into AuditChain row 0 with `closed_at`: nothing is appended to chain 0
again, and each keyed lane's genesis hash is an HMAC over that (seq, hash). The lane heads 1..N are
created after migrate (post_migrate), since they need the key. On SQLite, dropping the unique index on
`seq` rebuilds the table, which drops its triggers: the last step puts them back.
"""

import importlib

from django.db import migrations, models
from django.utils import timezone

GENESIS_HASH = "0" * 64


def close_legacy_chain(apps, schema_editor):
    head_model = apps.get_model("audit", "AuditChainHead")
    chain_model = apps.get_model("audit", "AuditChain")
    event_model = apps.get_model("audit", "AuditEvent")
    head = head_model.objects.filter(id=1).first()
    if head is None and not event_model.objects.exists():
        return  # a new installation: no legacy chain
    seq, digest = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    chain_model.objects.create(id=0, last_seq=seq, last_hash=digest, closed_at=timezone.now())


def reinstall_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL altered the table in place; its triggers are still there
    importlib.import_module("zhicheng.audit.migrations.0002_append_only_triggers").install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="auditevent", name="chain", field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AlterField(model_name="auditevent", name="seq", field=models.PositiveBigIntegerField()),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="audit_event_chain_seq_unique"),
        ),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["-id"], "verbose_name": "审计事件", "verbose_name_plural": "审计事件"},
        ),
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("last_seq", models.PositiveBigIntegerField(default=0)),
                ("last_hash", models.CharField(max_length=64)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "审计链", "verbose_name_plural": "审计链"},
        ),
        migrations.RunPython(close_legacy_chain, migrations.RunPython.noop),
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
