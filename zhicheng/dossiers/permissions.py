"""Who may read and change a dossier; each answer carries its reason."""

from __future__ import annotations

from collections.abc import Iterator

from zhicheng.accounts.models import Membership, Role
from zhicheng.accounts.selectors import user_active_role_pairs, user_active_roles
from zhicheng.core.permissions import ALLOW, Decision, deny

from .holders import holder_organisation
from .models import DossierState

# Roles that review dossiers submitted to their organisation or to an organisation below it
REVIEWING_ROLES = frozenset({Role.REVIEW_CLERK, Role.REVIEW_LEADER, Role.OFFICE_STAFF})

_NOT_VISIBLE = deny("您无权查看该申报材料", "You may not see this dossier")


def is_dossier_owner(user, dossier) -> Decision:
    if getattr(user, "is_authenticated", False) and dossier.applicant_id == user.pk:
        return ALLOW
    return deny("仅申报人本人可办理", "Only the applicant may do this")


def reviewing_organisation_ids(user) -> set[int]:
    """The organisations where the user holds an active reviewing role."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {org for role, org in user_active_role_pairs(user) if role in REVIEWING_ROLES}


def chain_up(organisation) -> Iterator[int]:
    """The organisation and every body above it (unit → department → office → province), one at a time, upwards:
    a caller that stops at the first match reads no parent above it (the dossier comes with its organisation and
    that one's parent; each body higher up is a query)."""
    seen: set[int] = set()
    node = organisation
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        yield node.pk
        node = node.parent


def reviews_within_chain(user, organisation) -> bool:
    """Whether the user reviews the organisation or a body above it (stops at the lowest such body)."""
    reviewing = reviewing_organisation_ids(user)
    return bool(reviewing) and any(pk in reviewing for pk in chain_up(organisation))


def can_view_dossier(user, dossier) -> Decision:
    """The applicant; the discipline observer; reviewers of the organisation or above it, once submitted."""
    if not getattr(user, "is_authenticated", False):
        return deny("请先登录", "Please log in")
    if dossier.applicant_id == user.pk:
        return ALLOW
    if Role.DISCIPLINE_OBSERVER in user_active_roles(user):
        return ALLOW
    if dossier.submitted_at is None:
        return _NOT_VISIBLE
    if reviews_within_chain(user, dossier.organisation):
        return ALLOW
    return _NOT_VISIBLE


def can_edit_dossier(user, dossier) -> Decision:
    """Only the applicant, and only while the dossier is a draft or returned to them for changes."""
    owner = is_dossier_owner(user, dossier)
    if not owner:
        return owner
    if dossier.state not in (DossierState.DRAFT, DossierState.RETURNED):
        return deny(
            f"申报材料当前为“{dossier.get_state_display()}”状态，不能修改",
            f"The dossier is {dossier.state} and cannot be changed",
        )
    return ALLOW


def _has_role_in(user, organisation, roles) -> bool:
    """An active membership with one of the roles in the organisation: from the user's active memberships, read
    once per user object (per request) and shared with the other role checks, instead of a query per check."""
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return any(role in roles and org_id == organisation.pk for role, org_id in user_active_role_pairs(user))


def is_holder_staff(user, dossier) -> Decision:
    """A review clerk or leader (or office staff, at the office) of the organisation holding the dossier now."""
    if _has_role_in(user, holder_organisation(dossier), REVIEWING_ROLES):
        return ALLOW
    return deny("您不是当前办理单位的审查人员", "You are not a reviewer of the organisation holding this dossier")


def is_holder_leader(user, dossier) -> Decision:
    """A review leader of the organisation holding the dossier now: the one who confirms decisions."""
    if _has_role_in(user, holder_organisation(dossier), {Role.REVIEW_LEADER}):
        return ALLOW
    return deny("须由当前办理单位的审查领导确认", "A review leader of the holding organisation must confirm")


# Roles that act in the evaluation steps (the office, the committee's secretary, the chair who signs)
EVALUATION_ROLES = frozenset({Role.OFFICE_STAFF, Role.REVIEW_LEADER, Role.COMMITTEE_SECRETARY, Role.EXPERT})


def is_evaluation_actor(user, dossier) -> Decision:
    """Office staff or leaders of the title office, or a secretary or expert of a committee under it.

    The committees app checks the finer rule (the meeting's secretary, its chair) before it asks for the step."""
    from .holders import title_office_of

    office = title_office_of(dossier.organisation)
    if office is not None and getattr(user, "is_authenticated", False) and Membership.objects.filter(
        user_id=user.pk, is_active=True, role__in=EVALUATION_ROLES,
        organisation__in=[office.pk, *office.children.filter(kind="committee").values_list("pk", flat=True)],
    ).exists():
        return ALLOW
    return deny("您不是本次评审的办理人员", "You do not act in this evaluation")


# the answer depends on the dossier's unit alone: a batch of steps asks once per unit (dossier_transition_many)
is_evaluation_actor.by_organisation = True  # type: ignore[attr-defined]


def is_title_office_leader(user, dossier) -> Decision:
    """A review leader of the dossier's title office: who revokes a title conferred (nobody holds it any more)."""
    from .holders import title_office_of

    if _has_role_in(user, title_office_of(dossier.organisation), {Role.REVIEW_LEADER}):
        return ALLOW
    return deny("须由职改办的审查领导办理", "A review leader of the title office must do this")
