"""Lockout by username AND address, spray detection, and unlocking without the security admin.

django-axes counts failed log-ins per (username, client address): an attacker elsewhere locks only their own
pair, never the owner's office. Failures of a password re-check (the integrity pledge, a password change) count
in the same table. An address at which many different usernames fail within a short window is spraying
passwords: it is refused further password checks for the window and an audit event is raised once. A locked
user unlocks their own address with their authenticator code (staff) or an e-mailed link (anyone with e-mail).
"""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.timezone import now as axes_clock
from django.utils.translation import gettext as _
from django_otp import match_token

from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError

# django-axes stamps and reads AccessAttempt with `timezone.now` bound when it was imported (the real clock, even
# where a test patches `timezone.now`); rows we write and windows we read use that same clock, `axes_clock`.
UNLOCK_LINK_SALT = "zhicheng.accounts.unlock"
UNLOCK_LINK_MAX_AGE = 30 * 60


def _recent(queryset, since):
    return queryset.filter(attempt_time__gte=axes_clock() - since)


def login_failures(username: str, ip: str | None) -> int:
    """Failures of this username at this address within the cool-off time."""
    attempts = _recent(AccessAttempt.objects.filter(username=username, ip_address=ip), settings.AXES_COOLOFF_TIME)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def login_locked(username: str, ip: str | None) -> bool:
    return login_failures(username, ip) >= settings.AXES_FAILURE_LIMIT


def address_spraying(ip: str | None) -> bool:
    """Whether many different usernames failed from this address lately (a password spray)."""
    if not ip:
        return False
    names = _recent(AccessAttempt.objects.filter(ip_address=ip), settings.ZHICHENG_SPRAY_WINDOW)
    return names.values("username").distinct().count() >= settings.ZHICHENG_SPRAY_USERNAMES


