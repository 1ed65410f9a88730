"""Acting on organisations, roles and accounts: each function is one audited transaction that checks its predicate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError, validation_error_from_django
from zhicheng.core.permissions import require

from .hooks import account_opening_checks_run
from .models import IdType, Membership, Organisation, Role, StaffRosterEntry, User
from .passwords import one_time_password
from .permissions import (
    can_edit_organisations,
    can_grant_role,
    can_manage_users,
    can_open_applicant_account,
    can_open_staff_account,
    can_revoke_membership,
    can_suspend_organisations,
    is_org_admin,
    organisation_can_act,
    user_can_act,
)
from .selectors import organisation_role_gaps
from .separation import separation_allows_grant, separation_allows_revoking, separation_allows_switching_off
from .tokens import api_tokens_revoke_all
from .validators import id_number_error, normalise_id_number

ORGANISATION_FIELDS = (
    "name", "kind", "parent", "credit_code", "unit_type", "in_district", "has_own_committee",
    "outside_branch", "has_post_management", "professional_posts",
)
USER_EDITABLE_FIELDS = ("real_name", "id_type", "id_number", "phone", "email")


@dataclass(frozen=True)
class AccountOpened:
    """A new or re-used account; `initial_password` is shown once when the system generated it."""

    user: User
    memberships: tuple[Membership, ...]
    initial_password: str | None = None


def invalid(field: str, message: str, message_en: str = "") -> ApplicationError:
    """A 400 refusal whose message belongs next to one form field."""
    return ApplicationError("invalid", message, message_en, details={field: [message]})


def _refuse_unknown(given, allowed) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ApplicationError("invalid", f"不可修改的字段：{', '.join(unknown)}", details={"fields": unknown})


def full_clean_or_refuse(obj, *, exclude: list[str] | None = None) -> None:
    """Run the model's validation and turn its errors into one ApplicationError with per-field details."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_error_from_django(exc) from exc


def _forget_roles(user) -> None:
    """Drop the per-object role cache so the same Python object sees a grant or revocation at once."""
    user.__dict__.pop("_active_roles_cache", None)
    user.__dict__.pop("_active_role_pairs_cache", None)
    user.__dict__.pop("_active_memberships_cache", None)


# --- organisations -------------------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor: User, ip: str | None = None, **fields: Any) -> Organisation:
    """Create an organisation in the tree (office staff or system admin)."""
    require(user_can_act(actor))
    require(can_edit_organisations(actor))
    _refuse_unknown(fields, ORGANISATION_FIELDS)
    org = Organisation(**fields)
    full_clean_or_refuse(org)
    org.save()
    audit_event_record(
        event_type=EventType.ORGANISATION_CREATED, actor=actor, organisation=org, obj=org,
        data={"name": org.name, "kind": org.kind, "parent_id": org.parent_id}, ip=ip,
    )
    return org


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, changes: dict[str, Any], ip: str | None = None
) -> Organisation:
    """Change an organisation's attributes or its place in the tree (office staff or system admin)."""
    require(user_can_act(actor))
    require(can_edit_organisations(actor))
    _refuse_unknown(changes, ORGANISATION_FIELDS)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {name: _plain(getattr(org, name)) for name in changes}
    for name, value in changes.items():
        setattr(org, name, value)
    full_clean_or_refuse(org)
    org.save()
    after = {name: _plain(getattr(org, name)) for name in changes}
    diff = {name: [before[name], after[name]] for name in changes if before[name] != after[name]}
    audit_event_record(
        event_type=EventType.ORGANISATION_UPDATED, actor=actor, organisation=org, obj=org, data=diff, ip=ip
    )
    return org


def _plain(value):
    return getattr(value, "pk", value)


@transaction.atomic
def organisation_suspend(
    *, actor: User, organisation: Organisation, reason: str, ip: str | None = None
) -> Organisation:
    """Stop an organisation's account (§七(三)): from now on it can only read."""
    require(user_can_act(actor))
    require(can_suspend_organisations(actor))
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if org.kind == "office":
        raise ApplicationError("office_not_suspendable", "职改办不能被停用", "The title office cannot be suspended")
    if org.is_suspended:
        raise ApplicationError("already_suspended", "该机构已处于停用状态", "Already suspended")
    if not (reason or "").strip():
        raise invalid("reason", "请填写停用原因", "A reason is required")
    org.suspended_at, org.suspended_reason = timezone.now(), reason.strip()
    org.save(update_fields=["suspended_at", "suspended_reason", "updated_at"])
    audit_event_record(
        event_type=EventType.ORGANISATION_SUSPENDED, actor=actor, organisation=org, obj=org,
        data={"reason": reason}, ip=ip,
    )
    return org


