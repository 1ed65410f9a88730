"""Reading notifications: a person's own, the unread count for the bell, failed deliveries for the admin."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet

from .models import ChannelPreference, Delivery, DeliveryStatus, Notification
from .texts import text_render


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """Stored on the user row (kept by the services on every create and read): no query, the request read it."""
    return user.notifications_unread


@dataclass
class Rendered:
    notification: Notification
    subject: str
    body: str


def rendered(notifications) -> list[Rendered]:
    """Each notification in the reader's language (the active one)."""
    return [Rendered(n, *text_render(n.event_type, n.context)) for n in notifications]


def preference_of(user) -> ChannelPreference:
    return ChannelPreference.objects.filter(user=user).first() or ChannelPreference(user=user)


def deliveries_failed() -> QuerySet[Delivery]:
    return (Delivery.objects.filter(status=DeliveryStatus.FAILED)
            .select_related("notification__recipient").order_by("-id"))


class Bell:
    """The top bar's unread count, from the request's user row (no query)."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)
