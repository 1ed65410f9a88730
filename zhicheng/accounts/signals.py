"""Write every log-in event to the audit trail; the password never leaves the credentials it came in."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.http import client_ip


def _ip(request) -> str | None:
    return client_ip(request) if request is not None and hasattr(request, "META") else None


def _username(value) -> str:
    return str(value or "")[:150]


@receiver(user_logged_in, dispatch_uid="zhicheng_audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    audit_event_record(
        event_type=EventType.AUTH_LOGIN, actor=user, data={"username": user.get_username()}, ip=_ip(request)
    )


@receiver(user_logged_out, dispatch_uid="zhicheng_audit_logout")
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is None:  # logging out an anonymous session changes nothing worth recording
        return
    audit_event_record(
        event_type=EventType.AUTH_LOGOUT, actor=user, data={"username": user.get_username()}, ip=_ip(request)
    )


@receiver(user_login_failed, dispatch_uid="zhicheng_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the username is kept: Django masks the password, and we do not copy the credentials at all
    data = {"username": _username(credentials.get("username"))}
    if getattr(request, "axes_locked_out", False):
        data["locked_out"] = True
    audit_event_record(event_type=EventType.AUTH_LOGIN_FAILED, data=data, ip=_ip(request))


@receiver(user_locked_out, dispatch_uid="zhicheng_audit_locked_out")
def audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    audit_event_record(
        event_type=EventType.AUTH_LOCKED_OUT, data={"username": _username(username)}, ip=_ip(request) or ip_address
    )
