from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_user_password_lifecycle'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='notifications_unread',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='未读通知数'),
        ),
    ]
