"""Role predicates. Each answers with a Decision carrying the reason, for the UI and the API alike."""

from __future__ import annotations

from zhicheng.core.permissions import ALLOW, Decision, deny

from .models import APPLYING_KINDS, Membership, OrganisationKind, Role
from .selectors import organisation_role_gaps, user_active_roles


def _has_role(user, role: str) -> bool:
    return role in user_active_roles(user)


def is_office_staff(user) -> Decision:
    """Staff of the title office (职改办) set up campaigns, the catalog and the calendar."""
    if _has_role(user, Role.OFFICE_STAFF):
        return ALLOW
    return deny("仅职改办工作人员可执行此操作", "Only title-office staff may do this")


# 三员分立: each platform administrator does one job and none can do another's
def can_manage_users(user) -> Decision:
    """The system admin manages user accounts and settings (not roles, locks or audit events)."""
    if _has_role(user, Role.SYSTEM_ADMIN):
        return ALLOW
    return deny("仅平台系统管理员可管理用户账号与系统设置", "Only the system administrator manages users and settings")


def can_manage_roles(user) -> Decision:
    """The security admin assigns and removes roles."""
    if _has_role(user, Role.SECURITY_ADMIN):
        return ALLOW
    return deny("仅平台安全管理员可分配角色", "Only the security administrator manages roles")


def can_manage_locks(user) -> Decision:
    """The security admin locks and unlocks accounts."""
    if _has_role(user, Role.SECURITY_ADMIN):
        return ALLOW
    return deny("仅平台安全管理员可锁定或解锁账号", "Only the security administrator locks and unlocks accounts")


def can_read_audit(user) -> Decision:
    """The audit admin and the discipline observer (纪检) read audit events; nobody edits them."""
    if _has_role(user, Role.AUDIT_ADMIN) or _has_role(user, Role.DISCIPLINE_OBSERVER):
        return ALLOW
    return deny(
        "仅平台审计管理员和纪检监督人员可查看审计日志",
        "Only the audit administrator and discipline observers read the audit trail",
    )


# --- organisations -----------------------------------------------------------------------------------


def can_edit_organisations(user) -> Decision:
    """The office (and the system admin, who keeps the platform's settings) creates and edits organisations."""
    if _has_role(user, Role.OFFICE_STAFF) or _has_role(user, Role.SYSTEM_ADMIN):
        return ALLOW
    return deny(
        "仅职改办工作人员或平台系统管理员可新建、修改机构",
        "Only the title office or the system admin edits organisations",
    )


def can_suspend_organisations(user) -> Decision:
    """Only the office stops and restores an organisation's account (§七(三))."""
    if _has_role(user, Role.OFFICE_STAFF):
        return ALLOW
    return deny("仅职改办工作人员可停用或恢复机构", "Only the title office suspends or reinstates organisations")


def organisation_can_act(org) -> Decision:
    """A suspended organisation can do nothing but read (§七(三))."""
    if org is not None and org.is_suspended:
        return deny(f"机构“{org.name}”已被停用，只能查看，不能办理业务", f"{org.name} is suspended and can only read")
    return ALLOW


def membership_can_act(user, org) -> Decision:
    """The user holds an active role in the organisation and the organisation is not suspended."""
    if not Membership.objects.filter(user_id=getattr(user, "pk", None), organisation=org, is_active=True).exists():
        return deny("您不是该机构的成员", "You are not a member of this organisation")
    return organisation_can_act(org)


def user_can_act(user) -> Decision:
    """For any write: refuse a user whose every active role sits in a suspended organisation."""
    if not getattr(user, "is_authenticated", False):
        return ALLOW
    memberships = Membership.objects.filter(user_id=user.pk, is_active=True).select_related("organisation")
    orgs = [m.organisation for m in memberships]
    if orgs and all(org.is_suspended for org in orgs):
        return organisation_can_act(orgs[0])
    return ALLOW


def _admin_org_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user_id=user.pk, role=Role.ORG_ADMIN, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )


