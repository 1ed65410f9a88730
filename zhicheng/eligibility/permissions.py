"""Who may act on a dossier's findings: reviewers override and confirm, the applicant declares exemptions."""

from __future__ import annotations

from zhicheng.core.permissions import ALLOW, Decision, deny
from zhicheng.dossiers.permissions import can_edit_dossier, can_view_dossier, reviews_within_chain
from zhicheng.dossiers.recusal import is_impartial


def can_review_eligibility(user, dossier) -> Decision:
    """A clerk or leader reviewing the dossier's organisation or a body above it, never the applicant."""
    seen = can_view_dossier(user, dossier)
    if not seen:
        return seen
    impartial = is_impartial(user, dossier)  # the applicant (and, later, a declared relative) steps aside
    if not impartial:
        return impartial
    if not reviews_within_chain(user, dossier.organisation):
        return deny("仅审核单位的经办人员或领导可以认定资格检查结果", "Only reviewers may decide on findings")
    return ALLOW


def can_declare_exemption(user, dossier) -> Decision:
    """The applicant, while the dossier is a draft."""
    return can_edit_dossier(user, dossier)
