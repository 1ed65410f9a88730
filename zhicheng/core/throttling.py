"""Request throttles keyed by the trusted client address (never by a header the client writes)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle

from .http import client_ip


class ClientAddressThrottle(AnonRateThrottle):
    """ninja's anonymous throttle, but keyed by `client_ip` and a scope shared by the page and the API.

    The counts live in Django's cache (per process with the default local-memory cache), like ninja's own.
    """

    def __init__(self, rate: str, *, scope: str) -> None:
        self.scope = scope
        super().__init__(rate)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        ident = client_ip(request)
        return self.cache_format % {"scope": self.scope, "ident": ident} if ident else None
