"""Writing notifications: the outbox row in the caller's transaction, delivery after commit by the task worker."""

from __future__ import annotations

from functools import partial

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import NotFound

from .models import Channel, ChannelPreference, Delivery, DeliveryStatus, Notification
from .recipients import recipients_allowed


def channels_for(user, preferences: dict[int, ChannelPreference]) -> list[str]:
    """In-app always (the list is the record of what the system told a person); e-mail and SMS as chosen, when
    the person has an address there (no row: every channel, so staff are reached by default)."""
    preference = preferences.get(user.pk)
    channels = [Channel.IN_APP]
    if (preference is None or preference.email) and user.email:
        channels.append(Channel.EMAIL)
    if (preference is None or preference.sms) and user.phone:
        channels.append(Channel.SMS)
    return channels


def _object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def delivery_enqueue(delivery_ids: list[int]) -> None:
    """After commit: one task per delivery (the worker sends; a rolled-back change sends nothing)."""
    from .tasks import delivery_send_task

    for pk in delivery_ids:
        transaction.on_commit(partial(delivery_send_task.enqueue, pk), robust=True)


def _unread_add(user_ids, delta: int) -> None:
    """Keep `User.notifications_unread` (the bell) in step: a delta, never a recount, so two writers at once both
    count; in the caller's transaction, so a rolled-back notification leaves no trace in it."""
    if user_ids and delta:
        get_user_model().objects.filter(pk__in=list(user_ids)).update(
            notifications_unread=Greatest(F("notifications_unread") + delta, Value(0)))


def _deliveries(notification: Notification, channels: list[str], now) -> list[Delivery]:
    rows = []
    for channel in channels:
        in_app = channel == Channel.IN_APP
        rows.append(Delivery(
            notification=notification, channel=channel, idempotency_key=f"n{notification.pk}:{channel}",
            status=DeliveryStatus.SENT if in_app else DeliveryStatus.PENDING,
            sent_at=now if in_app else None, next_attempt_at=None if in_app else now,
        ))
    return Delivery.objects.bulk_create(rows)


@transaction.atomic
def notification_enqueue(*, recipients, event_type: EventType, obj=None, context: dict | None = None,
                         link: str = "", dedupe_key: str | None = None) -> list[Notification]:
    """One notification per allowed recipient, with its deliveries; sent after the caller's transaction commits.

    `dedupe_key` (a reminder's recipient, kind and day) makes a second call a no-op for that recipient.
    """
    users = recipients_allowed(recipients, obj, event_type)
    if not users:
        return []
    preferences = {p.user_id: p for p in ChannelPreference.objects.filter(user__in=users)}
    object_type, object_id = _object_ref(obj)
    now, created, pending = timezone.now(), [], []
    for user in users:
        key = f"{dedupe_key}:{user.pk}" if dedupe_key else None
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user, event_type=str(event_type), context=context or {}, object_type=object_type,
                    object_id=object_id, link=link, dedupe_key=key, created_at=now,
                )
        except IntegrityError:
            continue  # this reminder already went to this person today
        created.append(notification)
        pending += [d.pk for d in _deliveries(notification, channels_for(user, preferences), now)
                    if d.status == DeliveryStatus.PENDING]
    _unread_add({n.recipient_id for n in created}, 1)  # at most one per recipient per call (one UPDATE)
    if pending and pending[0] is None:  # backends that do not return ids from bulk_create
        pending = list(Delivery.objects.filter(notification__in=created, status=DeliveryStatus.PENDING)
                       .values_list("pk", flat=True))
    delivery_enqueue(pending)
    return created


def _own(user, pk: int) -> Notification:
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:  # someone else's looks exactly like none at all
        raise NotFound("notification_not_found", "通知不存在", "No such notification")
    return notification


@transaction.atomic
def notification_mark_read(*, user, pk: int) -> Notification:
    notification = _own(user, pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        # only the request that actually turned it read counts it down (two tabs marking it at once: one)
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at):
            _unread_add([user.pk], -1)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    _unread_add([user.pk], -marked)  # the rows this statement turned, not a reset: one arriving meanwhile stays
    return marked


@transaction.atomic
def preferences_set(*, user, email: bool, sms: bool, ip: str | None = None) -> ChannelPreference:
    preference, _ = ChannelPreference.objects.update_or_create(user=user, defaults={"email": email, "sms": sms})
    audit_event_record(event_type=EventType.NOTIFICATION_PREFERENCES_CHANGED, actor=user, obj=user,
                       data={"email": email, "sms": sms}, ip=ip)
    return preference


@transaction.atomic
def delivery_retry(*, delivery_id: int, actor, ip: str | None = None) -> Delivery:
    """The platform admin sends a failed delivery again: attempts start afresh, the worker picks it up."""
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id, status=DeliveryStatus.FAILED).first()
    if delivery is None:
        raise NotFound("delivery_not_found", "没有这条发送失败的通知", "No such failed delivery")
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_event_record(event_type=EventType.NOTIFICATION_DELIVERY_RETRIED, actor=actor, obj=delivery,
                       data={"channel": delivery.channel, "error": delivery.last_error}, ip=ip)
    delivery_enqueue([delivery.pk])
    return delivery
