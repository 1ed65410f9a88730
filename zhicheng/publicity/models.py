"""Unit publicity (单位公示): batches of dossiers shown to the public for a period, and objections (异议) to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhicheng.campaigns.models import DayUnit, PublicityKind
from zhicheng.core.models import TimeStampedModel


class PublicityBatch(TimeStampedModel):
    """Dossiers of one unit published together for one period; `ends_on` is the last day (inclusive)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("公示单位"), on_delete=models.PROTECT, related_name="publicity_batches"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("年度评审"), on_delete=models.PROTECT, related_name="publicity_batches"
    )
    kind = models.CharField(_("公示类别"), max_length=10, choices=PublicityKind.choices, default=PublicityKind.UNIT)
    starts_on = models.DateField(_("公示开始日"))
    ends_on = models.DateField(_("公示结束日"), help_text=_("含当日"))
    length = models.PositiveSmallIntegerField(_("公示天数"))
    length_unit = models.CharField(_("天数单位"), max_length=10, choices=DayUnit.choices)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位公示")
        verbose_name_plural = _("单位公示")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["ends_on", "starts_on"], name="publicity_batch_period"),
            models.Index(fields=["organisation", "-starts_on"], name="publicity_batch_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.starts_on}–{self.ends_on}"


class EntryKind(models.TextChoices):
    """Which publicity a dossier is in: the unit's before recommending (§六(四)), or the evaluation results (later)."""

    UNIT = "unit", _("单位公示")
    RESULT = "result", _("评审结果公示")


class PublicityEntry(models.Model):
    """One dossier in a batch; what the public sees is read from the dossier, never copied (no private fields).

    A dossier is published at most once per kind: once by its unit, once with the evaluation results.
    """

    batch = models.ForeignKey(PublicityBatch, on_delete=models.PROTECT, related_name="entries")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="publicity_entries")
    kind = models.CharField(_("公示类型"), max_length=10, choices=EntryKind.choices, default=EntryKind.UNIT)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("期满时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示人员")
        verbose_name_plural = _("公示人员")
        ordering = ["batch", "id"]
        constraints = [models.UniqueConstraint(fields=["dossier", "kind"], name="publicityentry_once_per_kind")]

    def __str__(self) -> str:
        return f"entry {self.pk} (dossier {self.dossier_id})"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(models.Model):
    """An objection from anyone; only the SHA-256 of its lookup code is kept (the objector saw the code once)."""

    entry = models.ForeignKey(PublicityEntry, on_delete=models.PROTECT, related_name="objections")
    objector_name = models.CharField(_("异议人姓名"), max_length=60)
    contact = models.CharField(_("联系方式"), max_length=100)
    text = models.TextField(_("异议内容"), max_length=5000)
    file = models.FileField(_("附件"), max_length=255, blank=True)
    file_kind = models.CharField(_("附件类型"), max_length=10, blank=True)
    file_name = models.CharField(_("附件原文件名"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("附件大小（字节）"), null=True, blank=True)
    file_sha256 = models.CharField(_("附件 SHA-256"), max_length=64, blank=True)
    code_hash = models.CharField(_("查询码摘要"), max_length=64, unique=True)
    filed_at = models.DateTimeField(_("提出时间"))
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    status = models.CharField(
        _("处理结果"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    outcome = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["entry", "status"], name="objection_entry_status"),
            models.Index(fields=["ip", "filed_at"], name="objection_ip_filed"),
        ]

    def __str__(self) -> str:
        return f"objection {self.pk} on entry {self.entry_id}"