@transaction.atomic
def organisation_reinstate(*, actor: User, organisation: Organisation, ip: str | None = None) -> Organisation:
    """Restore a suspended organisation's account."""
    require(user_can_act(actor))
    require(can_suspend_organisations(actor))
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not org.is_suspended:
        raise ApplicationError("not_suspended", "该机构未被停用", "Not suspended")
    org.suspended_at, org.suspended_reason = None, ""
    org.save(update_fields=["suspended_at", "suspended_reason", "updated_at"])
    audit_event_record(event_type=EventType.ORGANISATION_REINSTATED, actor=actor, organisation=org, obj=org, ip=ip)
    return org


# --- roles ---------------------------------------------------------------------------------------------


@transaction.atomic
def membership_grant(
    *, actor: User, organisation: Organisation, user: User, role: str, ip: str | None = None
) -> Membership:
    """Give a user a role in an organisation (security admin anywhere; org admin: admin, clerk, leader)."""
    require(user_can_act(actor))
    require(can_grant_role(actor, organisation, role, user))
    require(separation_allows_grant(user, role), code="separation_of_duties")
    return _membership_activate(actor=actor, organisation=organisation, user=user, role=role, ip=ip)


def _membership_activate(*, actor: User, organisation: Organisation, user: User, role: str, ip) -> Membership:
    membership = (
        Membership.objects.select_for_update().filter(user=user, organisation=organisation, role=role).first()
    )
    if membership is not None and membership.is_active:
        raise ApplicationError(
            "already_granted", f"{user}已拥有该机构的“{Role(role).label}”角色", "The user already holds this role"
        )
    if membership is None:
        membership = Membership.objects.create(user=user, organisation=organisation, role=role, created_by=actor)
    else:
        membership.is_active, membership.created_by = True, actor
        membership.save(update_fields=["is_active", "created_by", "updated_at"])
    _forget_roles(user)
    audit_event_record(
        event_type=EventType.MEMBERSHIP_GRANTED, actor=actor, organisation=organisation, obj=membership,
        data={"user_id": user.pk, "role": role}, ip=ip,
    )
    api_tokens_revoke_all(user=user, reason="role_changed", actor=actor, ip=ip)
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership, ip: str | None = None) -> Membership:
    """Take a role away; the row stays, inactive, so the history is kept."""
    require(user_can_act(actor))
    membership = Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    require(can_revoke_membership(actor, membership))
    if not membership.is_active:
        raise ApplicationError("already_revoked", "该角色已撤销", "Already revoked")
    require(separation_allows_revoking(membership), code="separation_of_duties")
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    _forget_roles(membership.user)
    audit_event_record(
        event_type=EventType.MEMBERSHIP_REVOKED, actor=actor, organisation=membership.organisation, obj=membership,
        data={"user_id": membership.user_id, "role": membership.role}, ip=ip,
    )
    api_tokens_revoke_all(user=membership.user, reason="role_changed", actor=actor, ip=ip)
    return membership


# --- accounts ------------------------------------------------------------------------------------------


def _user_build(
    *, username: str, real_name: str, id_type: str, id_number: str, phone: str, password: str | None,
    set_by_admin: bool = False,
) -> tuple[User, str | None]:
    """Validate and save a new real-name user; return it and the generated password, if any.

    A password an admin chose or was shown (`set_by_admin`) is one-time: the owner replaces it at first log-in.
    """
    username, real_name = (username or "").strip(), (real_name or "").strip()
    id_number = normalise_id_number(id_number)
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = ["请填写用户名"]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [f"用户名“{username}”已被使用"]
    if not real_name:
        errors["real_name"] = ["请填写真实姓名"]
    id_error = id_number_error(id_type, id_number)
    if id_error:
        errors["id_number"] = [id_error]
    elif User.objects.filter(id_type=id_type, id_number=id_number).exists():
        errors["id_number"] = ["该证件号码已有账号"]
    if errors:
        raise ApplicationError("invalid", next(iter(errors.values()))[0], details=errors)
    user = User(username=username, real_name=real_name, id_type=id_type, id_number=id_number, phone=phone or "")
    generated = None if password else one_time_password()
    try:
        validate_password(password or generated, user)
    except ValidationError as exc:
        raise ApplicationError("invalid", exc.messages[0], details={"password": exc.messages}) from exc
    user.set_password(password or generated)
    user.password_must_change = set_by_admin
    full_clean_or_refuse(user, exclude=["password"])
    user.save()
    return user, generated


