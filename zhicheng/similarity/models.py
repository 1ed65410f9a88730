"""A paper's similarity result (§六(七)): from the office for a CNKI-indexed paper, from the unit otherwise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SimilaritySource(models.TextChoices):
    OFFICE = "office", _("职改办（知网收录论文查重）")
    UNIT = "unit", _("用人单位（未收录论文，单位盖章的知网查重报告单）")


class SimilarityResult(models.Model):
    """The one current result of a paper; a correction replaces it (the audit log keeps every earlier value).

    The paper is named by its id, like evidence files: an applicant may delete the row of a draft, and the
    result stays on record.
    """

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="similarity_results")
    achievement_id = models.PositiveBigIntegerField(_("论文"), unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=SimilaritySource.choices)
    percent = models.DecimalField(_("去除引用文献复制比（%）"), max_digits=5, decimal_places=2)
    reference_no = models.CharField(_("检测编号"), max_length=60, blank=True)
    report = models.FileField(_("查重报告单"), upload_to="similarity/%Y/%m/", max_length=255, blank=True)
    report_name = models.CharField(_("报告单原文件名"), max_length=255, blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_by_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("论文查重结果")
        verbose_name_plural = _("论文查重结果")
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__gte=0, percent__lte=100),
                                   name="similarity_percent_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id}: {self.percent}%"
