"""Acting on authentication: second-factor devices, API tokens and account locks (三员分立: security admin)."""

from __future__ import annotations

import hashlib
import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.permissions import require

from .models import ApiToken
from .permissions import can_manage_locks
from .selectors import user_needs_second_factor

TOKEN_PREFIX = "zc_"
MAX_ACTIVE_TOKENS = 20
SECOND_FACTOR_SETUP = "setup"
SECOND_FACTOR_VERIFY = "verify"


# --- second factor (TOTP) -------------------------------------------------------------------------------------------


def user_has_confirmed_totp(user) -> bool:
    """Whether the user has a confirmed TOTP device (staff must; applicants may)."""
    return any(True for _device in devices_for_user(user, confirmed=True))


def user_second_factor_step(user) -> str | None:
    """What the user must still do this session: 'setup', 'verify' or nothing (None)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not settings.ZHICHENG_REQUIRE_STAFF_OTP:
        return None  # the demo bypass (ZHICHENG_DEMO_NO_OTP=1, dev settings only) skips the second factor
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified) and is_verified():
        return None
    if user_has_confirmed_totp(user):
        return SECOND_FACTOR_VERIFY
    if user_needs_second_factor(user):
        return SECOND_FACTOR_SETUP
    return None


def totp_secret_base32(device: TOTPDevice) -> str:
    """The device's secret in the base32 form authenticator apps accept for manual entry."""
    return b32encode(device.bin_key).decode("ascii")


def totp_token_now(device: TOTPDevice) -> str:
    """The six-digit code the device shows right now (for the demo and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def totp_device_create_confirmed(*, user, key_hex: str | None = None) -> TOTPDevice:
    """Give a user a confirmed TOTP device at once (demo seeding); a known key makes codes reproducible."""
    existing = TOTPDevice.objects.filter(user=user, confirmed=True, key=key_hex).first() if key_hex else None
    if existing is not None:
        return existing  # seeding twice must not add a second device
    with transaction.atomic():
        device = TOTPDevice(user=user, name="default", confirmed=True)
        if key_hex:
            device.key = key_hex
        device.full_clean()
        device.save()
        audit_event_record(
            event_type=EventType.AUTH_OTP_ENABLED, actor=user, obj=device, data={"username": user.get_username()}
        )
    return device


def totp_setup_start(*, user) -> TOTPDevice:
    """Return the user's pending (unconfirmed) device, creating one, so a page reload keeps the same secret."""
    if user_has_confirmed_totp(user):
        raise ApplicationError("otp_already_enabled", _("您已启用双因素验证，无需重复绑定"), "Two-factor is already on")
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


def totp_setup_confirm(*, user, device: TOTPDevice, token: str, ip: str | None = None) -> TOTPDevice:
    """Confirm a pending device with a code from the authenticator app; audit success and failure."""
    if device.user_id != user.pk or device.confirmed:
        raise NotFound("otp_device_not_found", _("未找到待绑定的验证器，请刷新页面重试"), "No pending device")
    with transaction.atomic():
        ok = device.verify_token(token)
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            audit_event_record(
                event_type=EventType.AUTH_OTP_ENABLED, actor=user, obj=device, data={"username": user.get_username()},
                ip=ip,
            )
    if not ok:
        _otp_failed(user=user, ip=ip, stage="setup")
    return device


def otp_verify(*, user, token: str, ip: str | None = None) -> TOTPDevice:
    """Check a code against the user's confirmed devices and return the one that accepted it."""
    device = match_token(user, token)  # own transaction: a failure's throttle count must persist
    if device is None:
        _otp_failed(user=user, ip=ip, stage="verify")
    audit_event_record(
        event_type=EventType.AUTH_OTP_VERIFIED, actor=user, obj=device, data={"username": user.get_username()}, ip=ip
    )
    return device


def _otp_failed(*, user, ip: str | None, stage: str) -> None:
    """Record a wrong code, then refuse; the event is committed before the refusal."""
    audit_event_record(
        event_type=EventType.AUTH_OTP_FAILED, actor=user, data={"username": user.get_username(), "stage": stage}, ip=ip
    )
    raise ApplicationError(
        "otp_invalid",
        _("验证码不正确或已过期，请输入验证器上当前显示的 6 位数字"),
        "The code is wrong or has expired",
    )


# --- API tokens -----------------------------------------------------------------------------------------------------


