"""API: your own notifications and channel preferences; the platform admin's failed deliveries."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from zhicheng.core.http import client_ip
from zhicheng.core.permissions import require

from . import selectors, services
from .permissions import can_manage_deliveries
from .texts import text_render

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    event_type: str
    subject: str
    body: str
    link: str
    object_type: str
    object_id: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_subject(n) -> str:
        return text_render(n.event_type, n.context)[0]

    @staticmethod
    def resolve_body(n) -> str:
        return text_render(n.event_type, n.context)[1]


class UnreadOut(Schema):
    unread: int


class PreferenceIO(Schema):
    email: bool
    sms: bool


class DeliveryOut(Schema):
    id: int
    notification_id: int
    recipient_id: int
    event_type: str
    event_label: str
    channel: str
    status: str
    attempts: int
    last_error: str
    next_attempt_at: dt.datetime | None

    @staticmethod
    def resolve_recipient_id(d) -> int:
        return d.notification.recipient_id

    @staticmethod
    def resolve_event_type(d) -> str:
        return d.notification.event_type

    @staticmethod
    def resolve_event_label(d) -> str:
        return d.notification.event_label


@router.get("/", response=list[NotificationOut])
@paginate(PageNumberPagination, page_size=50)
def notification_list(request):
    """Your notifications, newest first, in your language."""
    return selectors.notifications_of(request.auth)


@router.get("/unread", response=UnreadOut)
def notification_unread(request):
    return {"unread": selectors.unread_count(request.auth)}


@router.post("/{int:notification_id}/read", response=NotificationOut)
def notification_read(request, notification_id: int):
    """Mark one of your notifications read (someone else's is 404)."""
    return services.notification_mark_read(user=request.auth, pk=notification_id)


@router.get("/preferences", response=PreferenceIO)
def preference_get(request):
    return selectors.preference_of(request.auth)


@router.put("/preferences", response=PreferenceIO)
def preference_set(request, payload: PreferenceIO):
    """E-mail and SMS on or off (in-app notifications are always kept)."""
    return services.preferences_set(user=request.auth, email=payload.email, sms=payload.sms, ip=client_ip(request))


@router.get("/deliveries/failed", response=list[DeliveryOut])
@paginate(PageNumberPagination, page_size=50)
def deliveries_failed(request):
    """Deliveries that failed after every attempt (platform system administrator)."""
    require(can_manage_deliveries(request.auth))
    return selectors.deliveries_failed()


@router.post("/deliveries/{int:delivery_id}/retry", response=DeliveryOut)
def delivery_retry(request, delivery_id: int):
    require(can_manage_deliveries(request.auth))
    return services.delivery_retry(delivery_id=delivery_id, actor=request.auth, ip=client_ip(request))
