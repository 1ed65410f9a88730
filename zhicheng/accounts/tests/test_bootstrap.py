"""A new installation starts with the office and its system and security administrators, exactly once."""

import pytest
from django.core.management import CommandError, call_command

from zhicheng.accounts.bootstrap import PlatformAdmin, platform_bootstrap
from zhicheng.accounts.models import Membership, Organisation, Role
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError

from .factories import make_resident_id

pytestmark = pytest.mark.django_db


def _admin(username, **kw):
    return PlatformAdmin(username=username, real_name="王" + username, id_number=make_resident_id(), **kw)


def test_creates_office_and_the_two_admins_with_audit():
    done = platform_bootstrap(office_name="兰州新区组织部", system_admin=_admin("sys"), security_admin=_admin("sec"))
    roles = set(Membership.objects.filter(organisation=done.office).values_list("user__username", "role"))
    assert roles == {("sys", Role.SYSTEM_ADMIN), ("sec", Role.SECURITY_ADMIN)}
    assert set(done.initial_passwords) == {"sys", "sec"}
    assert done.system_admin.check_password(done.initial_passwords["sys"])
    assert AuditEvent.objects.filter(event_type="platform.bootstrapped").count() == 1


def test_second_bootstrap_is_refused():
    platform_bootstrap(office_name="组织部", system_admin=_admin("sys"), security_admin=_admin("sec"))
    with pytest.raises(ApplicationError) as exc:
        platform_bootstrap(office_name="另一个组织部", system_admin=_admin("s2"), security_admin=_admin("s3"))
    assert exc.value.status == 409
    assert not Organisation.objects.filter(name="另一个组织部").exists()


def test_bad_id_number_saves_nothing():
    bad = PlatformAdmin(username="sec", real_name="李四", id_number="110105194912310021")
    with pytest.raises(ApplicationError) as exc:
        platform_bootstrap(office_name="组织部", system_admin=_admin("sys"), security_admin=bad)
    assert "校验位" in exc.value.message_zh
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def _command_args(suffix: str) -> list[str]:
    args = ["--office", f"组织部{suffix}"]
    for who in ("system", "security"):
        args += [f"--{who}-username", f"{who}{suffix}", f"--{who}-name", "张三"]
        args += [f"--{who}-id-number", make_resident_id()]
    return args


def test_command_reports_refusal_in_chinese():
    call_command("platform_bootstrap", *_command_args("1"))
    with pytest.raises(CommandError, match="平台已完成初始化"):
        call_command("platform_bootstrap", *_command_args("2"))
