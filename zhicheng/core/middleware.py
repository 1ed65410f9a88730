"""One error path for pages: NotFound, PermissionDenied and ApplicationError become the 404/403 pages, the
message beside the form (views that opt in with `core.http.refusals_go_back`), or, for htmx, the message partial.

The API has its own handlers (django-ninja catches first); this only sees exceptions that leave a page view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as PageDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from .errors import ApplicationError, NotFound, PermissionDenied
from .http import refusal_flash

MESSAGE_PARTIAL = "includes/message.html"


class ErrorPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: tuple[Any, ...],
                     view_kwargs: dict[str, Any]) -> None:
        back = getattr(view_func, "refusal_back", None)
        if back is not None:
            request.zc_refusal_back = lambda: back(request, *view_args, **view_kwargs)  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound | Http404):
            return self._not_found(request, exception)
        back = getattr(request, "zc_refusal_back", None)
        if isinstance(exception, ApplicationError) and back is not None and request.method == "POST" \
                and not _is_htmx(request):
            refusal_flash(request, exception)  # a form post that opted in: the message above its page
            return HttpResponseRedirect(back())
        if isinstance(exception, PermissionDenied | PageDenied):
            return self._denied(request, exception)
        if isinstance(exception, ApplicationError):
            return self._refused(request, exception)
        return None

    def _not_found(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        if _is_htmx(request):
            return _partial(request, _("内容不存在，或者您无权查看。"), status=404)
        return defaults.page_not_found(request, exc if isinstance(exc, Http404) else Http404(str(exc)))

    def _denied(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        message = exc.message if isinstance(exc, ApplicationError) else str(exc)
        if _is_htmx(request):
            return _partial(request, message or _("您无权进行此操作。"), status=403)
        return defaults.permission_denied(request, exc if isinstance(exc, PageDenied) else PageDenied(message))

    def _refused(self, request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        if _is_htmx(request):
            return _partial(request, exc.message, status=exc.status)
        return HttpResponse(render_to_string("refused.html", {"message": exc.message}, request), status=exc.status)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _partial(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """The message alone, for htmx to swap in (htmx swaps 4xx only where the page asks it to; the status says why)."""
    return HttpResponse(render_to_string(MESSAGE_PARTIAL, {"message": message, "status": status}, request),
                        status=status)