def is_org_admin(user, org) -> Decision:
    """The user is an active system administrator (系统管理员) of this organisation, which is not suspended."""
    if org.pk not in _admin_org_ids(user):
        return deny(f"仅“{org.name}”的系统管理员可执行此操作", f"Only the administrator of {org.name} may do this")
    return organisation_can_act(org)


def can_administer_accounts_of(user, org) -> Decision:
    """The organisation's own admin, or the admin of the body above it that opens its accounts (§五(三))."""
    admin_of = _admin_org_ids(user)
    acting = next((o for o in (org, org.parent) if o is not None and o.pk in admin_of), None)
    if acting is None:
        return deny(
            f"仅“{org.name}”或其上级机构的系统管理员可管理其账号",
            f"Only the administrator of {org.name} or of the body above it manages its accounts",
        )
    return organisation_can_act(acting)


# --- roles ---------------------------------------------------------------------------------------------

# Roles an organisation's own admin (系统管理员) may give and take within its organisation (§六(八))
ORG_ADMIN_GRANTABLE_ROLES = frozenset({Role.ORG_ADMIN, Role.REVIEW_CLERK, Role.REVIEW_LEADER})
_ALL_STAFF_KINDS = frozenset(
    {OrganisationKind.OFFICE, OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY, OrganisationKind.UNIT}
)
_PLATFORM_KINDS = frozenset({OrganisationKind.OFFICE, OrganisationKind.PROVINCE})
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.APPLICANT: APPLYING_KINDS,
    Role.ORG_ADMIN: _ALL_STAFF_KINDS,
    Role.REVIEW_CLERK: _ALL_STAFF_KINDS,
    Role.REVIEW_LEADER: _ALL_STAFF_KINDS,
    Role.OFFICE_STAFF: frozenset({OrganisationKind.OFFICE}),
    Role.COMMITTEE_SECRETARY: frozenset({OrganisationKind.COMMITTEE, OrganisationKind.OFFICE}),
    Role.EXPERT: frozenset({OrganisationKind.COMMITTEE, OrganisationKind.OFFICE}),
    Role.DISCIPLINE_OBSERVER: frozenset({OrganisationKind.OFFICE, OrganisationKind.DEPARTMENT}),
    Role.SYSTEM_ADMIN: _PLATFORM_KINDS,
    Role.SECURITY_ADMIN: _PLATFORM_KINDS,
    Role.AUDIT_ADMIN: _PLATFORM_KINDS,
}


def role_allowed_in(role: str, org) -> Decision:
    """Whether a role makes sense in this kind of organisation (an expert in a committee, not in a school)."""
    if org.kind in ROLE_ORGANISATION_KINDS.get(role, frozenset()):
        return ALLOW
    label, kind = Role(role).label, org.get_kind_display()
    return deny(f"“{kind}”类机构不设“{label}”角色", f"A {org.kind} has no {role} role")


def can_grant_role(actor, org, role: str, target) -> Decision:
    """The security admin gives any role; an org admin gives admin, clerk and leader in its own tree."""
    if role == Role.APPLICANT:
        return deny(
            "申报人账号须通过“开通申报人账号”办理（核对花名册）", "Applicant accounts are opened against the roster"
        )
    if getattr(target, "pk", None) == getattr(actor, "pk", None):
        return deny("不能给自己分配角色", "Nobody grants roles to themselves")
    if not (target.is_active and target.is_real_name):
        return deny(
            "只能给已实名（姓名和证件号码齐全）且有效的账号分配角色", "Roles go to active real-name accounts only"
        )
    allowed = role_allowed_in(role, org)
    if not allowed:
        return allowed
    if _has_role(actor, Role.SECURITY_ADMIN):
        return ALLOW
    if role not in ORG_ADMIN_GRANTABLE_ROLES:
        return can_manage_roles(actor)
    decision = can_administer_accounts_of(actor, org)
    return decision if decision else can_manage_roles(actor)


