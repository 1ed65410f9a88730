"""Lockout after repeated failures, and the security admin's locks (三员分立: only the security admin)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicheng.accounts.auth_services import (
    account_lock,
    account_locks_list,
    account_unlock,
    totp_device_create_confirmed,
    totp_device_reset,
)
from zhicheng.accounts.models import Role
from zhicheng.accounts.tokens import api_token_create
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, NotFound, PermissionDenied

from .auth_helpers import login_verified, post_login, user_with_role

pytestmark = pytest.mark.django_db
LOCKS = reverse("accounts:locks")


def lock_out(client, username):
    """Fail the log-in as often as the limit allows; return the last response."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = post_login(client, username, "Wrong-pass-1")
    return response


@pytest.fixture
def security_admin():
    return user_with_role(Role.SECURITY_ADMIN)


@pytest.fixture
def applicant():
    return user_with_role(Role.APPLICANT)


class TestLockout:
    def test_failures_below_the_limit_do_not_lock(self, client, applicant):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert post_login(client, applicant.username, "Wrong-pass-1").status_code == 200
        assert post_login(client, applicant.username).status_code == 302

    def test_the_limit_locks_and_shows_the_lockout_page(self, client, applicant):
        response = lock_out(client, applicant.username)
        assert response.status_code == 429
        assert "账号已暂时锁定" in response.content.decode()
        assert AuditEvent.objects.filter(event_type="auth.locked_out", data__username=applicant.username).exists()

    def test_right_password_is_refused_while_locked(self, client, applicant):
        lock_out(client, applicant.username)
        response = post_login(client, applicant.username)
        assert response.status_code == 429
        assert not get_user(client).is_authenticated
        assert not AuditEvent.objects.filter(event_type="auth.login").exists()

    def test_lock_is_per_username(self, client, applicant):
        lock_out(client, applicant.username)
        other = user_with_role(Role.APPLICANT)
        assert post_login(client, other.username).status_code == 302  # same office address, other person

    def test_security_admin_unlock_restores_access(self, client, applicant, security_admin):
        lock_out(client, applicant.username)
        admin_client = Client()
        login_verified(admin_client, security_admin)
        assert applicant.username in admin_client.get(LOCKS).content.decode()
        response = admin_client.post(LOCKS, {"action": "unlock", "username": applicant.username}, follow=True)
        assert "已解锁" in response.content.decode()
        assert post_login(client, applicant.username).status_code == 302
        event = AuditEvent.objects.get(event_type="auth.account_unlocked")
        assert event.actor_id == security_admin.pk and event.data["failures_cleared"] == settings.AXES_FAILURE_LIMIT

    @pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.ORG_ADMIN, Role.OFFICE_STAFF])
    def test_other_admins_cannot_unlock(self, client, applicant, role):
        lock_out(Client(), applicant.username)
        other_admin = user_with_role(role)
        login_verified(client, other_admin)
        assert client.get(LOCKS).status_code == 403
        response = client.post(LOCKS, {"action": "unlock", "username": applicant.username})
        assert response.status_code == 403
        assert "仅平台安全管理员" in response.content.decode()
        with pytest.raises(PermissionDenied):
            account_unlock(actor=other_admin, username=applicant.username)
        assert post_login(Client(), applicant.username).status_code == 429


class TestAccountLock:
    def test_locked_account_cannot_log_in_and_its_session_ends(self, client, applicant, security_admin):
        client.force_login(applicant)
        assert client.get(reverse("accounts:tokens")).status_code == 200
        account_lock(actor=security_admin, username=applicant.username, reason="疑似被盗用")
        assert client.get(reverse("accounts:tokens")).status_code == 302  # back to the log-in page
        assert post_login(Client(), applicant.username).status_code == 200
        assert AuditEvent.objects.get(event_type="auth.account_locked").data["reason"] == "疑似被盗用"

    def test_lock_from_the_page_then_unlock(self, client, applicant, security_admin):
        login_verified(client, security_admin)
        client.post(LOCKS, {"action": "lock", "username": applicant.username, "reason": "离岗"})
        rows = account_locks_list(actor=security_admin)
        assert [(r.username, r.locked_by_admin) for r in rows] == [(applicant.username, True)]
        client.post(LOCKS, {"action": "unlock", "username": applicant.username})
        assert post_login(Client(), applicant.username).status_code == 302

    def test_cannot_lock_oneself(self, security_admin):
        with pytest.raises(ApplicationError) as exc:
            account_lock(actor=security_admin, username=security_admin.username)
        assert exc.value.code == "cannot_lock_self"

    def test_system_admin_cannot_lock(self, applicant):
        with pytest.raises(PermissionDenied):
            account_lock(actor=user_with_role(Role.SYSTEM_ADMIN), username=applicant.username)
        applicant.refresh_from_db()
        assert applicant.is_active

    def test_unknown_username(self, client, security_admin):
        with pytest.raises(NotFound):
            account_lock(actor=security_admin, username="nobody")
        login_verified(client, security_admin)
        response = client.post(LOCKS, {"action": "unlock", "username": "nobody"})
        assert "用户名“nobody”不存在" in response.content.decode()

    def test_unlock_leaves_a_system_admin_deactivation_alone(self, applicant, security_admin):
        from zhicheng.accounts.services import user_deactivate

        user_deactivate(actor=user_with_role(Role.SYSTEM_ADMIN), user=applicant)
        assert account_locks_list(actor=security_admin) == []
        with pytest.raises(ApplicationError) as exc:
            account_unlock(actor=security_admin, username=applicant.username)
        assert exc.value.code == "deactivated_by_system_admin"
        applicant.refresh_from_db()
        assert not applicant.is_active

    def test_unlocking_an_unlocked_account_says_so(self, applicant, security_admin):
        with pytest.raises(ApplicationError) as exc:
            account_unlock(actor=security_admin, username=applicant.username)
        assert exc.value.code == "not_locked"


