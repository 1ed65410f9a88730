"""Who manages deliveries. notifications sits below accounts, so the role is named in settings, not imported."""

from __future__ import annotations

from django.conf import settings

from zhicheng.core.permissions import ALLOW, Decision, deny


def can_manage_deliveries(user) -> Decision:
    """The platform's system administrator (settings.ZHICHENG_NOTIFICATION_ADMIN_ROLES) sees and retries failures."""
    roles = getattr(settings, "ZHICHENG_NOTIFICATION_ADMIN_ROLES", ("system_admin",))
    if user.is_authenticated and user.memberships.filter(role__in=roles, is_active=True).exists():
        return ALLOW
    return deny("仅平台系统管理员可查看和重发失败的通知", "Only the system administrator manages failed notifications")
