"""Who enters a paper's similarity result (§六(七)): the office for CNKI-indexed papers, the unit otherwise.

Never the applicant: the notice has the office run CNKI's check and refuses reports from applicants.
"""

from __future__ import annotations

from zhicheng.accounts.models import Membership, OrganisationKind, Role
from zhicheng.core.permissions import ALLOW, Decision, deny
from zhicheng.dossiers.permissions import can_view_dossier

ENTERING_ROLES = (Role.REVIEW_CLERK, Role.REVIEW_LEADER, Role.OFFICE_STAFF)


def _chain(organisation) -> list:
    out, node = [], organisation
    while node is not None and node not in out:
        out.append(node)
        node = node.parent
    return out


def office_of(user, dossier):
    """The title office above the dossier where the user holds an entering role, or None."""
    offices = [o.pk for o in _chain(dossier.organisation) if o.kind == OrganisationKind.OFFICE]
    member = Membership.objects.filter(user_id=user.pk, organisation_id__in=offices, role__in=ENTERING_ROLES,
                                       is_active=True).select_related("organisation").first()
    return member.organisation if member else None


def unit_of(user, dossier):
    """The dossier's own unit (or agency) when the user holds a clerk or leader role there, or None."""
    member = Membership.objects.filter(user_id=user.pk, organisation_id=dossier.organisation_id,
                                       role__in=(Role.REVIEW_CLERK, Role.REVIEW_LEADER), is_active=True).first()
    return dossier.organisation if member else None


def can_enter_similarity(user, dossier, *, cnki_indexed: bool) -> Decision:
    seen = can_view_dossier(user, dossier)
    if not seen:
        return seen
    if dossier.applicant_id == user.pk:
        return deny("查重结果由职改办或用人单位录入，申报人不能填写或修改",
                    "Similarity results are entered by the office or the unit, never by the applicant")
    if cnki_indexed:
        if office_of(user, dossier) is None:
            return deny("知网收录论文的查重结果由职改办录入", "The office enters results for CNKI-indexed papers")
        return ALLOW
    if unit_of(user, dossier) is None:
        return deny("未收录论文的查重结果由申报人所在单位上传盖章报告单并录入",
                    "For a paper not indexed by CNKI, the applicant's unit uploads its stamped report")
    return ALLOW


def can_import_similarity(user) -> Decision:
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录", "Please log in")
    if not Membership.objects.filter(user_id=user.pk, organisation__kind=OrganisationKind.OFFICE,
                                     role__in=ENTERING_ROLES, is_active=True).exists():
        return deny("仅职改办可以导入查重结果", "Only the title office imports similarity results")
    return ALLOW