def api_token_hash(raw: str) -> str:
    """The stored form of a token: only its SHA-256 is kept."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_tokens_of_user(user):
    """The user's tokens, newest first, revoked ones included (for the list)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_create(*, user, name: str, ip: str | None = None) -> tuple[ApiToken, str]:
    """Create a token for the user's integration; the raw value is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("invalid", _("请填写令牌用途，例如“人事系统对接”"), "Name the token's use",
                               details={"name": [_("请填写令牌用途")]})
    if len(name) > 100:
        raise ApplicationError("invalid", _("令牌用途不能超过 100 个字"), "Name too long",
                               details={"name": [_("令牌用途不能超过 100 个字")]})
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


# --- account locks (security admin) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountLock:
    """One locked username: by repeated failed log-ins (axes), by the security admin (inactive), or both."""

    username: str
    real_name: str
    failures: int
    last_failure_at: datetime | None
    locked_by_failures: bool
    locked_by_admin: bool


def account_locks_list(*, actor) -> list[AccountLock]:
    """Usernames that cannot log in now, for the security admin's page."""
    require(can_manage_locks(actor))
    limit = settings.AXES_FAILURE_LIMIT
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = {
        row["username"]: row
        for row in AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(username__isnull=True)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
    }
    inactive = {u.username: u for u in get_user_model().objects.filter(is_active=False).only("username", "real_name")}
    locked_ids = _admin_locked_ids([u.pk for u in inactive.values()])
    inactive = {name: u for name, u in inactive.items() if u.pk in locked_ids}
    names = {u.username: u.real_name for u in get_user_model().objects.filter(username__in=list(attempts))}
    names.update({n: u.real_name for n, u in inactive.items()})
    rows = [
        AccountLock(
            username=name,
            real_name=names.get(name, ""),
            failures=attempts[name]["failures"] if name in attempts else 0,
            last_failure_at=attempts[name]["last"] if name in attempts else None,
            locked_by_failures=name in attempts,
            locked_by_admin=name in inactive,
        )
        for name in set(attempts) | set(inactive)
    ]
    return sorted(rows, key=lambda r: r.username)


def account_lock(*, actor, username: str, reason: str = "", ip: str | None = None):
    """Lock an account (it can no longer log in, its sessions and tokens stop working)."""
    require(can_manage_locks(actor))
    with transaction.atomic():
        user = _user_for_update(username)
        if user.pk == actor.pk:
            raise ApplicationError("cannot_lock_self", _("不能锁定自己的账号"), "You cannot lock your own account")
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_event_record(
                event_type=EventType.AUTH_ACCOUNT_LOCKED, actor=actor, obj=user,
                data={"username": user.username, "reason": reason.strip()[:500]}, ip=ip,
            )
    return user


def account_unlock(*, actor, username: str, ip: str | None = None) -> int:
    """Clear a username's failed log-ins and lift a security-admin lock; return the failures cleared."""
    require(can_manage_locks(actor))
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(username=username).first()
        failures = sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))
        if user is None and not failures:
            raise NotFound("user_not_found", _("用户名“%(u)s”不存在") % {"u": username}, "No such user")
        # Only a lock is lifted here: an account the system admin deactivated (someone who left) stays off
        reactivated = user is not None and not user.is_active and user.pk in _admin_locked_ids([user.pk])
        if not failures and not reactivated:
            _refuse_nothing_to_unlock(user)
        axes_reset(username=username)
        if reactivated:
            user.is_active = True
            user.save(update_fields=["is_active"])
        audit_event_record(
            event_type=EventType.AUTH_ACCOUNT_UNLOCKED, actor=actor, obj=user,
            data={"username": username, "failures_cleared": failures, "reactivated": reactivated}, ip=ip,
        )
    return failures


def totp_device_reset(*, actor, username: str, ip: str | None = None) -> int:
    """Remove a user's authenticator (a lost phone); staff bind a new one at their next log-in."""
    require(can_manage_locks(actor))
    with transaction.atomic():
        user = _user_for_update(username)
        removed, _detail = TOTPDevice.objects.filter(user=user).delete()
        if not removed:
            raise ApplicationError("otp_not_enabled", _("该账号尚未绑定验证器"), "No authenticator is bound")
        audit_event_record(
            event_type=EventType.AUTH_OTP_RESET, actor=actor, obj=user, data={"username": user.username}, ip=ip
        )
    return removed


def _refuse_nothing_to_unlock(user) -> None:
    if not user.is_active:
        raise ApplicationError(
            "deactivated_by_system_admin",
            _("该账号已被平台系统管理员停用，需由系统管理员重新启用"),
            "The system administrator deactivated this account; only they can reactivate it",
        )
    raise ApplicationError("not_locked", _("账号“%(u)s”当前未被锁定") % {"u": user.username}, "Not locked")


def _user_for_update(username: str):
    user = get_user_model().objects.select_for_update().filter(username=username).first()
    if user is None:
        raise NotFound("user_not_found", _("用户名“%(u)s”不存在") % {"u": username}, "No such user")
    return user


# The latest of these events says why an inactive account is off: locked here, or deactivated by the system admin
_ACTIVE_STATE_EVENTS = (
    EventType.AUTH_ACCOUNT_LOCKED, EventType.AUTH_ACCOUNT_UNLOCKED,
    EventType.USER_DEACTIVATED, EventType.USER_REACTIVATED,
)


def _admin_locked_ids(user_ids: list[int]) -> set[int]:
    """Which of these users were last switched off by the security admin's lock."""
    latest: dict[str, str] = {}
    events = AuditEvent.objects.filter(
        object_type=get_user_model()._meta.label_lower,
        object_id__in=[str(pk) for pk in user_ids],
        event_type__in=_ACTIVE_STATE_EVENTS,
    ).order_by("seq")
    for object_id, event_type in events.values_list("object_id", "event_type"):
        latest[object_id] = event_type
    return {int(pk) for pk, event_type in latest.items() if event_type == EventType.AUTH_ACCOUNT_LOCKED}
