"""Passwords (issue 10 finding 10): change, expiry, an admin's one-time reset, and no unlimited password oracle."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhicheng.accounts.models import Role, User
from zhicheng.accounts.passwords import password_change_owed
from zhicheng.accounts.tests.factories import (
    OrganisationFactory,
    grant,
    login_verified,
    make_resident_id,
    member,
    org_tree,
    staff_up,
)
from zhicheng.accounts.tokens import api_token_create
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import PermissionDenied

from .auth_helpers import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db
PAGE = reverse("accounts:password_change")
DASHBOARD = reverse("web:dashboard")
NEW = "Neue-Kennwort-77"


def change(client, current=PASSWORD, new=NEW, again=None, **extra):
    data = {"current_password": current, "new_password": new, "new_password_again": again or new}
    return client.post(PAGE, data, **extra)


class TestChangeOnThePage:
    def test_change_keeps_the_session_revokes_tokens_and_audits(self, client):
        user = user_with_role(Role.APPLICANT)
        _token, raw = api_token_create(user=user, name="对接")
        client.force_login(user)
        assert change(client).status_code == 302
        user.refresh_from_db()
        assert user.check_password(NEW) and user.password_changed_at is not None
        assert client.get(DASHBOARD).status_code == 200  # this session stays logged in
        assert Client().get("/api/v1/tokens/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
        assert AuditEvent.objects.filter(event_type="auth.password_changed", actor=user).exists()
        assert AuditEvent.objects.filter(event_type="auth.tokens_revoked", data__reason="password_changed").exists()

    def test_wrong_current_password_is_shown_beside_the_field_and_audited(self, client):
        user = user_with_role(Role.APPLICANT)
        client.force_login(user)
        response = change(client, current="Wrong-pass-1")
        assert response.status_code == 200
        assert response.context["form"].errors["current_password"]
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        assert AuditEvent.objects.filter(event_type="auth.password_failed", data__purpose="password_change").exists()

    def test_the_two_new_passwords_must_match(self, client):
        client.force_login(user_with_role(Role.APPLICANT))
        response = change(client, again="Neue-Kennwort-78")
        assert "两次输入的新密码不一致" in response.context["form"].errors["new_password_again"][0]

    @pytest.mark.parametrize("weak", ["short1A!", "abcdefghijkl", PASSWORD])
    def test_a_weak_or_unchanged_password_is_refused_beside_the_field(self, client, weak):
        user = user_with_role(Role.APPLICANT)
        client.force_login(user)
        response = change(client, new=weak)
        assert response.context["form"].errors["new_password"]
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_guessing_the_current_password_locks_like_the_log_in(self, client):
        user = user_with_role(Role.APPLICANT)
        client.force_login(user)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            change(client, current="Wrong-pass-1")
        assert change(client).status_code == 200  # even the right one is refused now
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        login = Client().post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
        assert login.status_code == 429


class TestChangeOverTheApi:
    def test_session_changes_and_a_token_cannot(self, client):
        user = user_with_role(Role.REVIEW_CLERK)
        login_verified(client, user)
        _token, raw = api_token_create(user=user, name="对接")
        body = {"current_password": PASSWORD, "new_password": NEW}
        by_token = Client().post("/api/v1/me/password", body, content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert by_token.status_code == 401
        response = client.post("/api/v1/me/password", body, content_type="application/json")
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.check_password(NEW)

    def test_wrong_current_password_is_403_with_the_field(self, client):
        login_verified(client, user_with_role(Role.REVIEW_CLERK))
        response = client.post("/api/v1/me/password", {"current_password": "x", "new_password": NEW},
                               content_type="application/json")
        assert response.status_code == 403 and "current_password" in response.json()["details"]


class TestExpiry:
    def age(self, user, days):
        User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=days))
        user.refresh_from_db()

    def test_a_staff_password_older_than_the_limit_forces_the_page(self, client):
        user = user_with_role(Role.REVIEW_CLERK)
        self.age(user, settings.ZHICHENG_STAFF_PASSWORD_MAX_AGE_DAYS + 1)
        login_verified(client, user)
        response = client.get(DASHBOARD)
        assert response.status_code == 302 and response["Location"].startswith(PAGE)
        assert "已超过有效期" in client.get(PAGE).content.decode()
        assert change(client).status_code == 302
        assert client.get(DASHBOARD).status_code == 200

    def test_a_staff_password_just_inside_the_limit_is_fine(self, client):
        user = user_with_role(Role.REVIEW_CLERK)
        self.age(user, settings.ZHICHENG_STAFF_PASSWORD_MAX_AGE_DAYS - 1)
        login_verified(client, user)
        assert client.get(DASHBOARD).status_code == 200

    def test_applicant_passwords_do_not_expire(self):
        user = user_with_role(Role.APPLICANT)
        self.age(user, 400)
        assert password_change_owed(user) is None

    def test_zero_days_means_never(self, settings):
        settings.ZHICHENG_STAFF_PASSWORD_MAX_AGE_DAYS = 0
        user = user_with_role(Role.REVIEW_CLERK)
        self.age(user, 400)
        assert password_change_owed(user) is None


@pytest.fixture
def unit_with_staff():
    tree = org_tree()
    return tree, staff_up(tree["unit"])


class TestAdminReset:
    def test_the_admin_sets_a_one_time_password_the_applicant_must_replace(self, unit_with_staff):
        tree, staff = unit_with_staff
        applicant = member(tree["unit"], Role.APPLICANT)
        admin_client = Client()
        login_verified(admin_client, staff[Role.ORG_ADMIN])
        url = reverse("organisations:password_reset", args=[tree["unit"].pk, applicant.pk])
        response = admin_client.post(url)
        one_time = response.context["raw"]
        assert one_time in response.content.decode()
        assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
        event = AuditEvent.objects.get(event_type="auth.password_reset")
        assert one_time not in str(event.data) and event.actor_id == staff[Role.ORG_ADMIN].pk

        applicant_client = Client()
        login = applicant_client.post(reverse("accounts:login"), {"username": applicant.username,
                                                                  "password": one_time})
        assert login.status_code == 302
        forced = applicant_client.get(DASHBOARD)
        assert forced.status_code == 302 and forced["Location"].startswith(PAGE)
        assert "一次性密码" in applicant_client.get(PAGE).content.decode()
        api = applicant_client.get("/api/v1/me")
        assert api.status_code == 403 and api.json()["code"] == "password_change_required"
        assert change(applicant_client, current=one_time).status_code == 302
        assert applicant_client.get(DASHBOARD).status_code == 200
        applicant.refresh_from_db()
        assert not applicant.check_password(one_time) and not applicant.password_must_change

    def test_an_admin_of_another_unit_cannot_reset(self, unit_with_staff):
        from zhicheng.accounts.passwords import password_reset_by_admin

        tree, _staff = unit_with_staff
        applicant = member(tree["unit"], Role.APPLICANT)
        stranger = staff_up(tree["other_unit"])[Role.ORG_ADMIN]
        with pytest.raises(PermissionDenied):
            password_reset_by_admin(actor=stranger, user=applicant)
        applicant.refresh_from_db()
        assert applicant.check_password(PASSWORD)

    def test_nobody_resets_a_platform_admin_here(self, unit_with_staff):
        from zhicheng.accounts.passwords import password_reset_by_admin

        tree, staff = unit_with_staff
        security = member(tree["unit"], Role.REVIEW_CLERK)
        grant(security, OrganisationFactory(kind="office", credit_code=None, unit_type=""), Role.SECURITY_ADMIN)
        with pytest.raises(PermissionDenied):
            password_reset_by_admin(actor=staff[Role.ORG_ADMIN], user=security)

    def test_opening_an_account_gives_a_one_time_password(self, unit_with_staff):
        from zhicheng.accounts.roster import roster_entry_add
        from zhicheng.accounts.services import applicant_account_open

        tree, staff = unit_with_staff
        admin, id_number = staff[Role.ORG_ADMIN], make_resident_id(sequence=321)
        roster_entry_add(actor=admin, organisation=tree["unit"], real_name="王五", id_number=id_number)
        opened = applicant_account_open(actor=admin, organisation=tree["unit"], real_name="王五",
                                        id_number=id_number, username="wangwu")
        assert opened.initial_password and opened.user.password_must_change
