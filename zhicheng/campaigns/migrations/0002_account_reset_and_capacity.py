"""§六(八) account reset instant and §四(三) hourly submission capacity.

Existing campaigns get the reset instant at their submission opening (the notice's "10 日后系统将重置" falls on
the system's opening, 9 月 10 日 0 时).
"""

from django.db import migrations, models


def reset_at_opening(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Campaign.objects.update(account_reset_at=models.F("submission_opens_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign", name="account_reset_at",
            field=models.DateTimeField(null=True, verbose_name="系统账号重置时间"),
        ),
        migrations.RunPython(reset_at_opening, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="campaign", name="account_reset_at",
            field=models.DateTimeField(verbose_name="系统账号重置时间"),
        ),
        migrations.AddField(
            model_name="campaign", name="submission_capacity_per_hour",
            field=models.PositiveIntegerField(default=300, verbose_name="每小时提交容量（份）"),
        ),
    ]
