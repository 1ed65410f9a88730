"""Log-in and log-out: where each kind of user lands, `next`, the audit trail, password hashing and strength."""

import importlib
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhicheng.accountreset.models import PasswordSet
from zhicheng.accounts.auth_services import totp_device_create_confirmed
from zhicheng.accounts.models import Role
from zhicheng.audit.models import AuditEvent

from .auth_helpers import PASSWORD, post_login, user_with_role

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


class TestLoginPage:
    def test_page_is_chinese_with_labels(self, client):
        response = client.get(reverse("accounts:login"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "职称申报评审系统" in html
        assert "用户名" in html and "密码" in html

    def test_wrong_password_stays_on_page_with_chinese_error(self, client):
        user = user_with_role(Role.APPLICANT)
        response = post_login(client, user.username, "wrong-Password-1")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
        assert not get_user(client).is_authenticated


class TestWhereUsersLand:
    def test_applicant_goes_to_dashboard(self, client):
        user = user_with_role(Role.APPLICANT)
        response = post_login(client, user.username)
        assert response.status_code == 302
        assert response.url == reverse("web:dashboard")
        assert client.get(reverse("web:dashboard")).status_code == 200

    def test_staff_without_device_goes_to_setup(self, client):
        user = user_with_role(Role.REVIEW_CLERK)
        response = post_login(client, user.username)
        assert response.url.startswith(reverse("accounts:otp_setup") + "?next=")

    def test_staff_with_device_goes_to_verify(self, client):
        user = user_with_role(Role.OFFICE_STAFF)
        totp_device_create_confirmed(user=user)
        response = post_login(client, user.username)
        assert response.url.startswith(reverse("accounts:otp_verify") + "?next=")

    def test_applicant_who_enabled_totp_is_asked_for_it(self, client):
        user = user_with_role(Role.APPLICANT)
        totp_device_create_confirmed(user=user)
        response = post_login(client, user.username)
        assert response.url.startswith(reverse("accounts:otp_verify"))
        assert client.get(reverse("web:dashboard")).url.startswith(reverse("accounts:otp_verify"))


class TestNext:
    def test_local_next_is_followed(self, client):
        user = user_with_role(Role.APPLICANT)
        response = post_login(client, user.username, next=reverse("accounts:tokens"))
        assert response.url == reverse("accounts:tokens")

    @pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
    def test_foreign_next_is_ignored(self, client, evil):
        user = user_with_role(Role.APPLICANT)
        response = post_login(client, user.username, next=evil)
        assert response.url == reverse("web:dashboard")

    def test_staff_next_is_kept_through_the_second_factor(self, client):
        user = user_with_role(Role.REVIEW_CLERK)
        response = post_login(client, user.username, next=reverse("accounts:tokens"))
        assert response.url == reverse("accounts:otp_setup") + "?next=%2Faccounts%2Ftokens%2F"


class TestLogout:
    def test_get_is_refused(self, client):
        client.force_login(user_with_role(Role.APPLICANT))
        assert client.get(reverse("accounts:logout")).status_code == 405
        assert get_user(client).is_authenticated

    def test_post_logs_out(self, client):
        client.force_login(user_with_role(Role.APPLICANT))
        response = client.post(reverse("accounts:logout"))
        assert response.url == reverse("accounts:login")
        assert not get_user(client).is_authenticated


class TestAudit:
    def test_login_failure_and_logout_are_recorded_without_password(self, client):
        user = user_with_role(Role.APPLICANT)
        post_login(client, user.username, "Wrong-pass-99")
        post_login(client, user.username)
        client.post(reverse("accounts:logout"))
        events = list(AuditEvent.objects.filter(event_type__startswith="auth.").order_by("id"))
        assert [e.event_type for e in events] == ["auth.login_failed", "auth.login", "auth.logout"]
        assert all(e.data["username"] == user.username for e in events)
        assert events[1].actor_id == user.pk and events[2].actor_id == user.pk
        assert events[0].ip == "127.0.0.1"
        for event in events:
            assert "Wrong-pass-99" not in str(event.data) and PASSWORD not in str(event.data)
            assert "password" not in event.data


class TestPasswords:
    def test_argon2_is_the_hasher_of_a_new_password(self):
        base = importlib.import_module("config.settings.base")
        with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
            encoded = make_password("Zhicheng-2024!x")
            assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")  # OWASP's parameters
            assert check_password("Zhicheng-2024!x", encoded)
            assert not check_password("Zhicheng-2024!y", encoded)

    def test_a_hash_at_the_old_cost_is_upgraded_at_log_in(self, client):
        base = importlib.import_module("config.settings.base")
        user = user_with_role(Role.APPLICANT)
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        user.refresh_from_db()
        assert "$m=102400,t=2,p=8$" in user.password  # Django's default cost
        sets = PasswordSet.objects.filter(user=user).count()
        with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
            post_login(client, user.username)
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        # the same password at a new cost: not a new password for the campaign-start reset
        assert PasswordSet.objects.filter(user=user).count() == sets
        assert get_user(client).is_authenticated

    @pytest.mark.parametrize(
        ("password", "expected"),
        [
            ("Ab1!", "至少"),  # too short
            ("password123", "常见"),  # too common
            ("3141592653589", "数字"),  # entirely numeric
            ("abcdefghijkl", "至少三类"),  # one character class
            ("abcdefgh1234", "至少三类"),  # two classes
        ],
    )
    def test_weak_password_refused_in_chinese(self, password, expected):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
            validate_password(password)
        text = " ".join(exc.value.messages)
        assert CJK.search(text)
        assert expected in text

    def test_strong_password_accepted(self):
        user = user_with_role(Role.APPLICANT, username="wangfang")
        validate_password("Qilian-Shan-2024", user=user)

    def test_password_like_username_refused(self):
        user = user_with_role(Role.APPLICANT, username="zhangsan2024")
        with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
            validate_password("Zhangsan2024", user=user)
        assert "相似" in " ".join(exc.value.messages)


_HOST = st.from_regex(r"[a-z]{1,10}\.[a-z]{2,3}", fullmatch=True)
_FOREIGN = st.builds(
    lambda scheme, host, path: f"{scheme}{host}/{path}",
    st.sampled_from(["http://", "https://", "//", "\\\\", "/\\", "javascript:"]),
    _HOST,
    st.text(alphabet="abc/?=&", max_size=10),
)


class TestNextProperty:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(target=st.one_of(st.text(max_size=40), _FOREIGN))
    def test_redirect_never_leaves_the_site(self, client, target):
        user = user_with_role(Role.APPLICANT)
        response = post_login(client, user.username, next=target)
        client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        location = urlsplit(response.url)
        assert location.scheme == "" and location.netloc == ""
        # a browser resolves it against the log-in page: it must land on this site, over http(s)
        landed = urlsplit(urljoin("http://testserver/accounts/login/", response.url))
        assert (landed.scheme, landed.netloc) == ("http", "testserver")
