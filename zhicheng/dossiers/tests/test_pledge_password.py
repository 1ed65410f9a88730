"""The pledge is signed with the applicant's own password and is no password oracle (issue 10 finding 10)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from zhicheng.accounts.models import User
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers import services
from zhicheng.dossiers.models import PledgeSignature

from .factories import PASSWORD, fill

pytestmark = pytest.mark.django_db
IP = "198.51.100.20"


def sign(dossier, actor, password, ip=IP):
    return services.pledge_sign(dossier=dossier, actor=actor, password=password, ip=ip)


def test_wrong_pledge_passwords_count_toward_the_lockout_and_are_audited(dossier, applicant):
    fill(dossier, applicant)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(ApplicationError):
            sign(dossier, applicant, "Guess-2024!")
    with pytest.raises(ApplicationError) as exc:
        sign(dossier, applicant, PASSWORD)  # the right password no longer helps at this address
    assert exc.value.status == 429 and "password" in exc.value.details["fields"]
    assert not PledgeSignature.objects.exists()
    failures = AuditEvent.objects.filter(event_type="auth.password_failed", data__purpose="pledge")
    assert failures.count() == settings.AXES_FAILURE_LIMIT and set(failures.values_list("ip", flat=True)) == {IP}
    login = Client().post(reverse("accounts:login"), {"username": applicant.username, "password": PASSWORD},
                          REMOTE_ADDR=IP)
    assert login.status_code == 429


def test_below_the_limit_the_right_password_still_signs(dossier, applicant):
    fill(dossier, applicant)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        with pytest.raises(ApplicationError):
            sign(dossier, applicant, "Guess-2024!")
    assert sign(dossier, applicant, PASSWORD).signed_by == applicant


def test_a_one_time_password_set_by_the_admin_cannot_sign(dossier, applicant):
    fill(dossier, applicant)
    User.objects.filter(pk=applicant.pk).update(password_must_change=True)
    applicant.refresh_from_db()
    with pytest.raises(ApplicationError) as exc:
        sign(dossier, applicant, PASSWORD)
    assert exc.value.code == "password_change_required" and "初始密码" in exc.value.message_zh
    assert not PledgeSignature.objects.exists()


def test_someone_elses_dossier_is_refused_before_any_password_check(dossier, tree):
    from zhicheng.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        sign(dossier, tree["other_applicant"], "whatever")
    assert not AuditEvent.objects.filter(event_type="auth.password_failed").exists()
