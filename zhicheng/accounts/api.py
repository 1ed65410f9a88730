"""API: the caller, organisations, memberships, rosters and user accounts, with the pages' permission checks."""

from datetime import datetime

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination
from zhicheng.core.permissions import require

from . import roster, selectors, services
from .models import IdType, Role, User
from .permissions import can_manage_users, can_view_members, can_view_roster

router = Router(tags=["accounts"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    credit_code: str | None
    unit_type: str
    in_district: bool
    has_own_committee: bool
    has_post_management: bool
    professional_posts: int
    suspended_at: datetime | None
    suspended_reason: str


class OrganisationListOut(OrganisationOut):
    member_count: int
    child_count: int
    role_gaps: list[str]

    @staticmethod
    def resolve_role_gaps(obj) -> list[str]:
        return [str(r) for r in selectors.role_gaps_annotated(obj)]


class OrganisationDetailOut(OrganisationOut):
    role_gaps: list[str]

    @staticmethod
    def resolve_role_gaps(obj) -> list[str]:
        return [str(r) for r in selectors.organisation_role_gaps(obj)]


class OrganisationIn(Schema):
    name: str
    kind: str
    parent_id: int | None = None
    credit_code: str | None = None
    unit_type: str = ""
    in_district: bool = True
    has_own_committee: bool = False
    has_post_management: bool = False
    professional_posts: int = 0


class OrganisationPatch(Schema):
    name: str | None = None
    kind: str | None = None
    parent_id: int | None = None
    credit_code: str | None = None
    unit_type: str | None = None
    in_district: bool | None = None
    has_own_committee: bool | None = None
    has_post_management: bool | None = None
    professional_posts: int | None = None


class OrganisationFilter(Schema):
    kind: str | None = None
    parent: int | None = None
    suspended: bool | None = None
    q: str = ""


class SuspendIn(Schema):
    reason: str


class UserOut(Schema):
    id: int
    username: str
    real_name: str
    id_type: str
    id_number: str | None
    phone: str
    is_active: bool


class MembershipOut(Schema):
    id: int
    organisation_id: int
    user_id: int
    username: str
    real_name: str
    role: str
    is_active: bool
    created_at: datetime

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_real_name(obj) -> str:
        return obj.user.real_name


class MembershipIn(Schema):
    user_id: int
    role: Role


class MeOut(Schema):
    user: UserOut
    roles: list[str]
    memberships: list[MembershipOut]
    organisations: list[OrganisationOut]


class RosterOut(Schema):
    id: int
    real_name: str
    id_type: str
    id_number: str
    relation: str
    is_active: bool
    created_at: datetime


class PersonIn(Schema):
    real_name: str
    id_type: IdType = IdType.RESIDENT
    id_number: str


class AccountIn(PersonIn):
    username: str
    phone: str = ""
    password: str | None = None


class StaffAccountIn(AccountIn):
    roles: list[Role] = []


class AccountOut(Schema):
    user: UserOut
    memberships: list[MembershipOut]
    initial_password: str | None


def _parent(request, parent_id):
    if parent_id is None:
        return None
    parent = selectors.organisations_visible_to(request.auth).filter(pk=parent_id).first()
    if parent is None:
        raise services.invalid("parent", "上级机构不存在或无权查看", "Unknown parent organisation")
    return parent


def _user(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise services.invalid("user_id", "用户不存在", "Unknown user")
    return user


@router.get("/me", response=MeOut)
def me(request):
    """Who is calling: the user, the roles held and the organisations they are held in."""
    memberships = list(selectors.user_memberships(request.auth))
    return {
        "user": request.auth,
        "roles": sorted(selectors.user_active_roles(request.auth)),
        "memberships": memberships,
        "organisations": list({m.organisation_id: m.organisation for m in memberships}.values()),
    }


@router.get("/organisations", response=list[OrganisationListOut])
@paginate(Pagination, page_size=50)
def organisation_list(request, filters: Query[OrganisationFilter]):
    """Organisations the caller may see, filtered by kind, parent or suspension, with counts and role gaps."""
    return selectors.organisation_list(
        request.auth, kind=filters.kind, parent_id=filters.parent, suspended=filters.suspended, q=filters.q
    )


@router.post("/organisations", response={201: OrganisationDetailOut})
def organisation_create(request, payload: OrganisationIn):
    """Create an organisation (title office or system admin)."""
    fields = payload.dict(exclude={"parent_id"})
    org = services.organisation_create(
        actor=request.auth, parent=_parent(request, payload.parent_id), ip=client_ip(request), **fields
    )
    return Status(201, org)


@router.get("/organisations/{org_id}", response=OrganisationDetailOut)
def organisation_detail(request, org_id: int):
    return selectors.organisation_get_visible(request.auth, org_id)


@router.patch("/organisations/{org_id}", response=OrganisationDetailOut)
def organisation_update(request, org_id: int, payload: OrganisationPatch):
    """Change the fields given (title office or system admin)."""
    org = selectors.organisation_get_visible(request.auth, org_id)
    changes = payload.dict(exclude_unset=True)
    if "parent_id" in changes:
        changes["parent"] = _parent(request, changes.pop("parent_id"))
    return services.organisation_update(actor=request.auth, organisation=org, changes=changes, ip=client_ip(request))


@router.post("/organisations/{org_id}/suspend", response=OrganisationDetailOut)
def organisation_suspend(request, org_id: int, payload: SuspendIn):
    """Stop an organisation's account: it can only read until reinstated (§七(三))."""
    org = selectors.organisation_get_visible(request.auth, org_id)
    return services.organisation_suspend(
        actor=request.auth, organisation=org, reason=payload.reason, ip=client_ip(request)
    )


@router.post("/organisations/{org_id}/reinstate", response=OrganisationDetailOut)
def organisation_reinstate(request, org_id: int):
    org = selectors.organisation_get_visible(request.auth, org_id)
    return services.organisation_reinstate(actor=request.auth, organisation=org, ip=client_ip(request))


@router.get("/organisations/{org_id}/memberships", response=list[MembershipOut])
@paginate(Pagination, page_size=50)
def membership_list(request, org_id: int):
    org = selectors.organisation_get_visible(request.auth, org_id)
    require(can_view_members(request.auth, org))
    return selectors.organisation_memberships(org)


@router.post("/organisations/{org_id}/memberships", response={201: MembershipOut})
def membership_grant(request, org_id: int, payload: MembershipIn):
    """Give an existing user a role here (security admin; an org admin for admin, clerk and leader)."""
    org = selectors.organisation_get_visible(request.auth, org_id)
    membership = services.membership_grant(
        actor=request.auth, organisation=org, user=_user(payload.user_id), role=payload.role, ip=client_ip(request)
    )
    return Status(201, membership)


@router.delete("/memberships/{membership_id}", response=MembershipOut)
def membership_revoke(request, membership_id: int):
    membership = selectors.membership_get_visible(request.auth, membership_id)
    return services.membership_revoke(actor=request.auth, membership=membership, ip=client_ip(request))


@router.get("/organisations/{org_id}/roster", response=list[RosterOut])
@paginate(Pagination, page_size=50)
def roster_list(request, org_id: int):
    """The organisation's roster (花名册): the people it may open applicant accounts for."""
    org = selectors.organisation_get_visible(request.auth, org_id)
    require(can_view_roster(request.auth, org))
    return selectors.roster_entries(org)


@router.post("/organisations/{org_id}/roster", response={201: RosterOut})
def roster_add(request, org_id: int, payload: PersonIn):
    org = selectors.organisation_get_visible(request.auth, org_id)
    entry = roster.roster_entry_add(actor=request.auth, organisation=org, ip=client_ip(request), **payload.dict())
    return Status(201, entry)


@router.post("/organisations/{org_id}/applicants", response={201: AccountOut})
def applicant_open(request, org_id: int, payload: AccountIn):
    """Open an applicant account for a person on the roster (needs admin, clerk and leader; §六(八), §七(一))."""
    org = selectors.organisation_get_visible(request.auth, org_id)
    opened = services.applicant_account_open(
        actor=request.auth, organisation=org, ip=client_ip(request), **payload.dict()
    )
    return Status(201, opened)


@router.post("/organisations/{org_id}/staff", response={201: AccountOut})
def staff_open(request, org_id: int, payload: StaffAccountIn):
    """Open a real-name staff account with its roles (the organisation's admin or the admin above it)."""
    org = selectors.organisation_get_visible(request.auth, org_id)
    opened = services.staff_account_open(actor=request.auth, organisation=org, ip=client_ip(request), **payload.dict())
    return Status(201, opened)


@router.get("/users", response=list[UserOut])
@paginate(Pagination, page_size=50)
def user_list(request, q: str = ""):
    """User accounts (system admin only)."""
    require(can_manage_users(request.auth))
    return selectors.user_list(q=q)


@router.post("/users", response={201: AccountOut})
def user_create(request, payload: AccountIn):
    """Open a user account without roles (system admin; roles come from the security admin)."""
    return Status(201, services.user_create(actor=request.auth, ip=client_ip(request), **payload.dict()))


class UserPatch(Schema):
    real_name: str | None = None
    id_type: IdType | None = None
    id_number: str | None = None
    phone: str | None = None


def _managed_user(request, user_id: int) -> User:
    require(can_manage_users(request.auth))
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise NotFound("not_found", "用户不存在", "User not found")
    return target


@router.patch("/users/{user_id}", response=UserOut)
def user_update(request, user_id: int, payload: UserPatch):
    """Correct a user's real-name data (system admin)."""
    target = _managed_user(request, user_id)
    changes = payload.dict(exclude_unset=True)
    return services.user_update(actor=request.auth, user=target, changes=changes, ip=client_ip(request))


@router.post("/users/{user_id}/deactivate", response=UserOut)
def user_deactivate(request, user_id: int):
    """Stop an account from logging in (system admin)."""
    target = _managed_user(request, user_id)
    return services.user_deactivate(actor=request.auth, user=target, ip=client_ip(request))


@router.post("/users/{user_id}/reactivate", response=UserOut)
def user_reactivate(request, user_id: int):
    target = _managed_user(request, user_id)
    return services.user_set_active(actor=request.auth, user=target, active=True, ip=client_ip(request))
