"""How the API knows its caller: a bearer token (never CSRF) or the browser's session (always CSRF).

A request that carries `Authorization: Bearer …` is judged on the token alone: the session cookie beside it is
ignored, so neither a CSRF refusal nor the session's rights apply (docs/security.md). A browser cannot attach that
header to a cross-site request (it is not a CORS-safelisted header and we answer no pre-flight), which is why a
token write needs no CSRF token. Without the header, the session is used and ninja's CSRF check runs for every
write, exactly as the pages do.
"""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from zhicheng.core.errors import ApplicationError

from .auth_services import user_second_factor_step
from .passwords import password_change_owed
from .tokens import api_token_user


def request_has_bearer(request) -> bool:
    scheme, _sep, _token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer"


def bearer_user(request):
    """The user of the request's `Authorization: Bearer` token; None for a missing, unknown or revoked token."""
    scheme, _sep, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = api_token_user(token.strip())
    if user is not None:
        request.user = user
        request.api_token = user.api_token
    return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; only the token's SHA-256 is stored."""

    def authenticate(self, request, token: str):
        return bearer_user(request)


class StaffSessionAuth(SessionAuth):
    """The browser's session with CSRF; staff must also have passed their second factor, as on the pages."""

    def __call__(self, request):
        if request_has_bearer(request):
            return None  # the token decides alone; no CSRF refusal for a request that never relied on a cookie
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        # staff who owe TOTP, and applicants who turned it on but have not entered it, get 401
        if user_second_factor_step(user, at_request_start=True) is not None:
            return None
        if password_change_owed(user):
            raise ApplicationError(
                "password_change_required", "请先在“修改密码”页面设置新密码", "Change your password first", status=403
            )
        return user


session_auth = StaffSessionAuth()
token_auth = TokenAuth()
# The token first: an integration's request must never reach the session's CSRF check
DEFAULT_AUTH = [token_auth, session_auth]
