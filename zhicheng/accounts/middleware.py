"""Keep users who still owe their second factor, or a password change, away from everything but those pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect
from django_otp.middleware import OTPMiddleware

from .passwords import password_change_owed
from .sessions import reading_user_of, session_being_read
from .views_auth import second_factor_url

# Paths a half-logged-in user may still reach: the log-in and second-factor pages, log-out, assets, language
# switching, and the API (whose session auth refuses unverified staff itself, and whose tokens were created by a
# verified session).
_OPEN_PREFIXES = (
    "/accounts/login", "/accounts/logout", "/accounts/otp", "/accounts/unlock", "/static/", "/i18n/", "/api/",
    "/public/",
)
_PASSWORD_PAGE = "/accounts/password/"


class StaffTwoFactorMiddleware:
    """Send staff without a verified device (and applicants who enabled TOTP) to set up or enter their code;
    then anyone whose password is one-time or expired to the password page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # the path first: reading the user loads the session, which public pages must not touch
        if not request.path.startswith(_OPEN_PREFIXES) and user is not None and user.is_authenticated:
            url = second_factor_url(user, request.get_full_path(), at_request_start=True)
            if url is None and password_change_owed(user) and not request.path.startswith(_PASSWORD_PAGE):
                url = f"{reverse('accounts:password_change')}?{urlencode({'next': request.get_full_path()})}"
            if url is not None:
                # an htmx request would swap the log-in page into a fragment; send the whole window instead
                return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)
        return self.get_response(request)


class SessionRenewMiddleware:
    """Renew an idle session's expiry at most once a minute instead of writing the session row on every request.

    `SESSION_SAVE_EVERY_REQUEST` cost an UPDATE (and its transaction) per request; here a request marks the
    session changed only when its last renewal is `ZHICHENG_SESSION_RENEW_SECONDS` (60) old, so the idle limit
    (SESSION_COOKIE_AGE) still counts from the last request, give or take that minute. Placed right after
    SessionMiddleware, whose response step then saves the session.
    """

    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or getattr(request, "zc_public", False) or session.modified or session.is_empty():
            return response
        now = int(timezone.now().timestamp())
        every = int(getattr(settings, "ZHICHENG_SESSION_RENEW_SECONDS", 60))
        if now - int(session.get(self.KEY, 0)) >= every:
            session[self.KEY] = now
        return response


class SessionOTPMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware (lazy `request.user`, `user.otp_device`, `user.is_verified()`), reading the user
    and the device from the session's own query (`accounts.sessions`) instead of one query each.

    Only where the rows come from changes: while the lazy user is first read, the session is offered to
    `SessionUserBackend` (the user, through Django's unchanged `get_user` and its session-hash check) and to the
    device lookup below; django-otp's `_finalize_device` still drops a device of another user or an unconfirmed one
    (and its id from the session). When the session row does not carry them, both are read as before.
    """

    def _verify_user_sync(self, request, user):
        with reading_user_of(getattr(request, "session", None)):
            return super()._verify_user_sync(request, user)

    def _device_from_persistent_id(self, persistent_id: str):
        session = session_being_read()
        device = session.joined_device(self._normalize_persistent_id(persistent_id)) if session is not None else None
        return device if device is not None else super()._device_from_persistent_id(persistent_id)
