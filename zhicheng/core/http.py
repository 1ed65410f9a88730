"""Small request helpers used by views to pass plain values down to services."""

from __future__ import annotations

from collections.abc import Callable


def client_ip(request) -> str | None:
    """The caller's address; behind the production proxy, the first X-Forwarded-For hop."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def service_flash(request, action: Callable[[], object], *, done: str) -> bool:
    """Run a page's service call: flash its refusal (the Chinese/English message) or `done`; True if it acted."""
    from django.contrib import messages

    from .errors import ApplicationError

    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True
