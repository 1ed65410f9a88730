"""The campaign-start account reset (§六(八)): when each password was set, and each admin's re-confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordSet(models.Model):
    """A password was set (account opened, changed or reset); appended by a signal on every path that saves one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("设置时间"), db_index=True)

    class Meta:
        verbose_name = _("密码设置记录")
        verbose_name_plural = _("密码设置记录")
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.at:%Y-%m-%d %H:%M}"


class RolesReconfirmation(models.Model):
    """An organisation's admin confirmed its three real-name roles after the campaign's reset instant."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"))
    members = models.JSONField(_("确认时的三类实名账号"), default=dict)

    class Meta:
        verbose_name = _("实名角色再确认")
        verbose_name_plural = _("实名角色再确认")
        constraints = [models.UniqueConstraint(fields=["campaign", "organisation"], name="reconfirm_once")]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.campaign_id}"
