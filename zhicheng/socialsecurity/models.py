"""The social-security bureau's contribution file, its rows, and the per-dossier check against them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhicheng.core.models import TimeStampedModel


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ContributionImport(TimeStampedModel):
    """One upload of the bureau's file for a campaign; parsed in the background, row by row."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("年度评审"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("文件"), upload_to="socialsecurity/%Y/%m/", max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    file_format = models.CharField(_("文件格式"), max_length=20, blank=True)  # csv-utf-8, csv-gb18030, xlsx
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("数据行数"), default=0)
    rows_ok = models.PositiveIntegerField(_("有效行数"), default=0)
    rows_bad = models.PositiveIntegerField(_("错误行数"), default=0)
    # [{line, field, message_zh, message_en}], the first ERRORS_KEPT only; rows_bad counts them all
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    failure_zh = models.TextField(_("失败原因"), blank=True)
    failure_en = models.TextField(_("失败原因（英文）"), blank=True)
    dossiers_matched = models.PositiveIntegerField(_("匹配申报人数"), default=0)

    class Meta:
        verbose_name = _("社保数据导入")
        verbose_name_plural = _("社保数据导入")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class ContributionRecord(models.Model):
    """One month paid for one person by one unit, as the bureau reports it."""

    contribution_import = models.ForeignKey(
        ContributionImport, verbose_name=_("导入批次"), on_delete=models.CASCADE, related_name="records"
    )
    line = models.PositiveIntegerField(_("行号"))
    id_number = models.CharField(_("身份证号"), max_length=18)
    month = models.DateField(_("缴费月份"), help_text=_("当月 1 日"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    unit_name = models.CharField(_("单位名称"), max_length=200)

    class Meta:
        verbose_name = _("社保缴费记录")
        verbose_name_plural = _("社保缴费记录")
        indexes = [
            models.Index(fields=["id_number", "month"], name="socsec_record_person_month"),
            models.Index(fields=["contribution_import", "id_number"], name="socsec_record_import_person"),
        ]

    def __str__(self) -> str:
        return f"{self.id_number} {self.month:%Y-%m} {self.credit_code}"


class ContributionCheck(models.Model):
    """R-SOCSEC re-run on the bureau's months for one dossier, and where the declaration differs from them."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("申报材料"), on_delete=models.CASCADE, related_name="+"
    )
    contribution_import = models.ForeignKey(
        ContributionImport, verbose_name=_("导入批次"), on_delete=models.CASCADE, related_name="checks"
    )
    findings = models.JSONField(_("核验结论"), default=list)  # R-SOCSEC findings (eligibility finding_as_dict)
    mismatches = models.JSONField(_("不一致"), default=list)  # [{kind, month, credit_code, unit_name}]
    socsec_ok = models.BooleanField(_("社保核验通过"))
    mismatch_count = models.PositiveIntegerField(_("不一致月数"), default=0)
    bureau_months = models.PositiveIntegerField(_("社保记录月数"), default=0)
    is_current = models.BooleanField(_("当前结论"), default=True)  # a later import for the person supersedes it
    checked_at = models.DateTimeField(_("核验时间"))

    class Meta:
        verbose_name = _("社保核验结果")
        verbose_name_plural = _("社保核验结果")
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["is_current", "socsec_ok", "mismatch_count"], name="socsec_check_filter")]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(is_current=True), name="socsec_check_one_current"),
        ]

    def __str__(self) -> str:
        return f"dossier {self.dossier_id} / import {self.contribution_import_id}"
