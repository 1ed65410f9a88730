"""The active role: which of a user's memberships the shell and the dashboard act for."""

from __future__ import annotations

from zhicheng.accounts import selectors as account_selectors
from zhicheng.accounts.models import Membership, Role
from zhicheng.campaigns.selectors import campaign_current
from zhicheng.core.errors import PermissionDenied

SESSION_KEY = "zhicheng_active_membership"

# Without a choice in the session, staff work comes first; the applicant role last
_ROLE_ORDER: list[str] = [
    Role.OFFICE_STAFF, Role.REVIEW_LEADER, Role.REVIEW_CLERK, Role.ORG_ADMIN, Role.COMMITTEE_SECRETARY,
    Role.EXPERT, Role.DISCIPLINE_OBSERVER, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN,
    Role.APPLICANT,
]


def user_memberships(user) -> list[Membership]:
    """The user's active memberships with their organisations, in switcher order (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = list(account_selectors.user_active_memberships(user))  # shared with the request's role checks
    return sorted(rows, key=lambda m: (_ROLE_ORDER.index(m.role) if m.role in _ROLE_ORDER else 99, m.id))


def active_membership(request) -> Membership | None:
    """The membership chosen in the session, else the first; cached on the request."""
    if not hasattr(request, "_zc_memberships"):
        request._zc_memberships = user_memberships(request.user)
    memberships = request._zc_memberships
    if not memberships:
        return None
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return next((m for m in memberships if m.id == chosen), memberships[0])


def active_membership_choose(request, membership_id) -> Membership:
    """Make one of the user's own active memberships the active role; refuse anyone else's."""
    try:
        wanted = int(membership_id)
    except (TypeError, ValueError):
        wanted = None
    membership = next((m for m in user_memberships(request.user) if m.id == wanted), None)
    if membership is None:
        raise PermissionDenied(
            "membership_not_yours", "只能切换到您本人的有效角色", "You can only switch to one of your own active roles"
        )
    request.session[SESSION_KEY] = membership.id
    request.__dict__.pop("_zc_memberships", None)
    return membership


def current_campaign(request):
    """The active campaign (or None), read once per request for the top bar and the page."""
    if not hasattr(request, "_zc_campaign"):
        request._zc_campaign = campaign_current()
    return request._zc_campaign
