"""Attacks on API tokens: writes need no CSRF but session writes always do; tokens never outlive the second factor.

Issue 10 findings 1 and 4. The default test client skips CSRF, so every test here uses
`Client(enforce_csrf_checks=True)`, and one drives a live server with a plain HTTP client.
"""

import json
import urllib.error
import urllib.request

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicheng.accounts.auth_services import account_lock, totp_device_create_confirmed, totp_device_reset
from zhicheng.accounts.models import ApiToken, Role, User
from zhicheng.accounts.services import membership_grant, membership_revoke, user_deactivate
from zhicheng.accounts.tests.factories import MembershipFactory, OrganisationFactory
from zhicheng.accounts.tokens import api_token_create
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.testing import audit_flushable  # noqa: F401

from .auth_helpers import login_verified, user_with_role

TOKENS = "/api/v1/tokens/"
USERS = "/api/v1/users"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def staff_token(role=Role.SYSTEM_ADMIN):
    user = user_with_role(role)
    totp_device_create_confirmed(user=user)
    return user, api_token_create(user=user, name="对接")[1]


def new_user_body(n=1):
    from zhicheng.accounts.tests.factories import make_resident_id

    return {"username": f"newbie{n}", "real_name": "新人", "id_number": make_resident_id(sequence=400 + n)}


