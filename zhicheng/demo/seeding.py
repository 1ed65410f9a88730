"""Load the demo district through the same services the screens use; running it again changes nothing."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from zhicheng.accounts.auth_services import totp_device_create_confirmed, totp_secret_base32
from zhicheng.accounts.bootstrap import PlatformAdmin, platform_bootstrap, platform_is_bootstrapped
from zhicheng.accounts.models import PLATFORM_ADMIN_ROLES, Membership, Organisation, Role, StaffRosterEntry, User
from zhicheng.accounts.roster import roster_entry_add
from zhicheng.accounts.services import (
    applicant_account_open,
    membership_grant,
    organisation_create,
    staff_account_open,
)
from zhicheng.campaigns.services import campaign_load_from_file

from .dossiers import demo_dossiers_seed
from .evaluation import demo_evaluation_seed
from .live import demo_live_seed
from .logins import PLATFORM
from .notices import demo_notices_seed
from .organisations import BY_KEY, OFFICE, OrgSpec, parents_first
from .passwords import demo_password_hashed_once
from .people import DEMO_PASSWORD, Person, demo_people
from .results import demo_results_seed
from .review_chain import demo_review_chain_seed

# The two platform administrators that must exist before any service can be called (三员分立)
BOOTSTRAP_USERNAMES = ("sysadmin", "secadmin")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    roles: str
    organisation: str
    totp_secret: str
    case: str
    kind: str = ""  # the organisation's kind (OrganisationKind), to group the log-ins


@dataclass
class _Actors:
    sysadmin: User
    secadmin: User


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _bootstrap(people: dict[str, Person]) -> _Actors:
    """Create the office and its system and security administrators: nobody exists yet who could."""
    if not platform_is_bootstrapped():
        admins = [people[username] for username in BOOTSTRAP_USERNAMES]
        platform_bootstrap(
            office_name=OFFICE.name, office_credit_code=OFFICE.credit_code,
            **{
                key: PlatformAdmin(
                    username=p.username, real_name=p.real_name, id_number=p.id_number, phone=p.phone,
                    password=DEMO_PASSWORD,
                )
                for key, p in zip(("system_admin", "security_admin"), admins, strict=True)
            },
        )
    return _Actors(*(_user(username) for username in BOOTSTRAP_USERNAMES))


def _organisations(actors: _Actors) -> dict[str, Organisation]:
    """Create each organisation the demo needs (parents first), as the platform's system administrator."""
    orgs: dict[str, Organisation] = {}
    for spec in parents_first():
        org = Organisation.objects.filter(name=spec.name).first()
        if org is None:
            org = organisation_create(
                actor=actors.sysadmin, name=spec.name, kind=spec.kind,
                parent=orgs[spec.parent] if spec.parent else None, credit_code=spec.credit_code,
                unit_type=spec.unit_type, in_district=spec.in_district, has_own_committee=spec.has_own_committee,
                outside_branch=spec.outside_branch,
                has_post_management=spec.has_post_management, professional_posts=spec.professional_posts,
            )
        orgs[spec.key] = org
    return orgs


def _opener(person: Person, spec: OrgSpec) -> str | None:
    """Whose admin opens this account (§五(三)): the body above opens an admin, the admin opens its staff."""
    role = person.roles[0]
    if role in (Role.REVIEW_CLERK, Role.REVIEW_LEADER):
        return f"{spec.key}_admin"
    parent = BY_KEY.get(spec.parent)
    if role == Role.ORG_ADMIN and parent is not None and parent.handles_dossiers:
        return f"{parent.key}_admin"
    return None  # the system admin opens it and the security admin gives the role


def _staff_account(person: Person, orgs: dict[str, Organisation], actors: _Actors) -> User:
    org = orgs[person.organisation]
    user = _user(person.username)
    if user is None:
        opener = _opener(person, BY_KEY[person.organisation])
        account = staff_account_open(
            actor=_user(opener) if opener else actors.sysadmin, organisation=org, username=person.username,
            real_name=person.real_name, id_number=person.id_number, phone=person.phone, password=DEMO_PASSWORD,
            roles=person.roles if opener else (),
        )
        user = account.user
    wanted = [(org, role) for role in person.roles] + [(orgs[key], role) for key, role in person.extra]
    for organisation, role in wanted:
        if not Membership.objects.filter(user=user, organisation=organisation, role=role, is_active=True).exists():
            membership_grant(actor=actors.secadmin, organisation=organisation, user=user, role=role)
    totp_device_create_confirmed(user=user, key_hex=person.totp_key_hex)
    _demo_password_is_own(user)
    return user


def _roles_reconfirmed(org: Organisation) -> None:
    """The organisation's admin confirms its three real-name roles after the campaign's reset instant."""
    from zhicheng.accountreset.selectors import reset_state
    from zhicheng.accountreset.services import roles_reconfirm
    from zhicheng.accounts.selectors import organisation_role_gaps

    admin = Membership.objects.filter(organisation=org, role=Role.ORG_ADMIN, is_active=True).first()
    state = reset_state(org, timezone.now())
    if admin and state.reset_at and not state.before and state.reconfirmed_at is None \
            and not organisation_role_gaps(org):
        roles_reconfirm(actor=admin.user, organisation=org)


