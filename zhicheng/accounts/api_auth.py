"""API: the security admin's account locks, mounted at /api/v1/auth/."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from zhicheng.core.http import client_ip
from zhicheng.core.pagination import MAX_PAGE

from . import auth_services as svc

router = Router(tags=["auth"])


class LockOut(Schema):
    username: str
    real_name: str
    failures: int
    last_failure_at: datetime | None
    locked_by_failures: bool
    locked_by_admin: bool


class UnlockIn(Schema):
    username: str


class LockIn(Schema):
    username: str
    reason: str = ""


class UnlockOut(Schema):
    username: str
    failures_cleared: int


class LockedOut(Schema):
    username: str
    is_active: bool


@router.get("/locks", response=list[LockOut])
def lock_list(request):
    """List accounts that cannot log in now (too many failures, or locked by the security admin)."""
    return svc.account_locks_list(actor=request.auth)


@router.post("/locks/unlock", response=UnlockOut)
def lock_remove(request, payload: UnlockIn):
    """Unlock an account: clear its failed log-ins and reactivate it (security admin only)."""
    cleared = svc.account_unlock(actor=request.auth, username=payload.username, ip=client_ip(request))
    return {"username": payload.username, "failures_cleared": cleared}


@router.post("/locks/lock", response=LockedOut)
def lock_add(request, payload: LockIn):
    """Lock an account so it can no longer log in (security admin only)."""
    return svc.account_lock(actor=request.auth, username=payload.username, reason=payload.reason, ip=client_ip(request))


class OtpResetOut(Schema):
    username: str
    devices_removed: int


@router.post("/otp/reset", response=OtpResetOut)
def otp_reset(request, payload: UnlockIn):
    """Remove a user's authenticator after a lost phone (security admin only); they bind a new one at log-in."""
    removed = svc.totp_device_reset(actor=request.auth, username=payload.username, ip=client_ip(request))
    return {"username": payload.username, "devices_removed": removed}


class AccountRowOut(Schema):
    id: int
    username: str
    real_name: str
    id_number_masked: str
    phone_masked: str
    is_active: bool
    locked_by_failures: bool
    locked_by_admin: bool
    has_authenticator: bool


class AccountPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[AccountRowOut]


class AccountFilters(Schema):
    q: str = Field("", max_length=150, description="用户名、姓名、证件号码或手机 / username, name, ID or phone")
    state: Literal["", "locked", "active", "inactive"] = Field("", description="已锁定、可登录、已停用 / state")
    page: int = Field(1, ge=1, le=MAX_PAGE, description="页码 / page number")


@router.get("/users", response=AccountPageOut)
def account_list(request, filters: Query[AccountFilters]):
    """The security admin's user list (masked ID and phone), 50 a page, as on the page: lock, unlock, reset from it."""
    page = svc.account_security_page(actor=request.auth, q=filters.q, state=filters.state, page=filters.page)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
            "items": page.object_list}
