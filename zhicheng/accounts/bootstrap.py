"""The first step of a new installation: the title office and its system and security administrators.

Every other account is opened by somebody; these three rows are the ones nobody can open yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError

from .models import PLATFORM_ADMIN_ROLES, IdType, Membership, Organisation, OrganisationKind, Role, User
from .services import _membership_activate, _user_build


@dataclass(frozen=True)
class PlatformAdmin:
    username: str
    real_name: str
    id_number: str
    phone: str = ""
    password: str | None = None
    id_type: str = IdType.RESIDENT


@dataclass(frozen=True)
class Bootstrapped:
    office: Organisation
    system_admin: User
    security_admin: User
    initial_passwords: dict[str, str]


def platform_is_bootstrapped() -> bool:
    return Membership.objects.filter(role__in=PLATFORM_ADMIN_ROLES, is_active=True).exists()


@transaction.atomic
def platform_bootstrap(
    *, office_name: str, system_admin: PlatformAdmin, security_admin: PlatformAdmin,
    office_credit_code: str | None = None, ip: str | None = None,
) -> Bootstrapped:
    """Create the office and its two first administrators; refused once any platform admin exists."""
    if platform_is_bootstrapped():
        raise ApplicationError(
            "already_bootstrapped", "平台已完成初始化，请由系统管理员开通账号",
            "The platform is already set up; the system administrator opens further accounts", status=409,
        )
    office = Organisation(
        name=(office_name or "").strip(), kind=OrganisationKind.OFFICE, credit_code=office_credit_code or None
    )
    office.full_clean()
    office.save()
    audit_event_record(
        event_type=EventType.PLATFORM_BOOTSTRAPPED, organisation=office, obj=office, data={"name": office.name}, ip=ip
    )
    users, passwords = [], {}
    for admin, role in ((system_admin, Role.SYSTEM_ADMIN), (security_admin, Role.SECURITY_ADMIN)):
        user, generated = _user_build(
            username=admin.username, real_name=admin.real_name, id_type=admin.id_type,
            id_number=admin.id_number, phone=admin.phone, password=admin.password,
        )
        if generated:
            passwords[user.username] = generated
        _membership_activate(actor=None, organisation=office, user=user, role=role, ip=ip)
        users.append(user)
    return Bootstrapped(office, users[0], users[1], passwords)
