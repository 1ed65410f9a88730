"""The delivery task run by the worker (django-tasks); safe to run twice for one delivery."""

from __future__ import annotations

from django_tasks import task

from .delivery import delivery_send


@task()
def delivery_send_task(delivery_id: int) -> None:
    delivery_send(delivery_id=delivery_id)
