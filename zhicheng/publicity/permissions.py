"""Who may publish, close and decide: review clerks and leaders of the publishing unit (or agency)."""

from __future__ import annotations

from zhicheng.accounts.models import Membership, Role
from zhicheng.core.permissions import ALLOW, Decision, deny

# office staff publish the evaluation results (result publicity) at the title office
PUBLICITY_ROLES = frozenset({Role.REVIEW_CLERK, Role.REVIEW_LEADER, Role.OFFICE_STAFF})


def publicity_organisation_ids(user) -> set[int]:
    """The organisations where the user is an active review clerk or leader."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user_id=user.pk, role__in=PUBLICITY_ROLES, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )


def can_manage_publicity(user, organisation_id: int) -> Decision:
    """A review clerk or leader of the organisation that publishes."""
    if organisation_id in publicity_organisation_ids(user):
        return ALLOW
    return deny("您不是该单位的审查人员", "You are not a reviewer of this organisation")