def spray_check(ip: str | None) -> None:
    """After a failure: raise the spray alarm once per window when this address crosses the threshold."""
    if not address_spraying(ip):
        return
    since = timezone.now() - settings.ZHICHENG_SPRAY_WINDOW
    if AuditEvent.objects.filter(event_type=EventType.AUTH_PASSWORD_SPRAY, ip=ip, occurred_at__gte=since).exists():
        return
    names = _recent(AccessAttempt.objects.filter(ip_address=ip), settings.ZHICHENG_SPRAY_WINDOW)
    audit_event_record(
        event_type=EventType.AUTH_PASSWORD_SPRAY, ip=ip,
        data={"usernames": names.values("username").distinct().count(),
              "window_minutes": int(settings.ZHICHENG_SPRAY_WINDOW.total_seconds() // 60)},
    )


def refuse_if_locked(username: str, ip: str | None) -> None:
    """Refuse a password check at a locked (username, address) or a spraying address, before the password is read."""
    if login_locked(username, ip) or address_spraying(ip):
        raise ApplicationError(
            "locked_out",
            _("密码错误次数过多，已暂时锁定。请稍后再试，或用验证器或邮件自助解锁。"),
            "Too many wrong passwords; locked for a while. Try later or unlock yourself.",
            status=429,
        )


def password_failure_record(*, username: str, ip: str | None, purpose: str) -> bool:
    """Count a wrong password outside the log-in form toward the same lockout; True when it now locks."""
    with transaction.atomic():
        attempt, created = AccessAttempt.objects.select_for_update().get_or_create(
            username=username, ip_address=ip, user_agent=f"<{purpose}>",
            defaults={"failures_since_start": 1, "attempt_time": axes_clock(), "get_data": "", "post_data": "",
                      "http_accept": "", "path_info": purpose},
        )
        if not created:
            AccessAttempt.objects.filter(pk=attempt.pk).update(
                failures_since_start=F("failures_since_start") + 1, attempt_time=axes_clock()
            )
        locked = login_locked(username, ip)
        audit_event_record(
            event_type=EventType.AUTH_PASSWORD_FAILED, ip=ip,
            data={"username": username, "purpose": purpose, "locked": locked},
        )
        if locked:
            audit_event_record(event_type=EventType.AUTH_LOCKED_OUT, data={"username": username}, ip=ip)
    spray_check(ip)
    return locked


# --- unlocking oneself ------------------------------------------------------------------------------------------


def _unlock(user, ip: str | None, method: str) -> int:
    failures = login_failures(user.username, ip)
    axes_reset(username=user.username, ip=ip)
    audit_event_record(
        event_type=EventType.AUTH_SELF_UNLOCKED, actor=user, obj=user,
        data={"username": user.username, "method": method, "failures_cleared": failures}, ip=ip,
    )
    return failures


def _refuse_unlock() -> ApplicationError:
    # one message for every refusal: it must not tell a stranger which usernames exist or have an authenticator
    return ApplicationError(
        "unlock_refused", _("用户名或验证码不正确，或该账号在此地址未被锁定"),
        "Wrong username or code, or the account is not locked here", details={"token": [_("验证码不正确")]},
    )


def self_unlock_with_totp(*, username: str, token: str, ip: str | None) -> int:
    """Unlock (username, this address) with a current code from the user's own authenticator."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not login_locked(username, ip):
        raise _refuse_unlock()
    if match_token(user, token) is None:  # django-otp throttles the device after repeated wrong codes
        audit_event_record(event_type=EventType.AUTH_OTP_FAILED, actor=user, ip=ip,
                           data={"username": username, "stage": "unlock"})
        raise _refuse_unlock()
    with transaction.atomic():
        return _unlock(user, ip, "totp")


def _lock_fingerprint(username: str, ip: str | None) -> str:
    """The lock's rows: unlocking deletes them and a new lock makes new ones, so an unlock link works once."""
    attempts = AccessAttempt.objects.filter(username=username, ip_address=ip).order_by("pk")
    return ",".join(str(pk) for pk in attempts.values_list("pk", flat=True))


def unlock_link_send(*, username: str, ip: str | None, build_url) -> bool:
    """E-mail a one-time unlock link for (username, this address) if the account has an e-mail; True if sent."""
    user = get_user_model().objects.filter(username=username, is_active=True).exclude(email="").first()
    if user is None or not login_locked(username, ip):
        return False
    token = signing.dumps({"u": user.pk, "ip": ip, "f": _lock_fingerprint(username, ip)}, salt=UNLOCK_LINK_SALT)
    minutes = UNLOCK_LINK_MAX_AGE // 60
    send_mail(
        _("职称申报评审系统：账号解锁链接"),
        _("您的账号因密码错误次数过多被锁定。如是本人操作，请在 %(m)d 分钟内打开以下链接解锁：\n%(url)s\n"
          "如非本人操作，请忽略本邮件并尽快修改密码。") % {"m": minutes, "url": build_url(token)},
        None, [user.email],
    )
    audit_event_record(event_type=EventType.AUTH_UNLOCK_LINK_SENT, actor=user, obj=user,
                       data={"username": username}, ip=ip)
    return True


def unlock_with_link(*, token: str, ip: str | None):
    """Lift the lock the link was made for; the link must be fresh, unused and opened from the same address."""
    try:
        data = signing.loads(token, salt=UNLOCK_LINK_SALT, max_age=UNLOCK_LINK_MAX_AGE)
    except signing.BadSignature as exc:
        raise _link_refused() from exc
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("ip") != ip or data.get("f") != _lock_fingerprint(user.username, ip):
        raise _link_refused()
    with transaction.atomic():
        _unlock(user, ip, "email")
    return user


def _link_refused() -> ApplicationError:
    return ApplicationError(
        "unlock_link_invalid", _("解锁链接无效、已使用或已过期，或不是在被锁定的网络中打开的"),
        "The unlock link is invalid, used, expired, or opened from another address",
    )
