"""Background task for the worker: anchoring the audit chains (enqueue it from the periodic scheduler)."""

from django_tasks import task

from .anchors import audit_anchor_write


@task()
def audit_anchor_task() -> int:
    """Append the heads to the anchor file; returns how many chains were anchored."""
    return len(audit_anchor_write().heads)
