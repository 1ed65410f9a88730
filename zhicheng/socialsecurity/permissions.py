"""Who uploads the bureau's file (the office) and who reads the checks (reviewers, for the dossiers they see)."""

from __future__ import annotations

from zhicheng.accounts.models import Role
from zhicheng.accounts.permissions import is_office_staff
from zhicheng.accounts.selectors import user_active_roles
from zhicheng.core.permissions import ALLOW, Decision, deny
from zhicheng.dossiers.permissions import REVIEWING_ROLES


def can_upload_contributions(user) -> Decision:
    """Only the title office receives the bureau's file (issue 5 item 8)."""
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录", "Please log in")
    decision = is_office_staff(user)
    if not decision:
        return deny("仅职改办工作人员可导入社保数据", "Only title-office staff import the social-security file")
    return ALLOW


def can_view_imports(user) -> Decision:
    """An import lists every person in the file, so only the office (and the observer) reads it."""
    if Role.DISCIPLINE_OBSERVER in user_active_roles(user):
        return ALLOW
    decision = can_upload_contributions(user)
    if not decision:
        return deny("仅职改办工作人员可查看社保数据导入", "Only title-office staff see the imports")
    return ALLOW


def can_view_checks(user) -> Decision:
    """Reviewers (unit, department, office) and the observer; each sees the dossiers below them only."""
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录", "Please log in")
    if user_active_roles(user) & (REVIEWING_ROLES | {Role.DISCIPLINE_OBSERVER}):
        return ALLOW
    return deny("仅审查人员可查看社保核验结果", "Only reviewers see the social-security checks")
