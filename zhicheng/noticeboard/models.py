"""The title office's notice board (§四(一) 发布信息通知, §五(二) 操作手册在“通知公告栏”内下载): notices with files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeCategory(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    POLICY = "policy", _("政策文件")
    MANUAL = "manual", _("操作手册")
    FORM = "form", _("表格下载")


class Notice(models.Model):
    """One notice of one title office, public from `published_at` until it is withdrawn."""

    office = models.ForeignKey("accounts.Organisation", verbose_name=_("发布机构"), on_delete=models.PROTECT,
                               related_name="notices")
    category = models.CharField(_("栏目"), max_length=10, choices=NoticeCategory.choices, default=NoticeCategory.NOTICE)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), max_length=20000, blank=True)
    published_at = models.DateTimeField(_("发布时间"), db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeAttachment(models.Model):
    """A file of a notice (a policy document, a manual, a form), inspected and stored like evidence."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("附件"), max_length=255)
    file_name = models.CharField(_("原文件名"), max_length=255)
    file_kind = models.CharField(_("文件类型"), max_length=10)
    file_size = models.PositiveBigIntegerField(_("大小（字节）"))
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    added_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("通知公告附件")
        verbose_name_plural = _("通知公告附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file_name
