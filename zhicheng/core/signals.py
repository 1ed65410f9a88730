"""Keep every process's calendar cache honest: any change to the calendar tables bumps the revision."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarRevision, CalendarYearSchedule, HolidayOverride
from .selectors import calendar_cache_clear


def calendar_revision_bump() -> None:
    """Count one calendar change and forget this process's cache now and again after commit."""
    if not CalendarRevision.objects.filter(id=1).update(number=F("number") + 1):
        CalendarRevision.objects.get_or_create(id=1, defaults={"number": 1})
    calendar_cache_clear()
    # a reader in this process may reload the old rows before we commit; clear once more afterwards
    transaction.on_commit(calendar_cache_clear)


@receiver([post_save, post_delete], sender=HolidayOverride)
@receiver([post_save, post_delete], sender=CalendarYearSchedule)
def _calendar_changed(sender: type, **kwargs: object) -> None:
    calendar_revision_bump()