@transaction.atomic
def user_create(
    *, actor: User, username: str, real_name: str, id_type: str = IdType.RESIDENT, id_number: str,
    phone: str = "", password: str | None = None, ip: str | None = None,
) -> AccountOpened:
    """Open a user account without any role (system admin; roles come from the security admin)."""
    require(user_can_act(actor))
    require(can_manage_users(actor))
    user, generated = _user_build(
        username=username, real_name=real_name, id_type=id_type, id_number=id_number, phone=phone, password=password,
        set_by_admin=True,
    )
    audit_event_record(
        event_type=EventType.USER_CREATED, actor=actor, obj=user, data={"username": user.username}, ip=ip
    )
    return AccountOpened(user=user, memberships=(), initial_password=generated)


@transaction.atomic
def staff_account_open(
    *, actor: User, organisation: Organisation, username: str, real_name: str, id_type: str = IdType.RESIDENT,
    id_number: str, phone: str = "", password: str | None = None, roles: tuple[str, ...] | list[str] = (),
    ip: str | None = None,
) -> AccountOpened:
    """Open a real-name staff account for an organisation and give it its roles in the same step."""
    require(user_can_act(actor))
    require(can_open_staff_account(actor, organisation))
    if not Membership.objects.filter(organisation=organisation, is_active=True).exists():
        account_opening_checks_run(organisation=organisation, kind="unit")  # a unit's first account (§六(八))
    if not roles and not can_manage_users(actor):
        raise invalid("roles", "请至少选择一个角色", "Choose at least one role")
    user, generated = _user_build(
        username=username, real_name=real_name, id_type=id_type, id_number=id_number, phone=phone, password=password,
        set_by_admin=True,
    )
    audit_event_record(
        event_type=EventType.USER_CREATED, actor=actor, organisation=organisation, obj=user,
        data={"username": user.username, "staff_of": organisation.pk}, ip=ip,
    )
    memberships = []
    for role in dict.fromkeys(roles):
        require(can_grant_role(actor, organisation, role, user))
        require(separation_allows_grant(user, role), code="separation_of_duties")
        memberships.append(_membership_activate(actor=actor, organisation=organisation, user=user, role=role, ip=ip))
    return AccountOpened(user=user, memberships=tuple(memberships), initial_password=generated)


@transaction.atomic
def user_update(*, actor: User, user: User, changes: dict[str, Any], ip: str | None = None) -> User:
    """Correct a user's real-name data (system admin)."""
    require(user_can_act(actor))
    require(can_manage_users(actor))
    _refuse_unknown(changes, USER_EDITABLE_FIELDS)
    target = User.objects.select_for_update().get(pk=user.pk)
    before = {name: getattr(target, name) for name in changes}
    for name, value in changes.items():
        setattr(target, name, value)
    full_clean_or_refuse(target, exclude=["password"])
    target.save()
    diff = {name: [before[name], getattr(target, name)] for name in changes if before[name] != getattr(target, name)}
    audit_event_record(event_type=EventType.USER_UPDATED, actor=actor, obj=target, data=diff, ip=ip)
    return target


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, ip: str | None = None) -> User:
    """Deactivate (or reactivate) a user account (system admin; never one's own)."""
    require(user_can_act(actor))
    require(can_manage_users(actor))
    if user.pk == actor.pk:
        raise ApplicationError("self", "不能停用或启用自己的账号", "You cannot change your own account's state")
    target = User.objects.select_for_update().get(pk=user.pk)
    if target.is_active == active:
        raise ApplicationError("unchanged", "账号已是启用状态" if active else "账号已是停用状态", "Unchanged")
    if not active:
        require(separation_allows_switching_off(actor, target), code="separation_of_duties")
    target.is_active = active
    target.save(update_fields=["is_active"])
    event = EventType.USER_REACTIVATED if active else EventType.USER_DEACTIVATED
    audit_event_record(event_type=event, actor=actor, obj=target, data={"username": target.username}, ip=ip)
    if not active:
        api_tokens_revoke_all(user=target, reason="deactivated", actor=actor, ip=ip)
    return target


