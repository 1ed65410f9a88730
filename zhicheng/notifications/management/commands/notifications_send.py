"""Send every due delivery: retries whose backoff has passed (when the worker cannot wait for them itself)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zhicheng.notifications.delivery import deliveries_due_send


class Command(BaseCommand):
    help = "Send due notification deliveries (pending, next attempt reached); marks interrupted sends failed."

    def handle(self, *args, **options):
        self.stdout.write(f"deliveries sent: {deliveries_due_send()}")
