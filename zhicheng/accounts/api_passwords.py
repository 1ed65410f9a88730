"""API: change one's own password, and an admin's one-time reset; mounted at /api/v1/."""

from __future__ import annotations

from ninja import Router, Schema

from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip

from . import passwords
from .api_security import session_auth
from .models import User

router = Router(tags=["passwords"])


class PasswordChangeIn(Schema):
    current_password: str
    new_password: str


class PasswordChangedOut(Schema):
    username: str
    tokens_revoked: bool = True


class PasswordResetOut(Schema):
    username: str
    one_time_password: str


# A browser session only: a leaked token must not be able to take the account over
@router.post("/me/password", response=PasswordChangedOut, auth=[session_auth])
def password_change(request, payload: PasswordChangeIn):
    """Change your password (the current one is checked and counts toward lockout); your tokens are revoked."""
    user = passwords.password_change(user=request.auth, current=payload.current_password,
                                     new=payload.new_password, ip=client_ip(request))
    return {"username": user.username}


@router.post("/users/{user_id}/password-reset", response=PasswordResetOut)
def password_reset(request, user_id: int):
    """Give a person of your organisation a one-time password, shown this once; they must replace it at log-in."""
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise NotFound("not_found", "用户不存在", "User not found")
    raw = passwords.password_reset_by_admin(actor=request.auth, user=target, ip=client_ip(request))
    return {"username": target.username, "one_time_password": raw}
