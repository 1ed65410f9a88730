"""Record every password set: account creation, a change, an admin's reset (whichever view or service does it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .models import PasswordSet

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="accountreset_password_before")
def _remember_old_hash(sender, instance, **kwargs) -> None:
    if getattr(instance, "password_rehashed", False):  # the same password at a new hashing cost (log-in)
        instance.password_rehashed = False
        instance._accountreset_password_changed = False
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first() if instance.pk else None
    instance._accountreset_password_changed = instance.password != old and instance.has_usable_password()


@receiver(post_save, sender=User, dispatch_uid="accountreset_password_after")
def _record_password_set(sender, instance, raw=False, **kwargs) -> None:
    if raw or not getattr(instance, "_accountreset_password_changed", False):
        return
    instance._accountreset_password_changed = False
    PasswordSet.objects.create(user=instance, at=timezone.now())
