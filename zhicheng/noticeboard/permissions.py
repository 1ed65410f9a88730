"""Who publishes on an office's notice board: that office's own staff (职改办工作人员), nobody else."""

from __future__ import annotations

from zhicheng.accounts.models import Membership, OrganisationKind, Role
from zhicheng.core.permissions import ALLOW, Decision, deny


def can_publish_notice(user, office) -> Decision:
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录", "Please log in")
    if office is None or office.kind != OrganisationKind.OFFICE:
        return deny("只有职改办发布通知公告", "Only a title office publishes notices")
    if not Membership.objects.filter(user_id=user.pk, organisation=office, role=Role.OFFICE_STAFF,
                                     is_active=True).exists():
        return deny("仅本职改办的工作人员可以发布或撤下本机构的通知公告",
                    "Only this office's staff publish or withdraw its notices")
    return ALLOW


def publishing_offices(user):
    """The offices where the user may publish (active office-staff memberships)."""
    from zhicheng.accounts.models import Organisation

    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=OrganisationKind.OFFICE, memberships__user_id=user.pk, memberships__role=Role.OFFICE_STAFF,
        memberships__is_active=True).distinct().order_by("name")
