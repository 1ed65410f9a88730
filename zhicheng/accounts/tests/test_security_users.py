"""The security admin's user list (issue 15, defect 4): reached from the menu, masked, filtered, paginated, and
the row's lock, unlock and authenticator reset decided by the same services as the locks page."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicheng.accounts.auth_services import account_lock, totp_device_create_confirmed
from zhicheng.accounts.models import Role, User
from zhicheng.accounts.tests.factories import UserFactory
from zhicheng.audit.models import AuditEvent

from .auth_helpers import login_verified, post_login, user_with_role

pytestmark = pytest.mark.django_db
USERS = reverse("organisations:users")
API = "/api/v1/auth/users"


@pytest.fixture
def security_admin():
    return user_with_role(Role.SECURITY_ADMIN)


@pytest.fixture
def clerk():
    return user_with_role(Role.REVIEW_CLERK, id_number="62010219800101123X", phone="13912345678", real_name="王审核")


@pytest.fixture
def secadmin_client(security_admin):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, security_admin)
    return client


def _post(client, data):
    """A page write as the browser sends it: the CSRF token of the list page the buttons are on."""
    client.get(USERS)
    return client.post(USERS, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, follow=True)


class TestTheList:
    def test_the_menu_link_answers_the_security_admin_with_masked_numbers(self, secadmin_client, clerk):
        response = secadmin_client.get(USERS)
        assert response.status_code == 200
        page = response.content.decode()
        assert clerk.username in page and "王审核" in page
        assert "6201**********123X" in page and "139****5678" in page
        assert "62010219800101123X" not in page and "13912345678" not in page
        assert "开通账号" not in page  # opening accounts stays the system admin's

    def test_the_system_admin_still_gets_their_own_list(self, client, clerk):
        login_verified(client, user_with_role(Role.SYSTEM_ADMIN))
        page = client.get(USERS).content.decode()
        assert "开通账号" in page and "重置验证器" not in page

    @pytest.mark.parametrize("role", [Role.AUDIT_ADMIN, Role.REVIEW_CLERK, Role.APPLICANT])
    def test_other_roles_are_refused(self, client, role, clerk):
        login_verified(client, user_with_role(role))
        assert client.get(USERS).status_code == 403
        response = client.post(USERS, {"action": "lock", "username": clerk.username})
        assert response.status_code == 403
        clerk.refresh_from_db()
        assert clerk.is_active

    def test_search_and_the_locked_filter(self, secadmin_client, security_admin, clerk):
        other = user_with_role(Role.APPLICANT, real_name="李申报")
        assert "李申报" not in secadmin_client.get(USERS, {"q": "王审核"}).content.decode()
        account_lock(actor=security_admin, username=clerk.username)
        locked = secadmin_client.get(USERS, {"state": "locked"}).content.decode()
        assert clerk.username in locked and other.username not in locked
        active = secadmin_client.get(USERS, {"state": "active"}).content.decode()
        assert clerk.username not in active and other.username in active

    def test_a_failure_lock_is_listed_as_locked(self, secadmin_client, clerk):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            post_login(Client(), clerk.username, "Wrong-pass-1")
        page = secadmin_client.get(USERS, {"state": "locked"}).content.decode()
        assert clerk.username in page and "多次登录失败" in page

    def test_paginated_without_a_query_per_row(self, secadmin_client, django_assert_max_num_queries):
        UserFactory.create_batch(55)
        with django_assert_max_num_queries(18):  # 20 before the session's query read the user and device
            first = secadmin_client.get(USERS)
        assert len(first.context["page"].object_list) == 50
        second = secadmin_client.get(USERS, {"page": 2})
        assert len(second.context["page"].object_list) == User.objects.count() - 50


class TestRowActions:
    def test_lock_then_unlock_from_the_row(self, secadmin_client, clerk):
        response = _post(secadmin_client, {"action": "lock", "username": clerk.username, "reason": "离岗"})
        assert "已锁定" in response.content.decode()
        clerk.refresh_from_db()
        assert not clerk.is_active
        assert AuditEvent.objects.get(event_type="auth.account_locked").data["reason"] == "离岗"
        _post(secadmin_client, {"action": "unlock", "username": clerk.username})
        clerk.refresh_from_db()
        assert clerk.is_active

    def test_reset_the_authenticator_from_the_row(self, secadmin_client, clerk):
        totp_device_create_confirmed(user=clerk)
        assert "重置验证器" in secadmin_client.get(USERS, {"q": clerk.username}).content.decode()
        response = _post(secadmin_client, {"action": "otp_reset", "username": clerk.username})
        assert "已重置" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=clerk).exists()

    def test_cannot_lock_oneself(self, secadmin_client, security_admin):
        response = _post(secadmin_client, {"action": "lock", "username": security_admin.username})
        assert "不能锁定自己的账号" in response.content.decode()
        security_admin.refresh_from_db()
        assert security_admin.is_active

    def test_cannot_lock_another_platform_admin(self, secadmin_client):
        sysadmin = user_with_role(Role.SYSTEM_ADMIN)
        response = _post(secadmin_client, {"action": "lock", "username": sysadmin.username})
        assert "三员分立" in response.content.decode()
        sysadmin.refresh_from_db()
        assert sysadmin.is_active

    def test_unlocking_an_account_that_is_not_locked_says_so(self, secadmin_client, clerk):
        response = _post(secadmin_client, {"action": "unlock", "username": clerk.username})
        assert response.status_code == 200
        assert not AuditEvent.objects.filter(event_type="auth.account_unlocked").exists()

    def test_reset_without_an_authenticator_says_so(self, secadmin_client, clerk):
        response = _post(secadmin_client, {"action": "otp_reset", "username": clerk.username})
        assert response.status_code == 200
        assert not AuditEvent.objects.filter(event_type="auth.otp_reset").exists()

    def test_an_unknown_action_changes_nothing(self, secadmin_client, clerk):
        response = _post(secadmin_client, {"action": "delete", "username": clerk.username})
        assert "请选择要执行的操作" in response.content.decode()
        clerk.refresh_from_db()
        assert clerk.is_active

    def test_a_post_without_the_csrf_token_is_refused(self, secadmin_client, clerk):
        assert secadmin_client.post(USERS, {"action": "lock", "username": clerk.username}).status_code == 403
        clerk.refresh_from_db()
        assert clerk.is_active


class TestApi:
    def test_the_security_admin_lists_masked_and_filtered(self, client, security_admin, clerk):
        login_verified(client, security_admin)
        account_lock(actor=security_admin, username=clerk.username)
        body = client.get(API, {"state": "locked"}).json()
        assert body["count"] == 1 and body["page"] == 1
        row = body["items"][0]
        assert row["username"] == clerk.username and row["locked_by_admin"] and not row["is_active"]
        assert row["id_number_masked"] == "6201**********123X" and row["phone_masked"] == "139****5678"

    @pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.REVIEW_CLERK])
    def test_other_roles_get_403(self, client, role):
        login_verified(client, user_with_role(role))
        response = client.get(API)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"

    @pytest.mark.parametrize("query", [{"state": "gone"}, {"page": 0}])
    def test_bad_filters_are_422(self, client, security_admin, query):
        login_verified(client, security_admin)
        assert client.get(API, query).status_code == 422
