"""Sending one delivery: claim it, send outside any transaction, record the outcome.

The claim is one conditional UPDATE (pending and due → sending): a second run of the same task, or two workers,
find nothing to claim, so a channel never sends a notification twice. A failure schedules the next attempt with
exponential backoff; after ZHICHENG_NOTIFICATION_MAX_ATTEMPTS the delivery is failed and waits for the admin.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .channels import NoAddress, email_send, sms_send
from .models import Channel, Delivery, DeliveryStatus
from .texts import text_render

logger = logging.getLogger("zhicheng.notifications")
SENDERS = {Channel.EMAIL: email_send, Channel.SMS: sms_send}
# a delivery still "sending" after this long lost its worker: the admin decides (it may have gone out)
STALE_AFTER = dt.timedelta(minutes=15)


def max_attempts() -> int:
    return int(getattr(settings, "ZHICHENG_NOTIFICATION_MAX_ATTEMPTS", 5))


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt n+1: base, 2×base, 4×base … (base: ZHICHENG_NOTIFICATION_BACKOFF_SECONDS, 60)."""
    base = int(getattr(settings, "ZHICHENG_NOTIFICATION_BACKOFF_SECONDS", 60))
    return dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def recipient_language(user) -> str:
    """The project keeps no per-person language yet: notifications go out in Chinese (English via the catalogue)."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _claim(pk: int, now: dt.datetime) -> bool:
    return bool(Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
                .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now))


def _failed(delivery: Delivery, error: Exception, now: dt.datetime) -> Delivery:
    delivery.last_error = f"{type(error).__name__}: {error}"[:500]
    if isinstance(error, NoAddress) or delivery.attempts >= max_attempts():
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, now + backoff(delivery.attempts)
    delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
    logger.warning("notification delivery %s failed (attempt %s): %s", delivery.idempotency_key,
                   delivery.attempts, delivery.last_error)
    return delivery


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Send one due delivery once; None when there was nothing to send (already sent, not due, or claimed)."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    notification = delivery.notification
    user = notification.recipient
    try:
        subject, body = text_render(notification.event_type, notification.context, recipient_language(user))
        if notification.link and getattr(settings, "ZHICHENG_SITE_URL", ""):
            body = f"{body}\n\n{settings.ZHICHENG_SITE_URL.rstrip('/')}{notification.link}"
        SENDERS[delivery.channel](user=user, subject=subject, body=body, key=delivery.idempotency_key)
    except Exception as exc:  # any failure of the channel is the delivery's, never the caller's
        delivery = _failed(delivery, exc, now)  # the wait counts from when the attempt began
        retry_schedule(delivery)
        return delivery
    delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, timezone.now(), ""
    delivery.save(update_fields=["status", "sent_at", "last_error"])
    return delivery


def retry_schedule(delivery: Delivery) -> None:
    """Hand the next attempt to the worker when its backend can wait; otherwise `notifications_send` picks it up."""
    if delivery.status != DeliveryStatus.PENDING:
        return
    from .tasks import delivery_send_task

    if delivery_send_task.get_backend().supports_defer:
        delivery_send_task.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)


def deliveries_due_send(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send every due pending delivery (the timer's sweep); stale claims are failed for the admin to decide."""
    now = now or timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=DeliveryStatus.FAILED, last_error="发送中断（进程退出），可能已发出，请核实后重试")
    due = list(Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in due if (d := delivery_send(delivery_id=pk)) and d.status == DeliveryStatus.SENT)
