"""Reading users, organisations and memberships."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from zhicheng.core.errors import NotFound

from .models import (
    REQUIRED_ORG_ROLES,
    STAFF_ROLES,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    StaffRosterEntry,
    User,
)


def user_active_roles(user) -> set[str]:
    """The roles a user holds in any organisation, active memberships only."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_active_roles_cache", None)
    if cached is None:
        cached = {role for role, _org in user_active_role_pairs(user)}
        user._active_roles_cache = cached
    return cached


def user_active_role_pairs(user) -> frozenset[tuple[str, int]]:
    """(role, organisation id) of the user's active memberships: one query per user object (so per request),
    shared by the role checks, the second-factor rule and the reviewing organisations."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_active_role_pairs_cache", None)
    if cached is None:
        cached = frozenset((m.role, m.organisation_id) for m in user_active_memberships(user))
        user._active_role_pairs_cache = cached
    return cached


def user_active_memberships(user) -> list[Membership]:
    """The user's active memberships with their organisations (by id), read once per user object (per request):
    the role checks and the top bar's role switcher share it."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_active_memberships_cache", None)
    if cached is None:
        cached = list(user_memberships(user))
        user._active_memberships_cache = cached
    return cached


def user_needs_second_factor(user) -> bool:
    """Staff (every role but applicant) must pass TOTP before reaching staff pages or the API."""
    if not settings.ZHICHENG_REQUIRE_STAFF_OTP:
        return False
    return bool(user_active_roles(user) & STAFF_ROLES) or bool(getattr(user, "is_superuser", False))


# Roles that see every organisation: the office, the discipline observer and the platform administrators
ALL_ORGANISATIONS_ROLES = frozenset(
    {Role.OFFICE_STAFF, Role.DISCIPLINE_OBSERVER, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
)
# Kinds whose members also see the organisations directly under them
_SUPERVISING_KINDS = frozenset(
    {OrganisationKind.OFFICE, OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY, OrganisationKind.PROVINCE}
)


def user_sees_all_organisations(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(user_active_roles(user) & ALL_ORGANISATIONS_ROLES)


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """All for the office, observers and platform admins; a department or agency: itself and its children."""
    qs = Organisation.objects.select_related("parent")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user_sees_all_organisations(user):
        return qs
    member_of = Membership.objects.filter(user=user, is_active=True)
    supervising = member_of.filter(organisation__kind__in=_SUPERVISING_KINDS)
    return qs.filter(
        Q(pk__in=member_of.values("organisation_id")) | Q(parent_id__in=supervising.values("organisation_id"))
    )


def organisation_get_visible(user, pk) -> Organisation:
    """The organisation if the user may see it; otherwise NotFound (no hint that it exists)."""
    org = organisations_visible_to(user).filter(pk=pk).first()
    if org is None:
        raise NotFound("not_found", "机构不存在或无权查看", "Organisation not found")
    return org


def _real_name_role_exists(role: str):
    return Exists(
        Membership.objects.filter(
            organisation_id=OuterRef("pk"), role=role, is_active=True, user__is_active=True,
            user__id_number__isnull=False,
        ).exclude(user__real_name="")
    )


def organisation_list(
    user, *, kind: str | None = None, parent_id: int | None = None, suspended: bool | None = None, q: str = ""
) -> QuerySet[Organisation]:
    """Visible organisations, filtered, with member and child counts and the required roles present."""
    qs = organisations_visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    if suspended is not None:
        qs = qs.filter(suspended_at__isnull=not suspended)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q.strip()))
    members = Membership.objects.filter(organisation_id=OuterRef("pk"), is_active=True).values("organisation_id")
    children = Organisation.objects.filter(parent_id=OuterRef("pk")).values("parent_id")
    return qs.annotate(
        member_count=Coalesce(Subquery(members.annotate(n=Count("pk")).values("n")[:1]), 0),
        child_count=Coalesce(Subquery(children.annotate(n=Count("pk")).values("n")[:1]), 0),
        has_org_admin=_real_name_role_exists(Role.ORG_ADMIN),
        has_review_clerk=_real_name_role_exists(Role.REVIEW_CLERK),
        has_review_leader=_real_name_role_exists(Role.REVIEW_LEADER),
    ).order_by("kind", "name")


REQUIRED_ORG_ROLES_ORDER = (Role.ORG_ADMIN, Role.REVIEW_CLERK, Role.REVIEW_LEADER)
_HAS_ROLE_ANNOTATION = {
    Role.ORG_ADMIN: "has_org_admin", Role.REVIEW_CLERK: "has_review_clerk", Role.REVIEW_LEADER: "has_review_leader"
}


# Organisations that handle dossiers and so need real-name admin, clerk and leader accounts (§六(八))
ROLE_REQUIRED_KINDS = frozenset(
    {OrganisationKind.OFFICE, OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY, OrganisationKind.UNIT}
)


def organisation_role_gaps(org) -> list[str]:
    """The required roles (§六(八)) the organisation lacks a real-name, active member for, in a fixed order."""
    if org.kind not in ROLE_REQUIRED_KINDS:
        return []
    present = set(
        Membership.objects.filter(
            organisation=org, role__in=REQUIRED_ORG_ROLES, is_active=True, user__is_active=True,
            user__id_number__isnull=False,
        )
        .exclude(user__real_name="")
        .values_list("role", flat=True)
    )
    return [role for role in REQUIRED_ORG_ROLES_ORDER if role not in present]


def role_gaps_annotated(org) -> list[str]:
    """The same answer as organisation_role_gaps, read from organisation_list's annotations (no query)."""
    if org.kind not in ROLE_REQUIRED_KINDS:
        return []
    return [role for role in REQUIRED_ORG_ROLES_ORDER if not getattr(org, _HAS_ROLE_ANNOTATION[role])]


def organisation_memberships(org, *, active_only: bool = False) -> QuerySet[Membership]:
    qs = Membership.objects.filter(organisation=org).select_related("user", "created_by").order_by("role", "pk")
    return qs.filter(is_active=True) if active_only else qs


def user_memberships(user) -> QuerySet[Membership]:
    """A user's active memberships with their organisations (for /me and the role switcher)."""
    return Membership.objects.filter(user=user, is_active=True).select_related("organisation").order_by("pk")


def user_role_organisation_ids(user, roles) -> set[int]:
    """Organisations in which the user holds one of the roles, active membership only."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=list(roles), is_active=True).values_list(
            "organisation_id", flat=True
        )
    )


def roster_entries(org, *, active_only: bool = False) -> QuerySet[StaffRosterEntry]:
    qs = StaffRosterEntry.objects.filter(organisation=org).select_related("added_by").order_by("real_name", "pk")
    return qs.filter(is_active=True) if active_only else qs


def user_list(*, q: str = "") -> QuerySet:
    """Users for the system admin, searchable by username, name, ID number or phone."""
    qs = User.objects.order_by("username")
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(username__icontains=q) | Q(real_name__icontains=q) | Q(id_number__iexact=q.upper()) | Q(phone=q)
        )
    return qs


def membership_get_visible(user, pk) -> Membership:
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=pk, organisation__in=organisations_visible_to(user))
        .first()
    )
    if membership is None:
        raise NotFound("not_found", "角色记录不存在或无权查看", "Membership not found")
    return membership


def organisation_people(organisation_id: int, roles) -> QuerySet:
    """Active people holding one of `roles` in the organisation (whom to tell about its work)."""
    return (User.objects.filter(memberships__organisation_id=organisation_id, memberships__role__in=list(roles),
                                memberships__is_active=True, is_active=True)
            .distinct().order_by("pk"))
