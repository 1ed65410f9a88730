"""Who may see statistics, ask for exports and download archive bundles; each answer carries its reason."""

from __future__ import annotations

from django.conf import settings

from zhicheng.accounts.masking import masked
from zhicheng.accounts.models import Membership, Organisation, OrganisationKind, Role
from zhicheng.accounts.selectors import user_active_roles
from zhicheng.core.permissions import ALLOW, Decision, deny

K = OrganisationKind
# Statistics are for the bodies above units: the title office and the review departments (agencies act as one)
STATISTICS_KINDS = frozenset({K.OFFICE, K.DEPARTMENT, K.AGENCY})
STATISTICS_ROLES = frozenset({Role.OFFICE_STAFF, Role.REVIEW_CLERK, Role.REVIEW_LEADER})
# Who may download a finished dossier's archive bundle: the office's staff and the unit's reviewers
ARCHIVE_UNIT_ROLES = frozenset({Role.REVIEW_CLERK, Role.REVIEW_LEADER, Role.ORG_ADMIN})
_MAX_TREE_DEPTH = 6


def id_or_none(raw) -> int | None:
    """A database id from user input: digits only and short enough for a bigint (a longer one is no id, not a 500)."""
    text = str(raw if raw is not None else "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def statistics_organisations_for(user) -> list[Organisation]:
    """The office/departments where the user holds a statistics role (in kind then name order)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = Membership.objects.filter(
        user_id=user.pk, is_active=True, role__in=STATISTICS_ROLES, organisation__kind__in=STATISTICS_KINDS
    ).values_list("organisation_id", flat=True)
    return list(Organisation.objects.filter(pk__in=ids).order_by("kind", "name"))


def can_view_statistics(user, organisation: Organisation | None) -> Decision:
    if organisation is None or organisation.pk not in {o.pk for o in statistics_organisations_for(user)}:
        return deny("仅职改办及审核部门的审查人员可查看统计", "Only staff of the title office or a review department "
                    "may see statistics")
    return ALLOW


def area_ids(organisation: Organisation) -> list[int]:
    """The organisation and everything below it, without entering another title office's area (a few queries)."""
    ids, frontier = {organisation.pk}, {organisation.pk}
    for _depth in range(_MAX_TREE_DEPTH):
        frontier = set(
            Organisation.objects.filter(parent_id__in=frontier).exclude(kind=K.OFFICE).values_list("pk", flat=True)
        ) - ids
        if not frontier:
            break
        ids |= frontier
    return sorted(ids)


def may_see_full_id(user) -> bool:
    """ID numbers appear in full only for the roles in ZHICHENG_EXPORT_FULL_ID_ROLES (the office), masked otherwise."""
    return bool(user_active_roles(user) & set(getattr(settings, "ZHICHENG_EXPORT_FULL_ID_ROLES", ())))


def id_number_masked(value) -> str:
    """6201**********123X: enough to recognise, not enough to copy (as the pages' `masked` filter)."""
    return masked(value)


def _chain_ids(organisation) -> set[int]:
    ids, node = set(), organisation
    while node is not None and node.pk not in ids:
        ids.add(node.pk)
        node = node.parent
    return ids


def can_download_archive(user, dossier) -> Decision:
    """Staff of the title office above the dossier, or a reviewer/admin of the dossier's own unit."""
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录", "Please log in")
    memberships = Membership.objects.filter(user_id=user.pk, is_active=True).values_list("organisation_id", "role")
    chain = _chain_ids(dossier.organisation)
    for organisation_id, role in memberships:
        if role == Role.OFFICE_STAFF and organisation_id in chain:
            return ALLOW
        if role in ARCHIVE_UNIT_ROLES and organisation_id == dossier.organisation_id:
            return ALLOW
    return deny("仅职改办工作人员和申报单位可下载归档材料", "Only the title office and the applicant's unit may "
                "download the archive bundle")