def _applicant_account(person: Person, orgs: dict[str, Organisation]) -> User:
    """Put the applicant on the roster of their unit or agency and open their account, as its admin."""
    org, admin = orgs[person.organisation], _user(f"{person.organisation}_admin")
    on_roster = StaffRosterEntry.objects.filter(
        organisation=org, id_number=person.id_number, is_active=True
    ).exists()
    if not on_roster:
        roster_entry_add(actor=admin, organisation=org, real_name=person.real_name, id_number=person.id_number)
    user = User.objects.filter(id_number=person.id_number).first()
    if user is None or not Membership.objects.filter(user=user, organisation=org, role=Role.APPLICANT).exists():
        user = applicant_account_open(
            actor=admin, organisation=org, real_name=person.real_name, id_number=person.id_number,
            phone=person.phone, username=person.username, password=DEMO_PASSWORD,
        ).user
    _demo_password_is_own(user)
    return user


def _demo_password_is_own(user: User) -> None:
    """The demo publishes every password on purpose; a forced change at first log-in would only block the tour."""
    User.objects.filter(pk=user.pk, password_must_change=True).update(password_must_change=False)


def _login(person: Person, user: User) -> DemoLogin:
    memberships = Membership.objects.filter(user=user, is_active=True).select_related("organisation").order_by("pk")
    device = user.totpdevice_set.filter(confirmed=True).first() if person.totp_key_hex else None
    return DemoLogin(
        username=user.username,
        roles="、".join(str(m.get_role_display()) for m in memberships),
        organisation="、".join(dict.fromkeys(m.organisation.name for m in memberships)),
        totp_secret=totp_secret_base32(device) if device else "",
        case=person.case.code if person.case else "",
        kind=PLATFORM if any(m.role in PLATFORM_ADMIN_ROLES for m in memberships) else
        memberships[0].organisation.kind if memberships else "",
    )


class _Progress:
    """One line per stage: what was done, with counts, and the seconds since the start."""

    def __init__(self, write: Callable[[str], None] | None) -> None:
        self.write, self.started = write, time.monotonic()

    def __call__(self, stage: str) -> None:
        if self.write is not None:
            self.write(f"[{time.monotonic() - self.started:5.1f} s] {stage}")


@transaction.atomic
def seed_demo(progress: Callable[[str], None] | None = None) -> list[DemoLogin]:
    """Load the 2024 campaign, the demo district and the live campaign; return every demo log-in."""
    step = _Progress(progress)
    with demo_password_hashed_once():
        campaign_load_from_file()
        step("2024 年度评审已载入 / 2024 campaign loaded")
        people = demo_people()
        actors = _bootstrap({p.username: p for p in people})
        orgs = _organisations(actors)
        step(f"机构 {len(orgs)} 个 / {len(orgs)} organisations")
        order = {spec.key: n for n, spec in enumerate(parents_first())}
        staff = sorted((p for p in people if p.case is None), key=lambda p: order[p.organisation])
        logins = []
        for key, group in itertools.groupby(staff, key=lambda p: p.organisation):
            logins += [_login(p, _staff_account(p, orgs, actors)) for p in group]
            _roles_reconfirmed(orgs[key])  # §六(八): its admin re-confirms the three roles before opening accounts
        step(f"工作人员账号 {len(logins)} 个 / {len(logins)} staff accounts")
        applicants = [_login(p, _applicant_account(p, orgs)) for p in people if p.case is not None]
        logins += applicants
        step(f"申报人账号 {len(applicants)} 个 / {len(applicants)} applicant accounts")
        report = demo_dossiers_seed()  # the applicants' 2024 dossiers, filled in on the window's last days
        step(f"2024 申报材料：提交 {len(report.submitted)}，草稿 {len(report.drafts)}，已有 {report.skipped} / "
             f"2024 dossiers: {len(report.submitted)} submitted, {len(report.drafts)} drafts, "
             f"{report.skipped} already there")
        chain = demo_review_chain_seed()  # what the units, departments and the office did with them in Oct-Nov 2024
        step("2024 审核过程已存在 / 2024 review chain already there" if chain.skipped else
             f"2024 审核过程：{len(chain.moved)} 份材料 / 2024 review chain: {len(chain.moved)} dossiers moved")
        demo_evaluation_seed()  # the engineering senior committee's meetings and an entrusted result, Dec 2024
        step("2024 评审会议与委托评审 / 2024 evaluation meetings and the entrusted result")
        demo_results_seed()  # result publicity, the title document, signed e-certificates (one revoked), Dec 2024
        step("2024 结果公示、发文与电子证书 / 2024 result publicity, title document and e-certificates")
        demo_notices_seed()  # the office's notice board: the notice, the manuals, a form
        step("通知公告 / notice board")
        live = demo_live_seed()  # a campaign of this year, open now, with dossiers at every step
        for org in orgs.values():  # the live campaign's reset instant: each admin re-confirms the roles again
            _roles_reconfirmed(org)
        step(live.summary())
    return logins
