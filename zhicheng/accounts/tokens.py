"""API tokens: created by a verified session, stored as SHA-256, revoked whenever the holder's rights change.

A token stands in for a logged-in session, so it must not outlive what made that session trustworthy: a staff
user's token works only while they have a confirmed authenticator, and every token of a user is revoked when
their roles change, their authenticator is reset, their account is deactivated or locked, or their password
changes (docs/security.md, "Authentication and tokens").
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError, NotFound

from .models import ApiToken
from .selectors import user_needs_second_factor

TOKEN_PREFIX = "zc_"
MAX_ACTIVE_TOKENS = 20


# "last used" is kept to the minute or so: writing it on every request cost an UPDATE per API call
LAST_USED_EVERY = timedelta(minutes=5)


def api_token_hash(raw: str) -> str:
    """The stored form of a token: only its SHA-256 is kept."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_tokens_of_user(user):
    """The user's tokens, newest first, revoked ones included (for the list)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def _user_has_confirmed_totp(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def api_token_user(raw: str):
    """The active user a raw bearer token stands for, or None (unknown, revoked, inactive, or staff without TOTP)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=api_token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    user = token.user
    # Staff reach other people's data: their token is only as good as a second factor they still hold
    if user_needs_second_factor(user) and not _user_has_confirmed_totp(user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:  # no write on most requests
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    user.api_token = token
    return user


def api_token_create(*, user, name: str, ip: str | None = None) -> tuple[ApiToken, str]:
    """Create a token for the user's integration; the raw value is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("invalid", _("请填写令牌用途，例如“人事系统对接”"), "Name the token's use",
                               details={"name": [_("请填写令牌用途")]})
    if len(name) > 100:
        raise ApplicationError("invalid", _("令牌用途不能超过 100 个字"), "Name too long",
                               details={"name": [_("令牌用途不能超过 100 个字")]})
    if settings.ZHICHENG_REQUIRE_STAFF_OTP and user_needs_second_factor(user) and not _user_has_confirmed_totp(user):
        raise ApplicationError(
            "otp_required", _("工作人员须先绑定验证器（双因素验证），才能创建 API 令牌"),
            "Staff must bind an authenticator before creating API tokens", status=403,
        )
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        if len(active) >= MAX_ACTIVE_TOKENS:
            raise ApplicationError(
                "too_many_tokens",
                _("有效令牌已达 %(n)d 个，请先撤销不用的令牌") % {"n": MAX_ACTIVE_TOKENS},
                f"At most {MAX_ACTIVE_TOKENS} active tokens",
            )
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=api_token_hash(raw))
        audit_event_record(
            event_type=EventType.AUTH_TOKEN_CREATED, actor=user, obj=token,
            data={"name": name, "prefix": token.prefix}, ip=ip,
        )
    return token, raw


def api_token_revoke(*, user, token_id: int, ip: str | None = None) -> ApiToken:
    """Revoke one of the user's own tokens; it stops working at once."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise NotFound("token_not_found", _("令牌不存在或不属于您"), "Token not found")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at", "updated_at"])
            audit_event_record(
                event_type=EventType.AUTH_TOKEN_REVOKED, actor=user, obj=token, data={"prefix": token.prefix}, ip=ip
            )
    return token


def api_tokens_revoke_all(*, user, reason: str, actor=None, ip: str | None = None) -> int:
    """Revoke every live token of the user because their rights changed; audited (inside the caller's transaction)."""
    live = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    if not live:
        return 0
    ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=timezone.now(), updated_at=timezone.now())
    audit_event_record(
        event_type=EventType.AUTH_TOKENS_REVOKED, actor=actor, obj=user,
        data={"username": user.get_username(), "reason": reason, "prefixes": [t.prefix for t in live]}, ip=ip,
    )
    return len(live)
