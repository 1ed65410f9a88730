"""Predicates and visibility: 三员分立, suspended organisations, who sees which organisation."""

import pytest

from zhicheng.accounts import permissions as perms
from zhicheng.accounts import selectors
from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import UserFactory, grant, member, org_tree, staff_up
from zhicheng.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    t = org_tree()
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.OFFICE_STAFF):
        t[role] = member(t["office"], role)
    return t


class TestSeparatedAdministrators:
    """三员分立: each platform administrator does one job only."""

    JOBS = {
        Role.SYSTEM_ADMIN: perms.can_manage_users,
        Role.SECURITY_ADMIN: perms.can_manage_roles,
        Role.AUDIT_ADMIN: perms.can_read_audit,
    }

    @pytest.mark.parametrize("role", list(JOBS))
    def test_each_admin_does_its_own_job_only(self, tree, role):
        for job_role, predicate in self.JOBS.items():
            decision = predicate(tree[role])
            assert bool(decision) is (job_role == role), (role, job_role)
            if not decision:
                assert decision.reason_zh and decision.reason_en

    def test_only_security_admin_manages_locks(self, tree):
        assert perms.can_manage_locks(tree[Role.SECURITY_ADMIN])
        assert not perms.can_manage_locks(tree[Role.SYSTEM_ADMIN])
        assert not perms.can_manage_locks(tree[Role.AUDIT_ADMIN])

    def test_system_admin_cannot_grant_even_org_roles(self, tree):
        decision = perms.can_grant_role(tree[Role.SYSTEM_ADMIN], tree["unit"], Role.REVIEW_CLERK, UserFactory())
        assert not decision and "安全管理员" in decision.reason_zh

    def test_audit_admin_cannot_grant_or_edit(self, tree):
        admin = tree[Role.AUDIT_ADMIN]
        assert not perms.can_grant_role(admin, tree["unit"], Role.REVIEW_CLERK, UserFactory())
        assert not perms.can_edit_organisations(admin)
        assert not perms.can_suspend_organisations(admin)


class TestSuspension:
    def test_suspended_organisation_cannot_act(self, tree):
        unit = tree["unit"]
        clerk = member(unit, Role.REVIEW_CLERK)
        assert perms.organisation_can_act(unit) and perms.membership_can_act(clerk, unit)
        unit.suspended_at = "2024-10-01T00:00:00+08:00"
        unit.save()
        unit.refresh_from_db()
        decision = perms.membership_can_act(clerk, unit)
        assert not decision and "只能查看" in decision.reason_zh
        assert not perms.user_can_act(clerk)

    def test_member_with_another_active_organisation_may_still_act_there(self, tree):
        unit = tree["unit"]
        user = member(unit, Role.REVIEW_CLERK)
        committee = tree["office"].children.create(name="工程评委会", kind="committee")
        grant(user, committee, Role.EXPERT)
        unit.suspended_at = "2024-10-01T00:00:00+08:00"
        unit.save()
        assert perms.user_can_act(user)
        assert not perms.membership_can_act(user, unit)

    def test_non_member_cannot_act_for_the_organisation(self, tree):
        assert not perms.membership_can_act(member(tree["other_unit"], Role.REVIEW_CLERK), tree["unit"])


class TestAccountPredicates:
    def test_department_admin_administers_its_units_not_others(self, tree):
        dept_admin = member(tree["department"], Role.ORG_ADMIN)
        assert perms.can_administer_accounts_of(dept_admin, tree["unit"])
        assert not perms.can_administer_accounts_of(dept_admin, tree["agency"])

    def test_roster_readers(self, tree):
        assert perms.can_view_roster(tree[Role.OFFICE_STAFF], tree["unit"])
        assert perms.can_view_roster(member(tree["unit"], Role.ORG_ADMIN), tree["unit"])
        assert not perms.can_view_roster(member(tree["unit"], Role.REVIEW_LEADER), tree["unit"])
        assert not perms.can_view_roster(tree[Role.SYSTEM_ADMIN], tree["unit"])

    def test_may_open_applicants_names_the_missing_roles(self, tree):
        decision = perms.organisation_may_open_applicants(tree["unit"])
        assert not decision and "系统管理员、审查经办、审查领导" in decision.reason_zh
        staff_up(tree["unit"])
        assert perms.organisation_may_open_applicants(tree["unit"])

    def test_departments_do_not_open_applicant_accounts(self, tree):
        staff_up(tree["department"])
        assert not perms.organisation_may_open_applicants(tree["department"])


class TestVisibility:
    def _names(self, user):
        return set(selectors.organisations_visible_to(user).values_list("name", flat=True))

    @pytest.mark.parametrize("role", [Role.OFFICE_STAFF, Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN])
    def test_office_and_platform_admins_see_all(self, tree, role):
        assert self._names(tree[role]) == {"新区组织部", "教体局", "新区人才服务中心", "第一中学", "第二中学"}

    def test_observer_sees_all(self, tree):
        assert len(self._names(member(tree["office"], Role.DISCIPLINE_OBSERVER))) == 5

    def test_department_sees_itself_and_children(self, tree):
        assert self._names(member(tree["department"], Role.REVIEW_CLERK)) == {"教体局", "第一中学", "第二中学"}

    def test_unit_sees_itself(self, tree):
        assert self._names(member(tree["unit"], Role.APPLICANT)) == {"第一中学"}

    def test_revoked_membership_sees_nothing(self, tree):
        user = UserFactory()
        m = grant(user, tree["unit"], Role.REVIEW_CLERK)
        m.is_active = False
        m.save()
        with pytest.raises(NotFound):
            selectors.organisation_get_visible(user, tree["unit"].pk)

    def test_role_gaps_in_fixed_order(self, tree):
        member(tree["unit"], Role.REVIEW_LEADER)
        assert selectors.organisation_role_gaps(tree["unit"]) == [Role.ORG_ADMIN, Role.REVIEW_CLERK]
        annotated = selectors.organisation_list(tree[Role.OFFICE_STAFF]).get(pk=tree["unit"].pk)
        assert selectors.role_gaps_annotated(annotated) == [Role.ORG_ADMIN, Role.REVIEW_CLERK]
