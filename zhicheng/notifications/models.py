"""The outbox: one Notification per recipient and event, one Delivery per channel it goes out on.

A Notification keeps the template key and its context (not rendered text), so every channel renders it at send
time in the recipient's language, and the bell renders it in the reader's. A Delivery's idempotency key is unique:
however often the task runs, a channel sends a notification at most once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhicheng.audit.events import event_label


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event_type = models.CharField(_("事项"), max_length=60)  # an EventType value; no choices: the vocabulary grows
    context = models.JSONField(_("内容参数"), default=dict, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # reminders: one per (recipient, reminder, day) however often the job runs
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.recipient_id}"

    @property
    def event_label(self) -> str:
        """What the notification is about, in words (the stored value is an audit event code)."""
        return event_label(self.event_type)


class Delivery(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)

    class Meta:
        verbose_name = _("通知发送")
        verbose_name_plural = _("通知发送")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return self.idempotency_key


class ChannelPreference(models.Model):
    """Which channels beside the in-app list a person wants; no row means every channel (staff default on)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    email = models.BooleanField(_("电子邮件"), default=True)
    sms = models.BooleanField(_("短信"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知接收方式")
        verbose_name_plural = _("通知接收方式")

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} sms={self.sms}"
