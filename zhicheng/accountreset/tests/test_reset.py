"""§六(八) walked before / at / after the campaign's reset instant (2024-09-10 00:00 +08:00)."""

from __future__ import annotations

import pytest
from django.test import Client

from zhicheng.accountreset.selectors import password_change_required, reset_state
from zhicheng.accountreset.services import roles_reconfirm
from zhicheng.accounts.models import Organisation, OrganisationKind, Role, User
from zhicheng.accounts.roster import roster_entry_add
from zhicheng.accounts.services import applicant_account_open, staff_account_open
from zhicheng.accounts.tests.factories import login_verified, make_resident_id, org_tree, staff_up
from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.tests.factories import at, campaign_2024

pytestmark = pytest.mark.django_db

EARLY = "2024-09-01T10:00:00+08:00"
BEFORE = "2024-09-09T23:59:59+08:00"
AT = "2024-09-10T00:00:00+08:00"
AFTER = "2024-09-11T09:00:00+08:00"


@pytest.fixture
def world(db):
    """Staff accounts opened (passwords set) on 09-01, before the reset; a person on the unit's roster."""
    with at(EARLY):
        tree = org_tree()
        staff = staff_up(tree["unit"])
        campaign = campaign_2024()
        person = {"real_name": "冯二", "id_number": make_resident_id()}
        roster_entry_add(actor=staff[Role.ORG_ADMIN], organisation=tree["unit"], **person)
    return {**tree, "staff": staff, "admin": staff[Role.ORG_ADMIN], "campaign": campaign, "person": person}


def _open(world):
    return applicant_account_open(actor=world["admin"], organisation=world["unit"], username="fenger",
                                  **world["person"])


def _new_password(user):
    user.set_password("Zc-new-pass-2024!")
    user.save()


def test_before_the_reset_units_practise_but_open_no_accounts(world):
    with at(BEFORE) as now:
        with pytest.raises(ApplicationError) as exc:
            _open(world)
        assert exc.value.status == 403 and "系统重置前" in exc.value.message_zh
        assert reset_state(world["unit"], now).before
        assert not password_change_required(world["admin"], now)
        with pytest.raises(ApplicationError):
            roles_reconfirm(actor=world["admin"], organisation=world["unit"])
    assert not User.objects.filter(username="fenger").exists()


def test_a_units_first_account_also_waits(world):
    new_unit = Organisation.objects.create(name="新单位", kind=OrganisationKind.UNIT, parent=world["department"])
    dept_admin = staff_up(world["department"])[Role.ORG_ADMIN]
    with at(BEFORE), pytest.raises(ApplicationError) as exc:
        staff_account_open(actor=dept_admin, organisation=new_unit, username="newadmin", real_name="王五",
                           id_number=make_resident_id(), roles=[Role.ORG_ADMIN])
    assert "系统重置前" in exc.value.message_zh and not User.objects.filter(username="newadmin").exists()


def test_at_the_reset_every_step_is_listed_and_opening_is_refused(world):
    with at(AT) as now:
        state = reset_state(world["unit"], now)
        assert not state.before and len(state.staff_pending) == 3 and state.reconfirmed_at is None
        assert password_change_required(world["admin"], now)
        with pytest.raises(ApplicationError) as exc:
            _open(world)
        assert "3 名工作人员尚未重新设置密码" in exc.value.message_zh and "重新确认" in exc.value.message_zh


def test_after_all_staff_reset_and_the_admin_reconfirms_accounts_open_again(world):
    with at(AFTER) as now:
        for user in list(world["staff"].values())[:2]:
            _new_password(user)
        roles_reconfirm(actor=world["admin"], organisation=world["unit"])
        with pytest.raises(ApplicationError) as exc:  # one clerk or leader still has the old password
            _open(world)
        assert "1 名工作人员" in exc.value.message_zh
        _new_password(list(world["staff"].values())[2])
        assert reset_state(world["unit"], now).ready and not password_change_required(world["admin"], now)
        assert _open(world).user.username == "fenger"


def test_reconfirmation_needs_the_admin_and_the_three_roles(world):
    clerk = world["staff"][Role.REVIEW_CLERK]
    with at(AFTER):
        with pytest.raises(ApplicationError):
            roles_reconfirm(actor=clerk, organisation=world["unit"])
        world["staff"][Role.REVIEW_LEADER].memberships.update(is_active=False)
        with pytest.raises(ApplicationError) as exc:
            roles_reconfirm(actor=world["admin"], organisation=world["unit"])
        assert "审查领导" in exc.value.message_zh


def test_dashboard_and_page_say_what_remains(world):
    client = Client()
    login_verified(client, world["admin"])
    with at(AFTER):
        page = client.get("/").content.decode()
        assert "尚未重新设置密码" in page and "尚未重新确认" in page
        r = client.post("/account-reset/", {"old_password": "Zc-test-pass-2024", "new_password1": "Qx-9zv-new-2024!",
                                            "new_password2": "Qx-9zv-new-2024!"})
        assert r.status_code == 302
        client.post("/account-reset/reconfirm/", {"org": world["unit"].pk})
        page = client.get("/account-reset/").content.decode()
        assert "2 名工作人员尚未重新设置密码" in page and "尚未重新确认" not in page


def test_reconfirm_post_without_csrf_refused(world):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, world["admin"])
    with at(AFTER):
        assert client.post("/account-reset/reconfirm/", {"org": world["unit"].pk}).status_code == 403


def test_after_the_reset_a_units_first_account_waits_for_the_body_above(world):
    with at(AFTER):
        dept = staff_up(world["department"])  # passwords set after the reset
        new_unit = Organisation.objects.create(name="新单位", kind=OrganisationKind.UNIT, parent=world["department"])

        def open_first():
            return staff_account_open(actor=dept[Role.ORG_ADMIN], organisation=new_unit, username="newadmin",
                                      real_name="王五", id_number=make_resident_id(), roles=[Role.ORG_ADMIN])

        with pytest.raises(ApplicationError) as exc:
            open_first()
        assert "重新确认" in exc.value.message_zh
        roles_reconfirm(actor=dept[Role.ORG_ADMIN], organisation=world["department"])
        assert open_first().user.username == "newadmin"
