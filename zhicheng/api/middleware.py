"""The API reads JSON bodies only: anything else is refused here, before a form parser can touch the request.

Why a middleware: a multipart body (with or without a boundary) sent with a session cookie was parsed by the CSRF
check (request.POST) and then read again as JSON by ninja, which raised RawPostDataException or
MultiPartParserError — 500s. Only the endpoints in MULTIPART_PATHS take a file (other uploads go through the
streamed page views, docs/decisions.md 21), so a write whose body carries data in any other format is a 415, a
broken multipart body a 400, an unreadable charset a 415, an oversized body a 413, all in the API's error shape;
the body is read once (cached) before anything else looks at it. An empty form (a client's way of sending
nothing) passes.
"""

from __future__ import annotations

import codecs
import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError

API_PREFIX = "/api/"  # config/urls.py mounts the API at /api/v1/
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The few endpoints that declare a file (ninja `File`): a well-formed multipart body is theirs to read
MULTIPART_PATHS = frozenset({"/api/v1/similarity/imports", "/api/v1/notices/attachments",
                             "/api/v1/public/certificates/verify-pdf"})


def _error(status: int, code: str, message: str, details: dict | None = None) -> HttpResponse:
    body = {"code": code, "message": message, "details": details or {}}
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


def _content_type_refusal(header: str) -> str | None:
    """Why the Content-Type cannot carry a JSON body, or None when it can."""
    media, _, params = header.partition(";")
    media = media.strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        return "media"
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            try:
                codecs.lookup(value.strip().strip('"'))
            except LookupError:
                return "charset"
    return None


def _is_form(request) -> bool:
    media = request.META.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    return media in ("multipart/form-data", "application/x-www-form-urlencoded")


def _only_delimiters(body: bytes) -> bool:
    """A multipart body with no part at all: just the closing `--boundary--` line."""
    stripped = body.strip()
    return len(stripped) <= 200 and stripped.startswith(b"--") and stripped.endswith(b"--") and b"\n" not in stripped


class ApiJsonBodyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and request.method in BODY_METHODS:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def _refusal(request) -> HttpResponse | None:
        try:
            body = request.body  # read once and cached: later parsers work on the copy, never on the stream
        except RequestDataTooBig:
            return _error(413, "body_too_large", "请求数据过大 / request body too large")
        if not body:
            return None  # confirm, cancel … carry no body; any Content-Type will do
        why = _content_type_refusal(request.META.get("CONTENT_TYPE", ""))
        if why is None:
            return None
        if why == "media" and _is_form(request):
            try:
                if request.path in MULTIPART_PATHS and (request.POST or request.FILES):
                    return None
                if not request.POST and not request.FILES and _only_delimiters(body):
                    return None  # an empty form (what many clients send for "no body") carries nothing to refuse
            except MultiPartParserError:
                return _error(400, "malformed_body",
                              "请求数据格式错误（multipart 边界缺失或无效） / malformed multipart body")
        message = ("请求数据须为 JSON（Content-Type: application/json） / the request body must be JSON"
                   if why == "media" else "无法识别的字符集 / unknown charset in Content-Type")
        return _error(415, "unsupported_media_type", message,
                      {"content_type": request.META.get("CONTENT_TYPE", "")[:200]})
