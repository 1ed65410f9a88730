"""Lockout abuse (issue 10 finding 6): nobody elsewhere can lock a user out of their own office, a spray across
many usernames is throttled and audited, and a locked user unlocks themself without the security admin."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from zhicheng.accounts.models import Role
from zhicheng.audit.models import AuditEvent

from .auth_helpers import PASSWORD, fresh_code, user_with_role, wrong_code

pytestmark = pytest.mark.django_db
ATTACKER, OFFICE = "203.0.113.66", "10.20.30.40"
LOGIN = reverse("accounts:login")
UNLOCK = reverse("accounts:unlock")


def login(client, username, password=PASSWORD, ip=OFFICE):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def lock_out(username, ip=ATTACKER):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, username, "Wrong-pass-1", ip=ip)
    assert response.status_code == 429
    return response


@pytest.fixture
def security_admin():
    from zhicheng.accounts.auth_services import totp_device_create_confirmed

    user = user_with_role(Role.SECURITY_ADMIN)
    totp_device_create_confirmed(user=user)
    return user


class TestLockIsPerUsernameAndAddress:
    def test_an_attacker_elsewhere_cannot_lock_the_security_admin_out_of_the_office(self, security_admin):
        lock_out(security_admin.username, ip=ATTACKER)
        assert login(Client(), security_admin.username, ip=OFFICE).status_code == 302

    def test_the_attackers_own_address_stays_locked_even_with_the_right_password(self, security_admin):
        lock_out(security_admin.username, ip=ATTACKER)
        assert login(Client(), security_admin.username, ip=ATTACKER).status_code == 429

    def test_colleagues_behind_the_same_nat_are_not_locked(self):
        clumsy, colleague = user_with_role(Role.REVIEW_CLERK), user_with_role(Role.REVIEW_CLERK)
        lock_out(clumsy.username, ip=OFFICE)
        assert login(Client(), colleague.username, ip=OFFICE).status_code == 302

    def test_forged_forwarded_for_does_not_escape_the_lock(self, security_admin):
        lock_out(security_admin.username, ip=ATTACKER)
        response = Client().post(LOGIN, {"username": security_admin.username, "password": PASSWORD},
                                 REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=OFFICE)
        assert response.status_code == 429


class TestPasswordSpray:
    @pytest.fixture(autouse=True)
    def _small_threshold(self, settings):
        settings.ZHICHENG_SPRAY_USERNAMES = 3

    def test_many_usernames_failing_from_one_address_throttle_it_and_raise_one_alarm(self):
        victims = [user_with_role(Role.APPLICANT) for _ in range(4)]
        spray = Client()
        for victim in victims[:3]:  # one guess each: far below the per-user lockout
            assert login(spray, victim.username, "Summer-2024!", ip=ATTACKER).status_code == 200
        refused = login(spray, victims[3].username, PASSWORD, ip=ATTACKER)  # even a right password
        assert refused.status_code == 429
        assert "此网络地址登录失败过多" in refused.content.decode()
        alarms = AuditEvent.objects.filter(event_type="auth.password_spray")
        assert alarms.count() == 1 and alarms.get().ip == ATTACKER and alarms.get().data["usernames"] == 3

    def test_other_addresses_are_not_affected(self):
        victims = [user_with_role(Role.APPLICANT) for _ in range(3)]
        for victim in victims:
            login(Client(), victim.username, "Summer-2024!", ip=ATTACKER)
        assert login(Client(), victims[0].username, ip=OFFICE).status_code == 302

    def test_one_user_mistyping_is_not_a_spray(self):
        user = user_with_role(Role.APPLICANT)
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            login(Client(), user.username, "Wrong-pass-1", ip=OFFICE)
        assert not AuditEvent.objects.filter(event_type="auth.password_spray").exists()
        assert login(Client(), user.username, ip=OFFICE).status_code == 302


class TestUnlockWithTheAuthenticator:
    def test_own_code_unlocks_this_address(self, security_admin):
        lock_out(security_admin.username, ip=OFFICE)
        device = security_admin.totpdevice_set.get()
        response = Client().post(UNLOCK, {"username": security_admin.username, "token": fresh_code(device),
                                          "action": "totp"}, REMOTE_ADDR=OFFICE)
        assert response.status_code == 302
        assert login(Client(), security_admin.username, ip=OFFICE).status_code == 302
        event = AuditEvent.objects.get(event_type="auth.self_unlocked")
        assert event.actor_id == security_admin.pk and event.data["method"] == "totp"

    def test_a_wrong_code_leaves_the_lock(self, security_admin):
        lock_out(security_admin.username, ip=OFFICE)
        device = security_admin.totpdevice_set.get()
        response = Client().post(UNLOCK, {"username": security_admin.username, "token": wrong_code(device),
                                          "action": "totp"}, REMOTE_ADDR=OFFICE)
        assert response.status_code == 200 and "验证码不正确" in response.content.decode()
        assert login(Client(), security_admin.username, ip=OFFICE).status_code == 429
        assert AuditEvent.objects.filter(event_type="auth.otp_failed", data__stage="unlock").exists()

    def test_unlocking_one_address_leaves_the_attackers_lock(self, security_admin):
        lock_out(security_admin.username, ip=ATTACKER)
        lock_out(security_admin.username, ip=OFFICE)
        device = security_admin.totpdevice_set.get()
        Client().post(UNLOCK, {"username": security_admin.username, "token": fresh_code(device), "action": "totp"},
                      REMOTE_ADDR=OFFICE)
        assert login(Client(), security_admin.username, ip=ATTACKER).status_code == 429

    def test_the_answer_does_not_reveal_unknown_usernames(self, security_admin):
        lock_out(security_admin.username, ip=OFFICE)
        device = security_admin.totpdevice_set.get()
        unknown = Client().post(UNLOCK, {"username": "nobody", "token": fresh_code(device), "action": "totp"},
                                REMOTE_ADDR=OFFICE).content.decode()
        assert "用户名或验证码不正确" in unknown


class TestUnlockByEmail:
    @pytest.fixture
    def applicant(self):
        return user_with_role(Role.APPLICANT, email="li@example.com")

    def request_link(self, username, ip=OFFICE):
        return Client().post(UNLOCK, {"username": username, "action": "email"}, REMOTE_ADDR=ip)

    def link_path(self):
        return re.search(r"https?://[^/]+(/accounts/unlock/\S+/)", mail.outbox[-1].body).group(1)

    def test_the_mailed_link_unlocks_once(self, applicant):
        lock_out(applicant.username, ip=OFFICE)
        self.request_link(applicant.username)
        assert mail.outbox[-1].to == ["li@example.com"]
        path = self.link_path()
        assert Client().get(path, REMOTE_ADDR=OFFICE).status_code == 200  # a GET (a mail scanner) changes nothing
        assert login(Client(), applicant.username, ip=OFFICE).status_code == 429
        assert Client().post(path, REMOTE_ADDR=OFFICE).status_code == 302
        assert login(Client(), applicant.username, ip=OFFICE).status_code == 302
        lock_out(applicant.username, ip=OFFICE)
        again = Client().post(path, REMOTE_ADDR=OFFICE, follow=True)
        assert "解锁链接无效" in again.content.decode()
        assert login(Client(), applicant.username, ip=OFFICE).status_code == 429

    def test_the_link_does_not_work_from_another_address(self, applicant):
        lock_out(applicant.username, ip=OFFICE)
        self.request_link(applicant.username)
        Client().post(self.link_path(), REMOTE_ADDR=ATTACKER)
        assert login(Client(), applicant.username, ip=OFFICE).status_code == 429

    def test_no_mail_without_a_lock_or_an_address_and_the_same_answer(self, applicant):
        no_email = user_with_role(Role.APPLICANT)
        lock_out(no_email.username, ip=OFFICE)
        first = self.request_link(no_email.username)
        second = self.request_link(applicant.username)  # not locked
        assert mail.outbox == []
        assert first.status_code == second.status_code == 302
