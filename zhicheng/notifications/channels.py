"""The channels a delivery goes out on. Each `send` raises DeliveryError (or any error) when it did not go out.

SMS goes through a gateway class named by settings.ZHICHENG_SMS_GATEWAY (docs/operations.md shows how a
provincial gateway plugs in); the default writes the message to the log.
"""

from __future__ import annotations

import logging
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

logger = logging.getLogger("zhicheng.notifications")


class DeliveryError(Exception):
    """The channel could not deliver; the message says why (kept as the delivery's last error)."""


class NoAddress(DeliveryError):
    """The recipient has no address on this channel: nothing to retry."""


class SmsGateway:
    """What an SMS gateway implements. `key` is the same on every retry of one message: pass it on to gateways
    that deduplicate. Raise DeliveryError when the gateway refuses or cannot be reached."""

    def send(self, *, phone: str, text: str, key: str) -> None:
        raise NotImplementedError


class LogSmsGateway(SmsGateway):
    """Development: the message goes to the log, nothing leaves the machine."""

    def send(self, *, phone: str, text: str, key: str) -> None:
        logger.info("SMS to %s (%s): %s", phone[-4:].rjust(len(phone), "*"), key, text)


def sms_gateway() -> SmsGateway:
    return import_string(getattr(settings, "ZHICHENG_SMS_GATEWAY", "zhicheng.notifications.channels.LogSmsGateway"))()


def email_send(*, user, subject: str, body: str, key: str) -> None:
    if not user.email:
        raise NoAddress("用户未填写电子邮箱")
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or None
    message = EmailMessage(subject=subject, body=body, to=[user.email],
                           headers={"Message-ID": make_msgid(idstring=key.replace(":", "."), domain=domain)})
    message.send(fail_silently=False)


def sms_send(*, user, subject: str, body: str, key: str) -> None:
    if not user.phone:
        raise NoAddress("用户未填写手机号码")
    sms_gateway().send(phone=user.phone, text=f"【{subject}】{body}", key=key)
