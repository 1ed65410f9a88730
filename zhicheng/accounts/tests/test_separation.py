"""三员分立 attacks (issue 10 finding 7): one administrator cannot merge the roles or switch the others off."""

import pytest

from zhicheng.accounts.auth_services import account_lock
from zhicheng.accounts.models import Membership, OrganisationKind, Role
from zhicheng.accounts.services import membership_grant, membership_revoke, user_deactivate
from zhicheng.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhicheng.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return OrganisationFactory(kind=OrganisationKind.OFFICE, credit_code=None, unit_type="")


@pytest.fixture
def platform(office):
    """One holder of each separated role, in the office."""
    return {
        role: MembershipFactory(organisation=office, role=role).user
        for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.DISCIPLINE_OBSERVER)
    }


class TestNoAccountHoldsTwo:
    def test_security_admin_cannot_make_the_system_admin_audit_admin(self, platform, office):
        with pytest.raises(PermissionDenied) as exc:
            membership_grant(actor=platform[Role.SECURITY_ADMIN], organisation=office,
                             user=platform[Role.SYSTEM_ADMIN], role=Role.AUDIT_ADMIN)
        assert exc.value.code == "separation_of_duties"
        assert "三员分立" in exc.value.message_zh
        assert not Membership.objects.filter(user=platform[Role.SYSTEM_ADMIN], role=Role.AUDIT_ADMIN).exists()

    def test_nor_the_observer_audit_admin(self, platform, office):
        with pytest.raises(PermissionDenied):
            membership_grant(actor=platform[Role.SECURITY_ADMIN], organisation=office,
                             user=platform[Role.DISCIPLINE_OBSERVER], role=Role.AUDIT_ADMIN)

    def test_a_plain_account_may_become_audit_admin(self, platform, office):
        newcomer = UserFactory()
        membership_grant(actor=platform[Role.SECURITY_ADMIN], organisation=office, user=newcomer,
                         role=Role.AUDIT_ADMIN)
        assert Membership.objects.filter(user=newcomer, role=Role.AUDIT_ADMIN, is_active=True).exists()

    def test_other_roles_beside_a_separated_one_stay_possible(self, platform, office):
        membership_grant(actor=platform[Role.SECURITY_ADMIN], organisation=office,
                         user=platform[Role.AUDIT_ADMIN], role=Role.OFFICE_STAFF)


class TestNoneSwitchesAnotherOff:
    @pytest.mark.parametrize("victim", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.DISCIPLINE_OBSERVER])
    def test_system_admin_cannot_deactivate(self, platform, victim):
        with pytest.raises(PermissionDenied) as exc:
            user_deactivate(actor=platform[Role.SYSTEM_ADMIN], user=platform[victim])
        assert exc.value.code == "separation_of_duties"
        platform[victim].refresh_from_db()
        assert platform[victim].is_active

    @pytest.mark.parametrize("victim", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.DISCIPLINE_OBSERVER])
    def test_security_admin_cannot_lock(self, platform, victim):
        with pytest.raises(PermissionDenied):
            account_lock(actor=platform[Role.SECURITY_ADMIN], username=platform[victim].username)
        platform[victim].refresh_from_db()
        assert platform[victim].is_active

    def test_system_admin_still_deactivates_ordinary_staff(self, platform):
        clerk = MembershipFactory(role=Role.REVIEW_CLERK).user
        assert not user_deactivate(actor=platform[Role.SYSTEM_ADMIN], user=clerk).is_active

    def test_after_the_role_is_removed_the_account_can_be_deactivated(self, platform, office):
        second = MembershipFactory(organisation=office, role=Role.AUDIT_ADMIN).user
        membership = Membership.objects.get(user=second, role=Role.AUDIT_ADMIN)
        membership_revoke(actor=platform[Role.SECURITY_ADMIN], membership=membership)
        assert not user_deactivate(actor=platform[Role.SYSTEM_ADMIN], user=second).is_active


class TestTheLastHolderStays:
    def test_the_last_audit_admin_keeps_the_role(self, platform):
        membership = Membership.objects.get(user=platform[Role.AUDIT_ADMIN], role=Role.AUDIT_ADMIN)
        with pytest.raises(PermissionDenied) as exc:
            membership_revoke(actor=platform[Role.SECURITY_ADMIN], membership=membership)
        assert "最后一位" in exc.value.message_zh
        membership.refresh_from_db()
        assert membership.is_active

    def test_with_a_second_one_the_first_can_go(self, platform, office):
        MembershipFactory(organisation=office, role=Role.AUDIT_ADMIN)
        membership = Membership.objects.get(user=platform[Role.AUDIT_ADMIN], role=Role.AUDIT_ADMIN)
        membership_revoke(actor=platform[Role.SECURITY_ADMIN], membership=membership)
        membership.refresh_from_db()
        assert not membership.is_active

    def test_an_inactive_second_holder_does_not_count(self, platform, office):
        other = MembershipFactory(organisation=office, role=Role.SYSTEM_ADMIN, user=UserFactory(is_active=False))
        assert other.user.is_active is False
        membership = Membership.objects.get(user=platform[Role.SYSTEM_ADMIN], role=Role.SYSTEM_ADMIN)
        with pytest.raises(PermissionDenied):
            membership_revoke(actor=platform[Role.SECURITY_ADMIN], membership=membership)

    def test_an_observer_may_be_the_last_to_go(self, platform):
        membership = Membership.objects.get(user=platform[Role.DISCIPLINE_OBSERVER])
        membership_revoke(actor=platform[Role.SECURITY_ADMIN], membership=membership)
