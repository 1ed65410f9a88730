"""Role predicates. Each answers with a Decision carrying the reason, for the UI and the API alike."""

from __future__ import annotations

from zhicheng.core.permissions import ALLOW, Decision, deny

from .models import Role
from .selectors import user_active_roles


def _has_role(user, role: str) -> bool:
    return role in user_active_roles(user)


def is_office_staff(user) -> Decision:
    """Staff of the title office (职改办) set up campaigns, the catalog and the calendar."""
    if _has_role(user, Role.OFFICE_STAFF):
        return ALLOW
    return deny("仅职改办工作人员可执行此操作", "Only title-office staff may do this")


# 三员分立: each platform administrator does one job and none can do another's
def can_manage_users(user) -> Decision:
    """The system admin manages user accounts and settings (not roles, locks or audit events)."""
    if _has_role(user, Role.SYSTEM_ADMIN):
        return ALLOW
    return deny("仅平台系统管理员可管理用户账号与系统设置", "Only the system administrator manages users and settings")


def can_manage_roles(user) -> Decision:
    """The security admin assigns and removes roles."""
    if _has_role(user, Role.SECURITY_ADMIN):
        return ALLOW
    return deny("仅平台安全管理员可分配角色", "Only the security administrator manages roles")


def can_manage_locks(user) -> Decision:
    """The security admin locks and unlocks accounts."""
    if _has_role(user, Role.SECURITY_ADMIN):
        return ALLOW
    return deny("仅平台安全管理员可锁定或解锁账号", "Only the security administrator locks and unlocks accounts")


def can_read_audit(user) -> Decision:
    """The audit admin and the discipline observer (纪检) read audit events; nobody edits them."""
    if _has_role(user, Role.AUDIT_ADMIN) or _has_role(user, Role.DISCIPLINE_OBSERVER):
        return ALLOW
    return deny(
        "仅平台审计管理员和纪检监督人员可查看审计日志",
        "Only the audit administrator and discipline observers read the audit trail",
    )
