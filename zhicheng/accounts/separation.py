"""三员分立: the system, security and audit administrators (and the discipline observer) stay separate people.

One account never holds two of these roles; none of their holders can deactivate or lock another
holder; and the last active holder of each platform administrator role cannot lose it or their account, so the
platform is never left without someone to manage users, roles and locks, or to read the audit trail.
"""

from __future__ import annotations

from zhicheng.core.permissions import ALLOW, Decision, deny

from .models import Membership, Role

# The observer (纪检) reads the audit trail like the audit admin, so it is kept apart from the three too
SEPARATED_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.DISCIPLINE_OBSERVER})
# Roles the platform cannot run without: the last active holder stays
INDISPENSABLE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def _separated_roles_of(user) -> set[str]:
    return set(
        Membership.objects.filter(user_id=user.pk, is_active=True, role__in=SEPARATED_ROLES).values_list(
            "role", flat=True
        )
    )


def separation_allows_grant(user, role: str) -> Decision:
    """A separated role goes only to an account that holds no other separated role."""
    if role not in SEPARATED_ROLES:
        return ALLOW
    others = _separated_roles_of(user) - {role}
    if others:
        held = "、".join(str(Role(r).label) for r in sorted(others))
        return deny(
            f"三员分立：该账号已担任{held}，不能再担任{Role(role).label}",
            f"Separation of duties: this account already holds {', '.join(sorted(others))}",
        )
    return ALLOW


def separation_allows_switching_off(actor, target) -> Decision:
    """Nobody deactivates or locks the holder of a separated role; the role has to be removed first."""
    held = _separated_roles_of(target)
    if held and _separated_roles_of(actor):
        labels = "、".join(str(Role(r).label) for r in sorted(held))
        return deny(
            f"三员分立：不能停用或锁定{labels}的账号；如确需停用，请先由安全管理员撤销其角色",
            "Separation of duties: a platform administrator cannot switch off another; remove the role first",
        )
    return _not_last_holder_of_any(target, held)


def _not_last_holder_of_any(user, held: set[str]) -> Decision:
    for role in sorted(held & INDISPENSABLE_ROLES):
        others = (
            Membership.objects.filter(role=role, is_active=True, user__is_active=True).exclude(user_id=user.pk).exists()
        )
        if not others:
            return deny(
                f"三员分立：{user}是最后一位有效的{Role(role).label}，请先任命另一位",
                f"{user} is the last active {role}; appoint another one first",
            )
    return ALLOW


def separation_allows_revoking(membership) -> Decision:
    """The last active holder of a platform administrator role keeps it."""
    if membership.role not in INDISPENSABLE_ROLES:
        return ALLOW
    return _not_last_holder_of_any(membership.user, {membership.role})
