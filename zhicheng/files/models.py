"""What a stored file is and how far its preview got; the owning row (evidence, objection ...) names it by `name`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PreviewStatus(models.TextChoices):
    PENDING = "pending", _("预览生成中")
    READY = "ready", _("预览可用")
    UNAVAILABLE = "unavailable", _("无法预览")


class PreviewFailure(models.TextChoices):
    """Why a preview could not be made; shown to staff, never a reason to refuse the file itself."""

    TOO_LARGE = "too_large", _("内容过大，未生成预览")
    MEMORY = "memory", _("生成预览时超出内存限制")
    CPU = "cpu", _("生成预览时超出计算时间限制")
    TIMEOUT = "timeout", _("生成预览超时")
    UNREADABLE = "unreadable", _("文件内容无法生成预览")
    MISSING = "missing", _("文件已不在存储中")


class StoredFile(models.Model):
    """One file in storage, written in the same transaction as the row that owns it (so no row, no record)."""

    name = models.CharField(_("存储名"), max_length=255, unique=True)
    kind = models.CharField(_("类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("存储时间"), auto_now_add=True)
    preview_status = models.CharField(
        _("预览状态"), max_length=12, choices=PreviewStatus.choices, default=PreviewStatus.PENDING
    )
    preview_failure = models.CharField(_("无法预览的原因"), max_length=12, choices=PreviewFailure.choices, blank=True)
    preview_name = models.CharField(_("预览图存储名"), max_length=255, blank=True)
    preview_at = models.DateTimeField(_("预览完成时间"), null=True, blank=True)
    # Previews are made on first view, not on upload: set (once, by a conditional UPDATE) when the task is queued
    preview_queued_at = models.DateTimeField(_("预览排队时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("存储文件")
        verbose_name_plural = _("存储文件")

    def __str__(self) -> str:
        return self.name
