"""Passwords: change, expiry, an admin's one-time reset, and re-checking the password for a signature.

Whoever sets a password for someone else (opening an account, a reset) gives a one-time password:
the owner must replace it at the next log-in, so the admin never knows the password that then signs the
integrity pledge. Staff passwords expire after `ZHICHENG_STAFF_PASSWORD_MAX_AGE_DAYS`. Every wrong password
outside the log-in form counts toward the same lockout (lockout.py) and is audited, so no page or endpoint is
an unlimited password oracle.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import require

from .lockout import password_failure_record, refuse_if_locked
from .models import STAFF_ROLES, User
from .permissions import can_reset_password, user_can_act
from .selectors import user_active_roles
from .tokens import api_tokens_revoke_all

OWED_INITIAL = "initial"
OWED_EXPIRED = "expired"


def one_time_password() -> str:
    """A one-time password that passes the validators: upper, lower, digits and a symbol."""
    return f"Zc{secrets.token_urlsafe(10)}#7"


def password_change_owed(user) -> str | None:
    """Why the user must change their password before anything else: 'initial', 'expired', or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.password_must_change:
        return OWED_INITIAL
    max_age = settings.ZHICHENG_STAFF_PASSWORD_MAX_AGE_DAYS
    changed = user.password_changed_at or user.date_joined
    # the date first: the roles cost a query, and this runs on every request
    if max_age and changed < timezone.now() - timedelta(days=max_age) and user_active_roles(user) & STAFF_ROLES:
        return OWED_EXPIRED
    return None


def _check_or_count(user, password: str, *, ip: str | None, purpose: str, field: str) -> None:
    """Refuse at a locked address; count and audit a wrong password, then refuse (429 once it locks)."""
    refuse_if_locked(user.get_username(), ip)
    if user.check_password(password or ""):
        return
    locked = password_failure_record(username=user.get_username(), ip=ip, purpose=purpose)
    message = _("密码错误次数过多，已暂时锁定") if locked else _("登录密码不正确，请重新输入")
    raise ApplicationError("wrong_password", message, "Wrong password", status=429 if locked else 403,
                           details={field: [message]})


def password_confirm(*, user, password: str, ip: str | None, purpose: str) -> None:
    """Re-check the user's own password (e.g. to sign the pledge); a wrong one counts toward lockout, audited.

    Call it outside the caller's transaction: the failure must stay recorded when the caller's work is refused.
    """
    if user.password_must_change:
        raise ApplicationError(
            "password_change_required", _("请先修改由管理员设置的初始密码，再用您自己的密码签署"),
            "Replace the password an administrator set before signing with it", status=403,
            details={"password": [_("请先修改初始密码")]},
        )
    _check_or_count(user, password, ip=ip, purpose=purpose, field="password")


def _validated(user, new: str, current: str) -> str:
    if not new:
        raise _field("new_password", _("请输入新密码"))
    if new == current:
        raise _field("new_password", _("新密码不能与当前密码相同"))
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise ApplicationError("invalid", exc.messages[0], details={"new_password": exc.messages}) from exc
    return new


def _field(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", message, details={field: [message]})


def password_change(*, user, current: str, new: str, ip: str | None = None) -> User:
    """Replace one's own password after re-checking the current one; every API token of the user is revoked."""
    _check_or_count(user, current, ip=ip, purpose="password_change", field="current_password")
    _validated(user, new, current)
    with transaction.atomic():
        target = User.objects.select_for_update().get(pk=user.pk)
        was_owed = password_change_owed(target)
        target.set_password(new)
        target.password_must_change = False
        target.password_changed_at = timezone.now()
        target.save(update_fields=["password", "password_must_change", "password_changed_at"])
        audit_event_record(event_type=EventType.AUTH_PASSWORD_CHANGED, actor=target, obj=target,
                           data={"username": target.username, "was_owed": was_owed or ""}, ip=ip)
        api_tokens_revoke_all(user=target, reason="password_changed", actor=target, ip=ip)
    user.password, user.password_must_change = target.password, False
    user.password_changed_at = target.password_changed_at
    return target


def password_reset_by_admin(*, actor, user, ip: str | None = None) -> str:
    """Give the user a one-time password to replace at the next log-in; returned once, never stored in clear."""
    require(user_can_act(actor))
    require(can_reset_password(actor, user))
    raw = one_time_password()
    with transaction.atomic():
        target = User.objects.select_for_update().get(pk=user.pk)
        target.set_password(raw)
        target.password_must_change = True
        target.password_changed_at = timezone.now()
        target.save(update_fields=["password", "password_must_change", "password_changed_at"])
        audit_event_record(event_type=EventType.AUTH_PASSWORD_RESET, actor=actor, obj=target,
                           data={"username": target.username}, ip=ip)
        api_tokens_revoke_all(user=target, reason="password_reset", actor=actor, ip=ip)
    return raw