def user_deactivate(*, actor: User, user: User, ip: str | None = None) -> User:
    """Stop a user account from logging in (system admin)."""
    return user_set_active(actor=actor, user=user, active=False, ip=ip)


# --- applicants (R-ACCOUNT, §六(八)) ---------------------------------------------------------------------


def _require_may_open_applicants(actor: User, org: Organisation) -> None:
    """Refuse with the list of missing roles, so the admin knows whom to appoint first."""
    require(is_org_admin(actor, org))
    gaps = organisation_role_gaps(org)
    if gaps:
        labels = "、".join(str(Role(r).label) for r in gaps)
        raise ApplicationError(
            "roles_missing",
            f"本机构尚缺少实名的{labels}账号，配齐系统管理员、审查经办、审查领导后方可开通申报人账号（§六(八)）",
            f"Missing real-name roles: {', '.join(gaps)}",
            details={"missing_roles": list(gaps)},
            status=403,
        )
    require(can_open_applicant_account(actor, org))


def _roster_entry_for(org: Organisation, id_type: str, id_number: str, real_name: str) -> StaffRosterEntry:
    entry = StaffRosterEntry.objects.filter(
        organisation=org, id_type=id_type, id_number=id_number, is_active=True
    ).first()
    if entry is None:
        who = "本单位职工" if org.kind == "unit" else "本机构人事代理人员"
        raise ApplicationError(
            "not_on_roster",
            f"证件号码 {id_number} 不在“{org.name}”的花名册中：只能为{who}开通申报账号（§七(一)）",
            "This person is not on the organisation's roster (R-ACCOUNT)",
            details={"id_number": ["不在本机构花名册中"]}, status=403,
        )
    if entry.real_name != real_name:
        raise ApplicationError(
            "name_mismatch", f"姓名与花名册不一致（花名册登记为“{entry.real_name}”）", "Name differs from the roster",
            details={"real_name": ["姓名与花名册不一致"]},
        )
    return entry


def _refuse_second_applying_organisation(user: User, org: Organisation) -> None:
    other = (
        Membership.objects.filter(user=user, role=Role.APPLICANT, is_active=True)
        .select_related("organisation").first()
    )
    if other is None:
        return
    if other.organisation_id == org.pk:
        raise ApplicationError("already_open", f"{user}已在本机构开通申报人账号", "Already an applicant here")
    raise ApplicationError(
        "applicant_elsewhere",
        f"{user}已通过“{other.organisation.name}”申报，每人只能通过一个单位或机构申报",
        "This person already applies through another organisation",
        details={"organisation_id": other.organisation_id},
    )


@transaction.atomic
def applicant_account_open(
    *, actor: User, organisation: Organisation, real_name: str, id_type: str = IdType.RESIDENT, id_number: str,
    phone: str = "", username: str = "", password: str | None = None, ip: str | None = None,
) -> AccountOpened:
    """Open (or re-use) an applicant's account for a person on the organisation's roster."""
    require(user_can_act(actor))
    _require_may_open_applicants(actor, organisation)
    account_opening_checks_run(organisation=organisation, kind="applicant")
    real_name, id_number = (real_name or "").strip(), normalise_id_number(id_number)
    id_error = id_number_error(id_type, id_number)
    if id_error:
        raise invalid("id_number", id_error)
    _roster_entry_for(organisation, id_type, id_number, real_name)
    user = User.objects.select_for_update().filter(id_type=id_type, id_number=id_number).first()
    generated = None
    if user is None:
        user, generated = _user_build(
            username=username, real_name=real_name, id_type=id_type, id_number=id_number, phone=phone,
            password=password, set_by_admin=True,
        )
        audit_event_record(event_type=EventType.USER_CREATED, actor=actor, organisation=organisation, obj=user, ip=ip)
    elif user.real_name != real_name:
        raise invalid("real_name", "姓名与该证件号码已有账号的姓名不一致", "The name differs from the existing account")
    _refuse_second_applying_organisation(user, organisation)
    membership = _membership_activate(
        actor=actor, organisation=organisation, user=user, role=Role.APPLICANT, ip=ip
    )
    return AccountOpened(user=user, memberships=(membership,), initial_password=generated)


def organisation_require_can_act(organisation: Organisation) -> None:
    """For other apps' services: refuse any action by a suspended organisation (§七(三))."""
    require(organisation_can_act(organisation), code="organisation_suspended")
