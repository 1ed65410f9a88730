"""Acting on authentication: second-factor devices, API tokens and account locks (三员分立: security admin)."""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.permissions import require

from .lockout import axes_clock
from .masking import masked
from .permissions import can_manage_locks
from .selectors import user_needs_second_factor
from .separation import separation_allows_switching_off
from .sessions import sign_in_facts
from .tokens import api_tokens_revoke_all

SECOND_FACTOR_SETUP = "setup"
SECOND_FACTOR_VERIFY = "verify"


# --- second factor (TOTP) -------------------------------------------------------------------------------------------


def user_has_confirmed_totp(user) -> bool:
    """Whether the user has a confirmed TOTP device (staff must; applicants may)."""
    return any(True for _device in devices_for_user(user, confirmed=True))


def user_second_factor_step(user, *, at_request_start: bool = False) -> str | None:
    """What the user must still do this session: 'setup', 'verify' or nothing (None).

    `at_request_start`: the caller (the pages' middleware, the API's session auth) asks before the request has
    acted, so the facts read with the session row (`accounts.sessions.sign_in_facts`) are current and save two
    reads; a view asking after it may have changed a device reads them afresh."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not settings.ZHICHENG_REQUIRE_STAFF_OTP:
        return None  # the demo bypass (ZHICHENG_DEMO_NO_OTP=1, dev settings only) skips the second factor
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified) and is_verified():
        return None
    facts = sign_in_facts(user) if at_request_start else None
    if facts.has_confirmed_totp if facts is not None else user_has_confirmed_totp(user):
        return SECOND_FACTOR_VERIFY
    if facts is not None:
        needs = facts.holds_staff_role or bool(getattr(user, "is_superuser", False))
    else:
        needs = user_needs_second_factor(user)
    if needs:
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
    since = axes_clock() - settings.AXES_COOLOFF_TIME  # the clock django-axes stamps its rows with
    # a lock is one (username, address) pair over the limit; the row sums the user's locked pairs
    attempts: dict[str, dict] = {}
    pairs = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(username__isnull=True)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
    )
    for pair in pairs:
        row = attempts.setdefault(pair["username"], {"failures": 0, "last": pair["last"]})
        row["failures"] += pair["failures"]
        row["last"] = max(row["last"], pair["last"])
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


# The security admin's user list: who each account is (masked), whether it can log in, whether it has an authenticator
ACCOUNT_STATES = ("locked", "active", "inactive")
ACCOUNT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    real_name: str
    id_number_masked: str
    phone_masked: str
    is_active: bool
    locked_by_failures: bool
    locked_by_admin: bool
    has_authenticator: bool


def _failure_locked_usernames(usernames=None) -> set[str]:
    """Usernames over the failure limit within the cool-off (one (username, address) pair over it is enough)."""
    since = axes_clock() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since).exclude(username__isnull=True)
    if usernames is not None:
        attempts = attempts.filter(username__in=list(usernames))
    pairs = (attempts.values("username", "ip_address").annotate(failures=Sum("failures_since_start"))
             .filter(failures__gte=settings.AXES_FAILURE_LIMIT))
    return {pair["username"] for pair in pairs}


def account_security_page(*, actor, q: str = "", state: str = "", page: object = 1):
    """One page of user accounts for the security admin, searchable and filtered by whether they can log in.

    The security admin locks, unlocks and resets authenticators from here (the services below decide each one);
    ID and phone numbers are masked: the security admin identifies a person, never copies their numbers.
    """
    require(can_manage_locks(actor))
    users = get_user_model().objects.order_by("username")
    if q := (q or "").strip():
        users = users.filter(
            Q(username__icontains=q) | Q(real_name__icontains=q) | Q(id_number__iexact=q.upper()) | Q(phone=q)
        )
    if state in ("locked", "active"):
        inactive_ids = list(get_user_model().objects.filter(is_active=False).values_list("pk", flat=True))
        locked = Q(pk__in=_admin_locked_ids(inactive_ids)) | Q(username__in=_failure_locked_usernames())
        users = users.filter(locked) if state == "locked" else users.filter(is_active=True).exclude(locked)
    elif state == "inactive":  # switched off by the system admin (someone who left), not a lock
        users = users.filter(is_active=False)
    result = Paginator(users.only("pk", "username", "real_name", "id_number", "phone", "is_active"),
                       ACCOUNT_PAGE_SIZE).get_page(page)
    rows = list(result.object_list)
    by_failures = _failure_locked_usernames(u.username for u in rows)
    by_admin = _admin_locked_ids([u.pk for u in rows if not u.is_active])
    with_device = set(TOTPDevice.objects.filter(user__in=rows, confirmed=True).values_list("user_id", flat=True))
    result.object_list = [
        AccountRow(
            id=u.pk, username=u.username, real_name=u.real_name, id_number_masked=masked(u.id_number),
            phone_masked=masked(u.phone, 3, 4), is_active=u.is_active, locked_by_failures=u.username in by_failures,
            locked_by_admin=u.pk in by_admin, has_authenticator=u.pk in with_device,
        )
        for u in rows
    ]
    return result


def account_lock(*, actor, username: str, reason: str = "", ip: str | None = None):
    """Lock an account (it can no longer log in, its sessions and tokens stop working)."""
    require(can_manage_locks(actor))
    with transaction.atomic():
        user = _user_for_update(username)
        if user.pk == actor.pk:
            raise ApplicationError("cannot_lock_self", _("不能锁定自己的账号"), "You cannot lock your own account")
        require(separation_allows_switching_off(actor, user), code="separation_of_duties")
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_event_record(
                event_type=EventType.AUTH_ACCOUNT_LOCKED, actor=actor, obj=user,
                data={"username": user.username, "reason": reason.strip()[:500]}, ip=ip,
            )
            api_tokens_revoke_all(user=user, reason="account_locked", actor=actor, ip=ip)
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
        api_tokens_revoke_all(user=user, reason="otp_reset", actor=actor, ip=ip)
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
    ).order_by("id")
    for object_id, event_type in events.values_list("object_id", "event_type"):
        latest[object_id] = event_type
    return {int(pk) for pk, event_type in latest.items() if event_type == EventType.AUTH_ACCOUNT_LOCKED}
