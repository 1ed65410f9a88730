"""Staggered submission (§四(三) 错峰申报): a unit's suggested submission days for groups of its applicants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionSlot(models.Model):
    """Advice, not a rule: a submission outside its slot is accepted like any other (the notice says 组织…错峰申报)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="submission_slots")
    organisation = models.ForeignKey("accounts.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT,
                                     related_name="submission_slots")
    label = models.CharField(_("批次名称"), max_length=60)
    first_day = models.DateField(_("建议提交开始日"))
    last_day = models.DateField(_("建议提交结束日"))
    applicants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("申报人"), related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("错峰申报批次")
        verbose_name_plural = _("错峰申报批次")
        ordering = ["first_day", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.label} ({self.first_day}–{self.last_day})"
