"""Services: each action allowed for the right person, refused (with a reason) for the others, and audited."""

import pytest

from zhicheng.accounts import services
from zhicheng.accounts.models import IdType, Membership, OrganisationKind, Role, StaffRosterEntry, User
from zhicheng.accounts.roster import roster_entry_add, roster_entry_remove, roster_import
from zhicheng.accounts.tests.factories import (
    StaffRosterEntryFactory,
    UserFactory,
    grant,
    make_credit_code,
    make_resident_id,
    member,
    org_tree,
    staff_up,
)
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    t = org_tree()
    office = t["office"]
    t["office_staff"] = member(office, Role.OFFICE_STAFF)
    t["system_admin"] = member(office, Role.SYSTEM_ADMIN)
    t["security_admin"] = member(office, Role.SECURITY_ADMIN)
    t["audit_admin"] = member(office, Role.AUDIT_ADMIN)
    return t


def _events(event_type):
    return AuditEvent.objects.filter(event_type=event_type)


class TestOrganisationCreate:
    def test_office_staff_creates_a_unit_and_it_is_audited(self, tree):
        org = services.organisation_create(
            actor=tree["office_staff"],
            name="第三中学",
            kind=OrganisationKind.UNIT,
            parent=tree["department"],
            credit_code=make_credit_code(),
            ip="10.0.0.1",
        )
        event = _events("organisation.created").get()
        assert event.object_id == str(org.pk) and event.ip == "10.0.0.1"

    def test_system_admin_may_create(self, tree):
        services.organisation_create(
            actor=tree["system_admin"], name="卫健委", kind="department", parent=tree["office"]
        )

    @pytest.mark.parametrize("who", ["security_admin", "audit_admin"])
    def test_other_admins_are_refused(self, tree, who):
        with pytest.raises(PermissionDenied):
            services.organisation_create(actor=tree[who], name="卫健委", kind="department", parent=tree["office"])

    def test_unit_admin_is_refused(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        with pytest.raises(PermissionDenied):
            services.organisation_create(actor=admin, name="卫健委", kind="department", parent=tree["office"])

    def test_bad_tree_is_refused_and_nothing_saved(self, tree):
        with pytest.raises(ApplicationError) as exc:
            services.organisation_create(
                actor=tree["office_staff"],
                name="错位单位",
                kind="unit",
                parent=tree["unit"],
                credit_code=make_credit_code(),
            )
        assert "parent" in exc.value.details
        assert not _events("organisation.created").exists()

    def test_unknown_field_is_refused(self, tree):
        with pytest.raises(ApplicationError):
            services.organisation_create(actor=tree["office_staff"], name="x", kind="department", colour="red")


class TestOrganisationUpdate:
    def test_moves_a_unit_and_records_the_change(self, tree):
        services.organisation_update(
            actor=tree["office_staff"], organisation=tree["unit"], changes={"parent": tree["agency"]}
        )
        tree["unit"].refresh_from_db()
        assert tree["unit"].parent == tree["agency"]
        assert _events("organisation.updated").get().data == {"parent": [tree["department"].pk, tree["agency"].pk]}

    def test_refused_for_unit_admin(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        with pytest.raises(PermissionDenied):
            services.organisation_update(actor=admin, organisation=tree["unit"], changes={"name": "改名"})


class TestSuspension:
    def test_suspended_unit_cannot_act_but_can_be_read(self, tree):
        roles = staff_up(tree["unit"])
        services.organisation_suspend(actor=tree["office_staff"], organisation=tree["unit"], reason="协助造假")
        entry = StaffRosterEntryFactory(organisation=tree["unit"])
        with pytest.raises(PermissionDenied) as exc:
            services.applicant_account_open(
                actor=roles[Role.ORG_ADMIN],
                organisation=tree["unit"],
                real_name=entry.real_name,
                id_number=entry.id_number,
                username="new1",
            )
        assert "已被停用" in exc.value.message_zh
        from zhicheng.accounts.selectors import organisation_get_visible

        assert organisation_get_visible(roles[Role.ORG_ADMIN], tree["unit"].pk) == tree["unit"]

    def test_reason_is_required(self, tree):
        with pytest.raises(ApplicationError) as exc:
            services.organisation_suspend(actor=tree["office_staff"], organisation=tree["unit"], reason=" ")
        assert "reason" in exc.value.details

    def test_only_office_staff_suspend(self, tree):
        with pytest.raises(PermissionDenied):
            services.organisation_suspend(actor=tree["system_admin"], organisation=tree["unit"], reason="x")

    def test_reinstate_restores_acting(self, tree):
        roles = staff_up(tree["unit"])
        services.organisation_suspend(actor=tree["office_staff"], organisation=tree["unit"], reason="核查")
        services.organisation_reinstate(actor=tree["office_staff"], organisation=tree["unit"])
        entry = StaffRosterEntryFactory(organisation=tree["unit"])
        services.applicant_account_open(
            actor=roles[Role.ORG_ADMIN],
            organisation=tree["unit"],
            real_name=entry.real_name,
            id_number=entry.id_number,
            username="new1",
        )
        assert [e.event_type for e in AuditEvent.objects.order_by("id")][:2] == [
            "organisation.suspended",
            "organisation.reinstated",
        ]

    def test_office_cannot_be_suspended(self, tree):
        with pytest.raises(ApplicationError):
            services.organisation_suspend(actor=tree["office_staff"], organisation=tree["office"], reason="x")

    def test_member_of_suspended_organisation_is_refused_everywhere(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        target = UserFactory()
        services.organisation_suspend(actor=tree["office_staff"], organisation=tree["unit"], reason="x")
        with pytest.raises(PermissionDenied):
            services.membership_grant(actor=admin, organisation=tree["unit"], user=target, role=Role.REVIEW_CLERK)


class TestMembershipGrant:
    def test_security_admin_grants_any_role(self, tree):
        user = UserFactory()
        services.membership_grant(actor=tree["security_admin"], organisation=tree["office"], user=user, role="expert")
        assert _events("membership.granted").get().data == {"user_id": user.pk, "role": "expert"}

    @pytest.mark.parametrize("who", ["system_admin", "audit_admin", "office_staff"])
    def test_other_admins_cannot_grant(self, tree, who):
        with pytest.raises(PermissionDenied) as exc:
            services.membership_grant(
                actor=tree[who], organisation=tree["unit"], user=UserFactory(), role="review_clerk"
            )
        assert "安全管理员" in exc.value.message_zh

    def test_org_admin_grants_clerk_in_own_unit(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        services.membership_grant(actor=admin, organisation=tree["unit"], user=UserFactory(), role=Role.REVIEW_CLERK)

    def test_org_admin_cannot_grant_in_another_unit(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        with pytest.raises(PermissionDenied):
            services.membership_grant(
                actor=admin, organisation=tree["other_unit"], user=UserFactory(), role="review_clerk"
            )

    def test_department_admin_opens_its_units_admin(self, tree):
        dept_admin = member(tree["department"], Role.ORG_ADMIN)
        services.membership_grant(actor=dept_admin, organisation=tree["unit"], user=UserFactory(), role=Role.ORG_ADMIN)

    def test_org_admin_cannot_grant_expert(self, tree):
        admin = member(tree["office"], Role.ORG_ADMIN)
        with pytest.raises(PermissionDenied):
            services.membership_grant(actor=admin, organisation=tree["office"], user=UserFactory(), role=Role.EXPERT)

    def test_nobody_grants_themselves(self, tree):
        with pytest.raises(PermissionDenied) as exc:
            services.membership_grant(
                actor=tree["security_admin"], organisation=tree["office"], user=tree["security_admin"], role="expert"
            )
        assert "自己" in exc.value.message_zh

    def test_applicant_role_is_not_granted_directly(self, tree):
        with pytest.raises(PermissionDenied):
            services.membership_grant(
                actor=tree["security_admin"], organisation=tree["unit"], user=UserFactory(), role="applicant"
            )

    def test_role_must_fit_the_kind(self, tree):
        with pytest.raises(PermissionDenied) as exc:
            services.membership_grant(
                actor=tree["security_admin"], organisation=tree["unit"], user=UserFactory(), role="expert"
            )
        assert "不设" in exc.value.message_zh

    def test_only_real_name_accounts(self, tree):
        anonymous = UserFactory(real_name="", id_number=None)
        with pytest.raises(PermissionDenied):
            services.membership_grant(
                actor=tree["security_admin"], organisation=tree["unit"], user=anonymous, role="review_clerk"
            )

    def test_granting_twice_is_refused(self, tree):
        user = UserFactory()
        services.membership_grant(
            actor=tree["security_admin"], organisation=tree["unit"], user=user, role="review_clerk"
        )
        with pytest.raises(ApplicationError) as exc:
            services.membership_grant(
                actor=tree["security_admin"], organisation=tree["unit"], user=user, role="review_clerk"
            )
        assert exc.value.code == "already_granted"


class TestMembershipRevoke:
    def test_security_admin_revokes_and_the_row_stays(self, tree):
        m = grant(UserFactory(), tree["unit"], Role.REVIEW_LEADER)
        services.membership_revoke(actor=tree["security_admin"], membership=m)
        m.refresh_from_db()
        assert not m.is_active
        assert _events("membership.revoked").exists()

    def test_regrant_reactivates(self, tree):
        user = UserFactory()
        m = grant(user, tree["unit"], Role.REVIEW_LEADER)
        services.membership_revoke(actor=tree["security_admin"], membership=m)
        services.membership_grant(
            actor=tree["security_admin"], organisation=tree["unit"], user=user, role="review_leader"
        )
        assert Membership.objects.get(pk=m.pk).is_active

    def test_system_admin_cannot_revoke(self, tree):
        m = grant(UserFactory(), tree["unit"], Role.REVIEW_LEADER)
        with pytest.raises(PermissionDenied):
            services.membership_revoke(actor=tree["system_admin"], membership=m)

    def test_nobody_revokes_their_own_role(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        with pytest.raises(PermissionDenied):
            services.membership_revoke(actor=admin, membership=admin.memberships.get())


class TestStaffAccountOpen:
    def test_unit_admin_opens_a_clerk(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        opened = services.staff_account_open(
            actor=admin,
            organisation=tree["unit"],
            username="clerk1",
            real_name="钱七",
            id_number=make_resident_id(),
            roles=[Role.REVIEW_CLERK],
        )
        assert opened.initial_password and opened.user.check_password(opened.initial_password)
        assert [m.role for m in opened.memberships] == [Role.REVIEW_CLERK]

    def test_unit_admin_cannot_open_for_another_unit(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        with pytest.raises(PermissionDenied):
            services.staff_account_open(
                actor=admin,
                organisation=tree["other_unit"],
                username="c",
                real_name="钱七",
                id_number=make_resident_id(),
                roles=[Role.REVIEW_CLERK],
            )

    def test_system_admin_opens_account_but_cannot_give_roles(self, tree):
        with pytest.raises(PermissionDenied):
            services.staff_account_open(
                actor=tree["system_admin"],
                organisation=tree["unit"],
                username="c",
                real_name="钱七",
                id_number=make_resident_id(),
                roles=[Role.REVIEW_CLERK],
            )
        assert not User.objects.filter(username="c").exists()
        services.staff_account_open(
            actor=tree["system_admin"],
            organisation=tree["unit"],
            username="c",
            real_name="钱七",
            id_number=make_resident_id(),
            roles=[],
        )

    def test_bad_id_and_weak_password_are_explained(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        with pytest.raises(ApplicationError) as exc:
            services.staff_account_open(
                actor=admin,
                organisation=tree["unit"],
                username="c",
                real_name="钱七",
                id_number="110105194912310021",
                roles=[Role.REVIEW_CLERK],
            )
        assert "校验位" in exc.value.details["id_number"][0]
        with pytest.raises(ApplicationError) as exc:
            services.staff_account_open(
                actor=admin,
                organisation=tree["unit"],
                username="c",
                real_name="钱七",
                id_number=make_resident_id(),
                password="abc",
                roles=[Role.REVIEW_CLERK],
            )
        assert "password" in exc.value.details


class TestApplicantAccountOpen:
    def _open(self, actor, org, entry, **kw):
        return services.applicant_account_open(
            actor=actor,
            organisation=org,
            real_name=kw.pop("real_name", entry.real_name),
            id_number=kw.pop("id_number", entry.id_number),
            username=kw.pop("username", f"u{entry.pk}"),
            **kw,
        )

    def test_three_role_rule_blocks_then_unblocks_once_a_leader_exists(self, tree):
        unit = tree["unit"]
        admin = member(unit, Role.ORG_ADMIN)
        member(unit, Role.REVIEW_CLERK)
        entry = StaffRosterEntryFactory(organisation=unit)
        with pytest.raises(ApplicationError) as exc:
            self._open(admin, unit, entry)
        assert exc.value.code == "roles_missing" and "审查领导" in exc.value.message_zh
        assert exc.value.details == {"missing_roles": [Role.REVIEW_LEADER]}
        assert not Membership.objects.filter(role=Role.APPLICANT).exists()
        member(unit, Role.REVIEW_LEADER)
        opened = self._open(admin, unit, entry)
        assert opened.user.memberships.get().role == Role.APPLICANT

    def test_missing_roles_are_all_listed(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        entry = StaffRosterEntryFactory(organisation=tree["unit"])
        with pytest.raises(ApplicationError) as exc:
            self._open(admin, tree["unit"], entry)
        assert exc.value.details["missing_roles"] == [Role.REVIEW_CLERK, Role.REVIEW_LEADER]

    def test_roles_held_by_nameless_or_inactive_accounts_do_not_count(self, tree):
        admin = staff_up(tree["unit"])[Role.ORG_ADMIN]
        leader = tree["unit"].memberships.get(role=Role.REVIEW_LEADER).user
        leader.is_active = False
        leader.save()
        entry = StaffRosterEntryFactory(organisation=tree["unit"])
        with pytest.raises(ApplicationError, match="审查领导"):
            self._open(admin, tree["unit"], entry)

    def test_unit_cannot_open_account_for_non_staff(self, tree):
        admin = staff_up(tree["unit"])[Role.ORG_ADMIN]
        with pytest.raises(ApplicationError) as exc:
            services.applicant_account_open(
                actor=admin, organisation=tree["unit"], real_name="外人", id_number=make_resident_id(), username="x"
            )
        assert exc.value.code == "not_on_roster" and "本单位职工" in exc.value.message_zh
        assert not User.objects.filter(username="x").exists()

    def test_removed_roster_entry_no_longer_counts(self, tree):
        admin = staff_up(tree["unit"])[Role.ORG_ADMIN]
        entry = StaffRosterEntryFactory(organisation=tree["unit"], is_active=False)
        with pytest.raises(ApplicationError, match="花名册"):
            self._open(admin, tree["unit"], entry)

    def test_name_must_match_the_roster(self, tree):
        admin = staff_up(tree["unit"])[Role.ORG_ADMIN]
        entry = StaffRosterEntryFactory(organisation=tree["unit"])
        with pytest.raises(ApplicationError, match="花名册"):
            self._open(admin, tree["unit"], entry, real_name="别人")

    def test_agency_opens_for_its_clients(self, tree):
        admin = staff_up(tree["agency"])[Role.ORG_ADMIN]
        entry = StaffRosterEntryFactory(organisation=tree["agency"], relation="client")
        self._open(admin, tree["agency"], entry, id_number=entry.id_number.lower())

    def test_one_applying_organisation_per_person(self, tree):
        admin = staff_up(tree["unit"])[Role.ORG_ADMIN]
        other_admin = staff_up(tree["other_unit"])[Role.ORG_ADMIN]
        entry = StaffRosterEntryFactory(organisation=tree["unit"])
        StaffRosterEntryFactory(organisation=tree["other_unit"], real_name=entry.real_name, id_number=entry.id_number)
        self._open(admin, tree["unit"], entry)
        with pytest.raises(ApplicationError) as exc:
            self._open(other_admin, tree["other_unit"], entry, username="another")
        assert exc.value.code == "applicant_elsewhere" and "第一中学" in exc.value.message_zh

    def test_existing_staff_user_is_reused(self, tree):
        roles = staff_up(tree["unit"])
        clerk = roles[Role.REVIEW_CLERK]
        entry = StaffRosterEntryFactory(organisation=tree["unit"], real_name=clerk.real_name, id_number=clerk.id_number)
        opened = self._open(roles[Role.ORG_ADMIN], tree["unit"], entry)
        assert opened.user == clerk and opened.initial_password is None

    def test_clerk_cannot_open_applicant_accounts(self, tree):
        roles = staff_up(tree["unit"])
        entry = StaffRosterEntryFactory(organisation=tree["unit"])
        with pytest.raises(PermissionDenied):
            self._open(roles[Role.REVIEW_CLERK], tree["unit"], entry)


class TestUserAdministration:
    def test_system_admin_creates_updates_and_deactivates(self, tree):
        opened = services.user_create(
            actor=tree["system_admin"], username="new", real_name="孙八", id_number=make_resident_id()
        )
        services.user_update(actor=tree["system_admin"], user=opened.user, changes={"phone": "13900000000"})
        services.user_deactivate(actor=tree["system_admin"], user=opened.user)
        opened.user.refresh_from_db()
        assert opened.user.phone == "13900000000" and not opened.user.is_active
        assert _events("user.deactivated").exists()

    @pytest.mark.parametrize("who", ["security_admin", "audit_admin", "office_staff"])
    def test_other_admins_cannot_manage_users(self, tree, who):
        target = UserFactory()
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=tree[who], user=target)
        with pytest.raises(PermissionDenied):
            services.user_create(actor=tree[who], username="n", real_name="孙八", id_number=make_resident_id())

    def test_system_admin_cannot_deactivate_self(self, tree):
        with pytest.raises(ApplicationError):
            services.user_deactivate(actor=tree["system_admin"], user=tree["system_admin"])

    def test_update_checks_the_id_number(self, tree):
        with pytest.raises(ApplicationError) as exc:
            services.user_update(
                actor=tree["system_admin"],
                user=UserFactory(),
                changes={"id_type": IdType.HMT_PERMIT, "id_number": "11010519491231002X"},
            )
        assert "810000" in exc.value.details["id_number"][0]


class TestRoster:
    def test_admin_adds_and_removes(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        entry = roster_entry_add(
            actor=admin, organisation=tree["unit"], real_name="周九", id_number="11010519491231002x"
        )
        assert entry.id_number == "11010519491231002X" and entry.relation == "employee"
        roster_entry_remove(actor=admin, entry=entry)
        assert not StaffRosterEntry.objects.get(pk=entry.pk).is_active
        assert [e.event_type for e in AuditEvent.objects.order_by("id")] == ["roster.added", "roster.removed"]

    def test_a_duplicate_id_number_under_another_name_is_refused_not_renamed(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        number = make_resident_id()
        roster_entry_add(actor=admin, organisation=tree["unit"], real_name="周九", id_number=number)
        with pytest.raises(ApplicationError) as refused:
            roster_entry_add(actor=admin, organisation=tree["unit"], real_name="吴十", id_number=number)
        assert refused.value.status == 409 and "周九" in refused.value.details["id_number"][0]
        assert list(StaffRosterEntry.objects.values_list("real_name", flat=True)) == ["周九"]

    def test_other_units_admin_cannot_touch_the_roster(self, tree):
        admin = member(tree["other_unit"], Role.ORG_ADMIN)
        with pytest.raises(PermissionDenied):
            roster_entry_add(actor=admin, organisation=tree["unit"], real_name="周九", id_number=make_resident_id())

    def test_import_refuses_whole_file_on_any_bad_line(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        good = make_resident_id()
        text = f"姓名,证件号码\n周九,{good}\n吴十,110105194912310021\n郑一,{good}\n"
        with pytest.raises(ApplicationError) as exc:
            roster_import(actor=admin, organisation=tree["unit"], text=text)
        lines = [e["line"] for e in exc.value.details["errors"]]
        assert lines == [3, 4]
        assert not StaffRosterEntry.objects.exists()

    def test_import_adds_and_counts(self, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        existing = StaffRosterEntryFactory(organisation=tree["unit"])
        text = (
            f"\ufeff姓名,证件号码,证件类型\n周九,{make_resident_id()},居民身份证\n"
            f"{existing.real_name},{existing.id_number}\n"
        )
        result = roster_import(actor=admin, organisation=tree["unit"], text=text)
        assert (result.added, result.unchanged) == (1, 1)
