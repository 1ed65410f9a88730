"""Small request helpers used by views to pass plain values down to services, and the pages' refusal helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest

from .errors import ApplicationError

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])
BackTo = Callable[..., str]


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address; behind the production proxy, the first X-Forwarded-For hop."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return str(forwarded).split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


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
