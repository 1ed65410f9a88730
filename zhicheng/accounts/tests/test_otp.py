"""The second factor: staff must set up and pass TOTP before staff pages or the API; applicants may opt in."""

import base64
import binascii

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicheng.accounts.auth_services import totp_device_create_confirmed, totp_secret_base32
from zhicheng.accounts.models import Role
from zhicheng.audit.models import AuditEvent

from .auth_helpers import fresh_code, login_verified, post_login, user_with_role, wrong_code

pytestmark = pytest.mark.django_db
SETUP, VERIFY, DASHBOARD = reverse("accounts:otp_setup"), reverse("accounts:otp_verify"), reverse("web:dashboard")


def _events(kind):
    return AuditEvent.objects.filter(event_type=kind)


class TestStaffWithoutVerification:
    @pytest.mark.parametrize("role", [Role.REVIEW_CLERK, Role.OFFICE_STAFF, Role.SECURITY_ADMIN, Role.EXPERT])
    def test_staff_pages_redirect_to_setup(self, client, role):
        client.force_login(user_with_role(role))
        for url in (DASHBOARD, reverse("accounts:tokens"), reverse("accounts:locks")):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith(SETUP + "?next=")

    def test_staff_with_device_is_sent_to_verify(self, client):
        user = user_with_role(Role.REVIEW_LEADER)
        totp_device_create_confirmed(user=user)
        client.force_login(user)
        assert client.get(DASHBOARD).url == VERIFY + "?next=%2F"

    def test_api_with_session_is_refused(self, client):
        user = user_with_role(Role.OFFICE_STAFF)
        totp_device_create_confirmed(user=user)
        client.force_login(user)
        response = client.get("/api/v1/tokens/")
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"

    def test_after_verifying_pages_and_api_open(self, client):
        user = user_with_role(Role.OFFICE_STAFF)
        device = totp_device_create_confirmed(user=user)
        client.force_login(user)
        response = client.post(VERIFY, {"token": fresh_code(device), "next": reverse("accounts:tokens")})
        assert response.url == reverse("accounts:tokens")
        assert client.get(DASHBOARD).status_code == 200
        assert client.get("/api/v1/tokens/").status_code == 200
        assert _events("auth.otp_verified").filter(actor=user).count() == 1

    def test_verifying_renews_the_session_key(self, client):
        user = user_with_role(Role.OFFICE_STAFF)
        device = totp_device_create_confirmed(user=user)
        client.force_login(user)
        before = client.session.session_key
        client.post(VERIFY, {"token": fresh_code(device)})
        assert client.session.session_key != before
        assert client.get(DASHBOARD).status_code == 200

    def test_wrong_code_is_refused_and_audited(self, client):
        user = user_with_role(Role.OFFICE_STAFF)
        device = totp_device_create_confirmed(user=user)
        client.force_login(user)
        response = client.post(VERIFY, {"token": wrong_code(device)})
        assert response.status_code == 200
        assert "验证码不正确" in response.content.decode()
        assert client.get(DASHBOARD).status_code == 302
        assert _events("auth.otp_failed").filter(actor=user).count() == 1

    @pytest.mark.parametrize("token", ["", "12345", "abcdef", "1234567"])
    def test_malformed_code_gets_chinese_message(self, client, token):
        user = user_with_role(Role.OFFICE_STAFF)
        totp_device_create_confirmed(user=user)
        client.force_login(user)
        response = client.post(VERIFY, {"token": token})
        errors = response.context["form"].errors["token"]
        assert errors[0] in ("请输入 6 位动态验证码", "验证码为 6 位数字")
        assert errors[0] in response.content.decode()
        assert not _events("auth.otp_verified").exists()


class TestFullStaffLogin:
    def test_password_then_setup_then_work(self, client):
        user = user_with_role(Role.REVIEW_CLERK)
        response = post_login(client, user.username, next=reverse("accounts:tokens"))
        page = client.get(response.url)
        html = page.content.decode()
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        secret = totp_secret_base32(device)
        assert "<svg" in html and page.context["secret"].replace(" ", "") == secret
        assert page.context["secret"][:9] in html
        response = client.post(SETUP, {"token": fresh_code(device), "next": reverse("accounts:tokens")})
        assert response.url == reverse("accounts:tokens")
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(reverse("accounts:tokens")).status_code == 200
        assert _events("auth.otp_enabled").filter(actor=user).count() == 1

    def test_password_then_code(self, client):
        user = user_with_role(Role.COMMITTEE_SECRETARY)
        device = totp_device_create_confirmed(user=user)
        response = post_login(client, user.username)
        response = client.post(response.url, {"token": fresh_code(device), "next": DASHBOARD})
        assert response.url == DASHBOARD
        assert client.get(DASHBOARD).status_code == 200


class TestSetup:
    def test_reload_keeps_the_same_secret(self, client):
        client.force_login(user_with_role(Role.REVIEW_CLERK))
        first = client.get(SETUP).context["secret"]
        assert client.get(SETUP).context["secret"] == first
        assert TOTPDevice.objects.count() == 1

    def test_qr_code_is_inline_svg_without_external_assets(self, client):
        client.force_login(user_with_role(Role.REVIEW_CLERK))
        svg = str(client.get(SETUP).context["qr_svg"])
        assert svg.startswith("<svg") and "<path" in svg
        assert "href" not in svg and "<image" not in svg

    def test_wrong_code_does_not_confirm(self, client):
        user = user_with_role(Role.REVIEW_CLERK)
        client.force_login(user)
        client.get(SETUP)
        device = TOTPDevice.objects.get(user=user)
        response = client.post(SETUP, {"token": wrong_code(device)})
        assert "验证码不正确" in response.content.decode()
        device.refresh_from_db()
        assert not device.confirmed
        assert client.get(DASHBOARD).url.startswith(SETUP)
        assert _events("auth.otp_failed").filter(actor=user, data__stage="setup").count() == 1

    def test_setup_when_already_enabled_goes_on(self, client):
        user = user_with_role(Role.REVIEW_CLERK)
        login_verified(client, user)
        assert client.get(SETUP + "?next=/accounts/tokens/").url == "/accounts/tokens/"
        assert TOTPDevice.objects.filter(user=user).count() == 1


class TestApplicants:
    def test_applicant_without_totp_reaches_dashboard(self, client):
        client.force_login(user_with_role(Role.APPLICANT))
        assert client.get(DASHBOARD).status_code == 200

    def test_applicant_may_enable_totp(self, client):
        user = user_with_role(Role.APPLICANT)
        client.force_login(user)
        assert client.get(SETUP).status_code == 200
        device = TOTPDevice.objects.get(user=user)
        assert client.post(SETUP, {"token": fresh_code(device)}).url == DASHBOARD
        client.post(reverse("accounts:logout"))
        response = post_login(client, user.username)
        assert response.url.startswith(VERIFY)


class TestDemoSeeding:
    def test_known_key_gives_known_secret_and_is_idempotent(self):
        user = user_with_role(Role.REVIEW_CLERK)
        key = "3132333435363738393031323334353637383930"
        device = totp_device_create_confirmed(user=user, key_hex=key)
        again = totp_device_create_confirmed(user=user, key_hex=key)
        assert device.pk == again.pk and device.confirmed
        assert totp_secret_base32(device) == base64.b32encode(binascii.unhexlify(key)).decode()
        assert totp_secret_base32(device) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
