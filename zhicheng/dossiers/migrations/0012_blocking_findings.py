"""The latest eligibility check's blocking count on the dossier row, and the partial index the queues' blocking
filter and count read (filled from the stored checks by eligibility/0006_blocking_findings_fill)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_user_notifications_unread'),
        ('campaigns', '0002_account_reset_and_capacity'),
        ('catalog', '0005_national_conditions'),
        ('dossiers', '0011_queue_counts_applicant_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='blocking_findings',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='不符合项数'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(condition=models.Q(('blocking_findings__gt', 0)), fields=['held_by', 'state_changed_at', 'id'],
                               include=('state',), name='dossier_queue_blocking'),
        ),
    ]
