"""Fill the users' stored unread counts (accounts 0005) from the notifications already there."""

from django.db import migrations
from django.db.models import Count


def backfill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Notification = apps.get_model("notifications", "Notification")
    counts = (Notification.objects.filter(read_at__isnull=True).values("recipient_id")
              .annotate(n=Count("id")).values_list("recipient_id", "n"))
    for user_id, n in counts.iterator():
        User.objects.filter(pk=user_id).update(notifications_unread=n)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_user_notifications_unread'),
        ('notifications', '0001_outbox'),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
