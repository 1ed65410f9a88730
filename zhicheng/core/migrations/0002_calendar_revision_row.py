"""Create the single calendar revision row, so the first concurrent writers do not race to create it."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("core", "CalendarRevision").objects.get_or_create(id=1, defaults={"number": 0})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