@pytest.mark.django_db
class TestTokenWritesWithoutCsrf:
    def test_token_post_patch_delete_succeed_on_a_csrf_enforcing_client(self):
        admin, raw = staff_token()
        client = Client(enforce_csrf_checks=True)
        created = client.post(USERS, new_user_body(), content_type="application/json", **bearer(raw))
        assert created.status_code == 201, created.content
        user_id = created.json()["user"]["id"]
        patched = client.patch(f"{USERS}/{user_id}", {"real_name": "新名"}, content_type="application/json",
                               **bearer(raw))
        assert patched.status_code == 200, patched.content
        assert User.objects.get(pk=user_id).real_name == "新名"
        own = ApiToken.objects.get(user=admin)
        revoked = client.delete(f"{TOKENS}{own.pk}", **bearer(raw))  # a token revokes itself
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
        assert client.get(TOKENS, **bearer(raw)).status_code == 401

    def test_a_session_write_without_the_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        login_verified(client, user_with_role(Role.SYSTEM_ADMIN))
        response = client.post(USERS, new_user_body(2), content_type="application/json")
        assert response.status_code == 403
        assert not User.objects.filter(username="newbie2").exists()

    def test_a_session_write_with_the_csrf_token_passes(self):
        client = Client(enforce_csrf_checks=True)
        login_verified(client, user_with_role(Role.SYSTEM_ADMIN))
        client.get("/accounts/tokens/")  # any page sets the CSRF cookie
        csrf = client.cookies["csrftoken"].value
        response = client.post(USERS, new_user_body(3), content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
        assert response.status_code == 201

    def test_token_and_session_cookie_without_csrf_the_token_decides(self):
        admin, raw = staff_token()
        client = Client(enforce_csrf_checks=True)
        applicant = user_with_role(Role.APPLICANT)
        client.force_login(applicant)  # a browser session of someone else rides along
        response = client.post(USERS, new_user_body(4), content_type="application/json", **bearer(raw))
        assert response.status_code == 201
        event = AuditEvent.objects.get(event_type="user.created", data__username="newbie4")
        assert event.actor_id == admin.pk

    def test_a_bad_token_never_falls_back_to_the_session(self):
        client = Client(enforce_csrf_checks=True)
        login_verified(client, user_with_role(Role.SYSTEM_ADMIN))
        response = client.post(USERS, new_user_body(5), content_type="application/json", **bearer("zc_forged"))
        assert response.status_code == 401
        assert not User.objects.filter(username="newbie5").exists()

    def test_a_token_still_cannot_mint_tokens(self):
        _admin, raw = staff_token()
        response = Client(enforce_csrf_checks=True).post(TOKENS, {"name": "x"}, content_type="application/json",
                                                         **bearer(raw))
        assert response.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_token_write_over_real_http(live_server, audit_flushable):  # noqa: F811
    """A real HTTP client (no Django test client, no cookies) writes with only its token."""
    _admin, raw = staff_token()
    request = urllib.request.Request(
        f"{live_server.url}{USERS}", data=json.dumps(new_user_body(6)).encode(), method="POST",
        headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
    assert User.objects.filter(username="newbie6").exists()
    forged = urllib.request.Request(f"{live_server.url}{USERS}", data=b"{}", method="POST",
                                    headers={"Authorization": "Bearer zc_nope", "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(forged, timeout=30)
    assert exc.value.code == 401


@pytest.mark.django_db
class TestTokensAndTheSecondFactor:
    def test_a_staff_token_without_an_authenticator_does_not_work(self):
        user, raw = staff_token(Role.REVIEW_CLERK)
        TOTPDevice.objects.filter(user=user).delete()  # removed behind our back, not through the reset
        assert Client().get(TOKENS, **bearer(raw)).status_code == 401

    def test_staff_without_an_authenticator_cannot_create_a_token(self):
        from zhicheng.core.errors import ApplicationError

        with pytest.raises(ApplicationError) as exc:
            api_token_create(user=user_with_role(Role.REVIEW_CLERK), name="x")
        assert exc.value.code == "otp_required"

    def test_an_applicants_token_stops_when_a_staff_role_is_granted(self):
        applicant = user_with_role(Role.APPLICANT)
        _token, raw = api_token_create(user=applicant, name="对接")
        assert Client().get(TOKENS, **bearer(raw)).status_code == 200
        security = user_with_role(Role.SECURITY_ADMIN)
        membership_grant(actor=security, organisation=OrganisationFactory(), user=applicant, role=Role.REVIEW_CLERK)
        totp_device_create_confirmed(user=applicant)  # even after binding an authenticator, the old token is dead
        assert Client().get(TOKENS, **bearer(raw)).status_code == 401
        event = AuditEvent.objects.get(event_type="auth.tokens_revoked")
        assert event.data["reason"] == "role_changed"

    def test_tokens_revoked_when_a_role_is_removed(self):
        user, raw = staff_token(Role.REVIEW_CLERK)
        extra = MembershipFactory(user=user, role=Role.REVIEW_LEADER)
        membership_revoke(actor=user_with_role(Role.SECURITY_ADMIN), membership=extra)
        assert Client().get(TOKENS, **bearer(raw)).status_code == 401

    def test_tokens_revoked_on_totp_reset(self):
        user, raw = staff_token(Role.REVIEW_CLERK)
        totp_device_reset(actor=user_with_role(Role.SECURITY_ADMIN), username=user.username)
        totp_device_create_confirmed(user=user)  # a new phone does not bring the old token back
        assert Client().get(TOKENS, **bearer(raw)).status_code == 401
        assert AuditEvent.objects.filter(event_type="auth.tokens_revoked", data__reason="otp_reset").exists()

    def test_tokens_revoked_on_deactivation_and_stay_dead_after_reactivation(self):
        from zhicheng.accounts.services import user_set_active

        user, raw = staff_token(Role.REVIEW_CLERK)
        admin = user_with_role(Role.SYSTEM_ADMIN)
        user_deactivate(actor=admin, user=user)
        user_set_active(actor=admin, user=user, active=True)
        assert Client().get(TOKENS, **bearer(raw)).status_code == 401
        assert AuditEvent.objects.filter(event_type="auth.tokens_revoked", data__reason="deactivated").exists()

    def test_tokens_revoked_on_a_security_lock(self):
        user, raw = staff_token(Role.REVIEW_CLERK)
        account_lock(actor=user_with_role(Role.SECURITY_ADMIN), username=user.username)
        user.is_active = True
        user.save()
        assert Client().get(TOKENS, **bearer(raw)).status_code == 401
