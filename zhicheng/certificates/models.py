"""The title document (职称资格文件), one e-certificate per person on it, and revocation (§四(五), §七(三)).

A certificate row is created when the office approves the document (number and verification code fixed then);
the batch task renders, signs and stores its PDF later (`issued_at` set once, so a rerun issues nothing twice).
The full ID number is only in `register` (the signed data), never on the face or in the public answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhicheng.core.models import TimeStampedModel


class TitleDocument(TimeStampedModel):
    """The office's document conferring the titles of the persons listed (their certificates)."""

    office = models.ForeignKey("accounts.Organisation", verbose_name=_("发文单位"), on_delete=models.PROTECT,
                               related_name="title_documents")
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("年度评审"), on_delete=models.PROTECT,
                                 related_name="title_documents")
    number = models.CharField(_("文号"), max_length=80, unique=True)
    issued_on = models.DateField(_("发文日期"))
    heading = models.CharField(_("文件标题"), max_length=200)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("审批时间"))
    pdf = models.FileField(_("文件 PDF"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("职称资格文件")
        verbose_name_plural = _("职称资格文件")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class RevocationReason(models.TextChoices):
    FRAUD = "fraud", _("弄虚作假取得职称")
    FALSE_PLEDGE = "false_pledge", _("违背诚信承诺")
    OTHER = "other", _("其他违纪违规情形")


class Certificate(models.Model):
    """One person's e-certificate; `number` is read by people, `code` (unguessable) is in the QR code."""

    document = models.ForeignKey(TitleDocument, on_delete=models.PROTECT, related_name="certificates")
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="certificate")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("证书编号"), max_length=20, unique=True)
    code = models.CharField(_("验证码"), max_length=20, unique=True)
    holder_name = models.CharField(_("姓名"), max_length=60)
    register = models.JSONField(_("登记数据"))
    sm2_signature = models.CharField(_("SM2 签名"), max_length=160, blank=True)
    pdf = models.FileField(_("证书 PDF"), max_length=255, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=20, choices=RevocationReason.choices, blank=True)
    revoke_document = models.CharField(_("撤销决定文号"), max_length=80, blank=True)
    revoke_note = models.TextField(_("撤销说明"), blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("电子职称证书")
        verbose_name_plural = _("电子职称证书")
        ordering = ["number"]
        indexes = [models.Index(fields=["document", "issued_at"], name="certificate_doc_issued")]

    def __str__(self) -> str:
        return self.number


class IssueRun(models.Model):
    """A batch issue of one document's certificates (the background task's progress)."""

    document = models.ForeignKey(TitleDocument, on_delete=models.PROTECT, related_name="issue_runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"issue run {self.pk} ({self.done}/{self.total})"
