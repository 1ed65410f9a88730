"""The base model, and the office's working-day calendar data (overrides and confirmed year schedules)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for domain models: when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class HolidayOverride(TimeStampedModel):
    """The office's word on one date, winning over the packaged State Council schedule."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=OverrideKind.choices)
    name = models.CharField(_("名称"), max_length=60, help_text=_("例如：国庆节、国庆节调休"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"

    @property
    def is_working_day(self) -> bool:
        return self.kind == OverrideKind.WORKDAY


class CalendarYearSchedule(TimeStampedModel):
    """The office confirmed it entered the State Council schedule of this year (needed for years the package lacks)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    note = models.CharField(_("备注"), max_length=200, blank=True, help_text=_("例如：国务院办公厅通知文号"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class CalendarRevision(models.Model):
    """One row counting calendar changes, so every process can tell cheaply that its cache is stale."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"calendar revision {self.number}"
