"""Small request helpers used by views to pass plain values down to services."""

from __future__ import annotations


def client_ip(request) -> str | None:
    """The caller's address; behind the production proxy, the first X-Forwarded-For hop."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
