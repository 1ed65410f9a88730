"""One requested file: an Excel export of a list, an archive bundle (PDF) or a campaign's bundles (ZIP).

Made by the task worker (`tasks.py`); the row says who asked for what (kind and the filters as on screen), how far
the work got and, when ready, the stored file (private storage, served only through the permission-checking view).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    QUEUE = "queue", _("审核队列")
    DOSSIERS = "dossiers", _("申报材料列表")
    PUBLICITY = "publicity", _("公示名单")
    QUOTAS = "quotas", _("评审计划与使用情况")
    RESULTS = "results", _("评审结果")
    STATISTICS = "statistics", _("年度统计表")
    ARCHIVE = "archive", _("归档材料（PDF）")
    ARCHIVE_BATCH = "archive_batch", _("年度归档材料（ZIP）")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    READY = "ready", _("已完成")
    FAILED = "failed", _("生成失败")


class Export(models.Model):
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("以何机构身份"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("导出内容"), max_length=20, choices=ExportKind.choices)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已完成行数"), default=0)
    file = models.FileField(_("文件"), max_length=255, blank=True)
    file_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出文件")
        verbose_name_plural = _("导出文件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.READY:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
