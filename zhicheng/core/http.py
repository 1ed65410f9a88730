"""Small request helpers used by views to pass plain values down to services, and the pages' refusal helpers."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache, wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest

from .errors import ApplicationError

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])
BackTo = Callable[..., str]
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[IpNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def trusted_proxy_networks() -> tuple[IpNetwork, ...]:
    """The proxies whose X-Forwarded-For we believe (`ZHICHENG_TRUSTED_PROXIES`, CIDRs); none by default."""
    return _networks(tuple(getattr(settings, "ZHICHENG_TRUSTED_PROXIES", ()) or ()))


def _address(value: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: IpAddress, networks: Iterable[IpNetwork]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, unless that is a trusted proxy; then the right-most untrusted hop.

    X-Forwarded-For is written by the client first and appended by each proxy, so only the hops our own
    proxies appended can be believed: we walk it from the right and stop at the first address that is not
    one of ours. A client that sends a forged header therefore only ever names itself.
    """
    remote = _address(str(request.META.get("REMOTE_ADDR") or ""))
    if remote is None:
        return None
    networks = trusted_proxy_networks()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    hops = [hop for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    caller = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a malformed hop: nothing to its left can be believed either
        caller = address
        if not _trusted(address, networks):
            break
    return str(caller)


def refusal_flash(request: HttpRequest, exc: ApplicationError) -> None:
    """Show a service's refusal as the page's error message, in the active language (never its code)."""
    from django.contrib import messages

    messages.error(request, exc.message)


def service_flash(request: HttpRequest, action: Callable[[], object], *, done: str) -> bool:
    """Run a page's service call: flash its refusal (the Chinese/English message) or `done`; True if it acted.

    A NotFound is not a refusal to flash: it leaves for the 404 page (ErrorPageMiddleware).
    """
    from django.contrib import messages

    try:
        action()
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        refusal_flash(request, exc)
        return False
    messages.success(request, done)
    return True


def refusals_go_back(back: BackTo) -> Callable[[ViewFunc], ViewFunc]:
    """Opt a form-post view in: a refusal (ApplicationError, not 403/404) is flashed and the user sent to `back`.

    `back(request, **view_kwargs)` returns the URL of the page holding the form; ErrorPageMiddleware reads it.
    """

    def mark(view: ViewFunc) -> ViewFunc:
        view.refusal_back = back  # type: ignore[attr-defined]
        return view

    return mark


PUBLIC_MAX_AGE = 60  # seconds a public page may be reused by browsers and proxies


def public_cacheable(max_age: int = PUBLIC_MAX_AGE, *, server_cache: bool = False) -> Callable[[ViewFunc], ViewFunc]:
    """A page anyone may read and any cache may keep for `max_age` seconds, the same for every visitor.

    The request is marked `zc_public`: the shell's context processors and templates then leave the session, the
    user and the CSRF token alone (no Set-Cookie, no `Vary: Cookie`), and a page holding a form fetches its token
    only when the form is opened. A 200 GET gets `Cache-Control: public, max-age=…` and an `ETag`; a request
    whose `If-None-Match` matches is answered 304 without the body. With `server_cache` the rendered body is
    also kept in Django's cache for `max_age` seconds, keyed by language and full path.
    """
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.utils.cache import (
        get_conditional_response,
        patch_cache_control,
        patch_vary_headers,
        set_response_etag,
    )
    from django.utils.translation import get_language

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            request.zc_public = True  # type: ignore[attr-defined]
            # The page is the same for every visitor, so the server keeps the rendered body as long as any cache
            # may (max_age): a list that joins every running entry is built once a minute per language and query
            # string, not per request (the surge's public list: 16 req/s, p50 483 ms at 20,000 dossiers).
            key = None
            if server_cache and request.method in ("GET", "HEAD"):
                key = f"zc-public:{get_language()}:{request.get_full_path()}"
                kept = cache.get(key)
                if kept is not None:
                    response = HttpResponse(kept[1], content_type=kept[0])
                    return _public_headers(request, response)
            response = view(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if key is not None:
                cache.set(key, (response["Content-Type"], response.content), max_age)
            return _public_headers(request, response)

        def _public_headers(request: HttpRequest, response: Any) -> Any:
            patch_cache_control(response, public=True, max_age=max_age)
            if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:  # a chosen language: not the page for everyone
                patch_vary_headers(response, ("Cookie",))
            set_response_etag(response)
            return get_conditional_response(request, etag=response["ETag"], response=response)

        return wrapped  # type: ignore[return-value]

    return decorate


def private_no_store(response: Any) -> Any:
    """A response that holds a CSRF token or a visitor's own data: never kept by a shared cache."""
    from django.utils.cache import patch_cache_control

    patch_cache_control(response, private=True, no_store=True)
    return response