class TestLockApi:
    def test_security_admin_lists_and_unlocks_with_a_token(self, client, applicant, security_admin):
        lock_out(Client(), applicant.username)
        totp_device_create_confirmed(user=security_admin)  # staff tokens need a bound authenticator
        _token, raw = api_token_create(user=security_admin, name="运维")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        locks = client.get("/api/v1/auth/locks", **auth).json()
        assert [row["username"] for row in locks] == [applicant.username]
        assert locks[0]["locked_by_failures"] and locks[0]["failures"] == settings.AXES_FAILURE_LIMIT
        response = client.post(
            "/api/v1/auth/locks/unlock", {"username": applicant.username}, content_type="application/json", **auth
        )
        assert response.status_code == 200
        assert post_login(Client(), applicant.username).status_code == 302

    def test_security_admin_locks_over_the_api(self, client, applicant, security_admin):
        login_verified(client, security_admin)
        response = client.post(
            "/api/v1/auth/locks/lock", {"username": applicant.username, "reason": "x"}, content_type="application/json"
        )
        assert response.json() == {"username": applicant.username, "is_active": False}

    @pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN])
    def test_other_admins_get_403(self, client, applicant, role):
        login_verified(client, user_with_role(role))
        assert client.get("/api/v1/auth/locks").status_code == 403
        response = client.post(
            "/api/v1/auth/locks/lock", {"username": applicant.username}, content_type="application/json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        applicant.refresh_from_db()
        assert applicant.is_active


class TestOtpReset:
    def test_security_admin_resets_a_lost_authenticator(self, client, security_admin):
        clerk = user_with_role(Role.REVIEW_CLERK)
        clerk_client = Client()
        login_verified(clerk_client, clerk)
        assert clerk_client.get(reverse("web:dashboard")).status_code == 200
        login_verified(client, security_admin)
        response = client.post(LOCKS, {"action": "otp_reset", "username": clerk.username}, follow=True)
        assert "已重置" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=clerk).exists()
        # the clerk's verified session no longer counts: back to binding a new authenticator
        assert clerk_client.get(reverse("web:dashboard")).url.startswith(reverse("accounts:otp_setup"))
        assert AuditEvent.objects.filter(event_type="auth.otp_reset", data__username=clerk.username).exists()

    def test_reset_without_a_device_says_so(self, applicant, security_admin):
        with pytest.raises(ApplicationError) as exc:
            totp_device_reset(actor=security_admin, username=applicant.username)
        assert exc.value.code == "otp_not_enabled"

    def test_system_admin_cannot_reset(self, client):
        clerk = user_with_role(Role.REVIEW_CLERK)
        totp_device_create_confirmed(user=clerk)
        login_verified(client, user_with_role(Role.SYSTEM_ADMIN))
        response = client.post("/api/v1/auth/otp/reset", {"username": clerk.username}, content_type="application/json")
        assert response.status_code == 403
        assert TOTPDevice.objects.filter(user=clerk).exists()

    def test_reset_over_the_api(self, client, security_admin):
        clerk = user_with_role(Role.REVIEW_CLERK)
        totp_device_create_confirmed(user=clerk)
        login_verified(client, security_admin)
        response = client.post("/api/v1/auth/otp/reset", {"username": clerk.username}, content_type="application/json")
        assert response.json() == {"username": clerk.username, "devices_removed": 1}
