"""Who plans a unit's staggered submission, and who sees the load against capacity."""

from __future__ import annotations

from zhicheng.accounts.models import Membership, OrganisationKind, Role
from zhicheng.core.permissions import ALLOW, Decision, deny

PLANNING_ROLES = (Role.ORG_ADMIN, Role.REVIEW_CLERK, Role.REVIEW_LEADER)
APPLYING_KINDS = (OrganisationKind.UNIT, OrganisationKind.AGENCY)


def can_plan_slots(user, organisation) -> Decision:
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录", "Please log in")
    if organisation.kind not in APPLYING_KINDS:
        return deny("只有用人单位和人才服务机构安排错峰申报", "Only units and agencies plan staggered submission")
    if not Membership.objects.filter(user_id=user.pk, organisation=organisation, role__in=PLANNING_ROLES,
                                     is_active=True).exists():
        return deny("仅本单位的系统管理员、审查经办或审查领导可以安排错峰申报",
                    "Only this unit's admin, clerk or leader plans its staggered submission")
    return ALLOW


def can_see_load(user) -> Decision:
    if getattr(user, "is_authenticated", False) and Membership.objects.filter(
            user_id=user.pk, organisation__kind=OrganisationKind.OFFICE, is_active=True,
            role__in=(Role.OFFICE_STAFF, Role.REVIEW_CLERK, Role.REVIEW_LEADER)).exists():
        return ALLOW
    return deny("仅职改办可以查看申报提交量", "Only the title office sees the submission load")