def can_revoke_membership(actor, membership) -> Decision:
    """The security admin removes any role; an org admin removes the staff and applicant roles it administers."""
    if membership.user_id == getattr(actor, "pk", None):
        return deny("不能撤销自己的角色", "Nobody removes their own role")
    if _has_role(actor, Role.SECURITY_ADMIN):
        return ALLOW
    if membership.role not in ORG_ADMIN_GRANTABLE_ROLES | {Role.APPLICANT}:
        return can_manage_roles(actor)
    decision = can_administer_accounts_of(actor, membership.organisation)
    return decision if decision else can_manage_roles(actor)


# --- accounts ------------------------------------------------------------------------------------------


def can_open_staff_account(actor, org) -> Decision:
    """The org admin (or the admin above it) opens staff accounts; the system admin may open one anywhere."""
    if _has_role(actor, Role.SYSTEM_ADMIN):
        return ALLOW
    return can_administer_accounts_of(actor, org)


def can_manage_roster(actor, org) -> Decision:
    """Only the organisation's own admin keeps its roster (花名册)."""
    if org.kind not in APPLYING_KINDS:
        return deny("只有用人单位和人才服务机构有花名册", "Only units and agencies keep a roster")
    return is_org_admin(actor, org)


def can_view_members(user, org) -> Decision:
    """Who holds which role is for the office, observers, platform admins and the staff of the organisation or above."""
    from .selectors import user_sees_all_organisations

    if user_sees_all_organisations(user):
        return ALLOW
    staff_of = set(
        Membership.objects.filter(user_id=user.pk, role__in=ORG_ADMIN_GRANTABLE_ROLES, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )
    if org.pk in staff_of or org.parent_id in staff_of:
        return ALLOW
    return deny("仅本机构或上级机构的工作人员可查看成员名单", "Only staff of the organisation or above see its members")


def can_view_roster(user, org) -> Decision:
    """Rosters carry ID numbers: the organisation's admin, the admin above it, the office and observers read them."""
    if _has_role(user, Role.OFFICE_STAFF) or _has_role(user, Role.DISCIPLINE_OBSERVER):
        return ALLOW
    admin_of = _admin_org_ids(user)
    if org.pk in admin_of or org.parent_id in admin_of:
        return ALLOW
    return deny("仅本机构或上级机构的系统管理员可查看花名册", "Only the organisation's administrators read its roster")


def organisation_may_open_applicants(org) -> Decision:
    """§六(八): no applicant accounts until real-name admin, clerk and leader members exist."""
    if org.kind not in APPLYING_KINDS:
        return deny("只有用人单位和人才服务机构可开通申报人账号", "Only units and agencies open applicant accounts")
    gaps = organisation_role_gaps(org)
    if gaps:
        zh = "、".join(str(Role(r).label) for r in gaps)
        return deny(
            f"本机构尚缺少实名的{zh}账号，配齐系统管理员、审查经办、审查领导后方可开通申报人账号",
            f"Missing real-name roles: {', '.join(gaps)}",
        )
    return organisation_can_act(org)


def can_open_applicant_account(actor, org) -> Decision:
    """The organisation's own admin, once the organisation has its three roles and is not suspended."""
    decision = is_org_admin(actor, org)
    return decision if not decision else organisation_may_open_applicants(org)


def can_reset_password(actor, target) -> Decision:
    """An organisation's admin (or the admin above it) resets the passwords of the people it administers.

    The platform's separated administrators are outside every organisation's reach (三员分立).
    """
    from .separation import SEPARATED_ROLES

    if getattr(target, "pk", None) == getattr(actor, "pk", None):
        return deny("请在“修改密码”页面修改自己的密码", "Change your own password on the password page")
    roles = Membership.objects.filter(user_id=target.pk, is_active=True).select_related("organisation")
    if any(m.role in SEPARATED_ROLES for m in roles):
        return deny(
            "平台管理员和纪检监督人员的密码不能由机构管理员重置", "Platform admins' passwords are not reset here"
        )
    administered = ORG_ADMIN_GRANTABLE_ROLES | {Role.APPLICANT}
    if any(m.role in administered and can_administer_accounts_of(actor, m.organisation) for m in roles):
        return ALLOW
    return deny("仅该用户所在机构或其上级机构的系统管理员可重置其密码",
                "Only the administrator of the user's organisation (or the body above it) resets the password")
