"""Reading users, organisations and memberships."""

from __future__ import annotations

from django.conf import settings

from .models import STAFF_ROLES, Membership


def user_active_roles(user) -> set[str]:
    """The roles a user holds in any organisation, active memberships only."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_active_roles_cache", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True))
        user._active_roles_cache = cached
    return cached


def user_needs_second_factor(user) -> bool:
    """Staff (every role but applicant) must pass TOTP before reaching staff pages or the API."""
    if not settings.ZHICHENG_REQUIRE_STAFF_OTP:
        return False
    return bool(user_active_roles(user) & STAFF_ROLES) or bool(getattr(user, "is_superuser", False))
