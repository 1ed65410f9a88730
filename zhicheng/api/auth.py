"""API authentication: the browser's session (with CSRF) or a per-user bearer token."""

from __future__ import annotations

import hashlib

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; only the token's SHA-256 is stored."""

    def authenticate(self, request, token: str):
        from zhicheng.accounts.models import ApiToken

        digest = hashlib.sha256(token.encode()).hexdigest()
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=digest, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class StaffSessionAuth(SessionAuth):
    """Session auth that also demands a verified second factor from staff, as the pages do."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        from zhicheng.accounts.auth_services import user_second_factor_step

        # staff who owe TOTP, and applicants who turned it on but have not entered it, get 401
        if user_second_factor_step(user) is not None:
            return None
        return user


session_auth = StaffSessionAuth()
token_auth = TokenAuth()
DEFAULT_AUTH = [session_auth, token_auth]
