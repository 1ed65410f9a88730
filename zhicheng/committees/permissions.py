"""Who may act in evaluation: the office and its committees' secretaries, the meeting's experts and its chair."""

from __future__ import annotations

from zhicheng.accounts.models import Membership, Organisation, Role
from zhicheng.core.permissions import ALLOW, Decision, deny

from .models import Committee, Expert, Meeting, MeetingMember, SeatStatus

SECRETARY_ROLES = frozenset({Role.COMMITTEE_SECRETARY})
OFFICE_ROLES = frozenset({Role.OFFICE_STAFF, Role.REVIEW_LEADER})


def _roles_in(user, organisation_ids, roles) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user_id=user.pk, organisation_id__in=list(organisation_ids), role__in=roles,
                                     is_active=True).exists()


def secretary_committee_org_ids(user) -> set[int]:
    """The committee organisations where the user is secretary."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user_id=user.pk, role__in=SECRETARY_ROLES, is_active=True,
                                         organisation__kind="committee").values_list("organisation_id", flat=True))


def office_role_ids(user) -> set[int]:
    """The title offices where the user holds an office role (staff, leader) or is the office's own secretary."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user_id=user.pk, role__in=OFFICE_ROLES | SECRETARY_ROLES, is_active=True,
                                         organisation__kind="office").values_list("organisation_id", flat=True))


def managed_office_ids(user) -> set[int]:
    """The title offices whose pool the user manages: office staff there, or a secretary of a committee under it."""
    if not getattr(user, "is_authenticated", False):
        return set()
    own = office_role_ids(user)
    parents = set(Organisation.objects.filter(pk__in=secretary_committee_org_ids(user))
                  .values_list("parent_id", flat=True))
    return own | {pk for pk in parents if pk}


def can_manage_pool(user, office) -> Decision:
    if office is not None and office.pk in managed_office_ids(user):
        return ALLOW
    return deny("仅职改办工作人员或评委会秘书可管理专家库", "Only the office or a committee secretary manages the pool")


def can_run_committee(user, committee: Committee) -> Decision:
    """The committee's secretary, or the staff of the office above it."""
    org = committee.organisation
    if committee.organisation_id in secretary_committee_org_ids(user) or _roles_in(
            user, [org.parent_id], OFFICE_ROLES | SECRETARY_ROLES):
        return ALLOW
    return deny("您不是该评审委员会的秘书", "You are not this committee's secretary")


def can_office_act(user, office) -> Decision:
    if office is not None and _roles_in(user, [office.pk], OFFICE_ROLES):
        return ALLOW
    return deny("仅职改办工作人员可办理委托评审", "Only the title office handles entrusted evaluation")


def seat_of(user, meeting: Meeting) -> MeetingMember | None:
    """The user's seat in the meeting as a member (not an alternate in reserve, not declined)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (MeetingMember.objects.select_related("expert")
            .filter(meeting=meeting, expert__user_id=user.pk,
                    status__in=[SeatStatus.INVITED, SeatStatus.CONFIRMED]).first())


def is_meeting_chair(user, meeting: Meeting) -> Decision:
    if meeting.chair_id is not None and Expert.objects.filter(pk=meeting.chair_id, user_id=user.pk).exists():
        return ALLOW
    return deny("仅主持会议的主任委员可办理", "Only the presiding chair may do this")
