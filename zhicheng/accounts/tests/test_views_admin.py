"""The organisation pages: what each person sees and can do, errors next to fields, no N+1 on the list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhicheng.accounts.models import Membership, Organisation, OrganisationKind, Role, StaffRosterEntry, User
from zhicheng.accounts.tests.factories import (
    OrganisationFactory,
    StaffRosterEntryFactory,
    UserFactory,
    login_verified,
    make_credit_code,
    make_resident_id,
    member,
    org_tree,
    staff_up,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    t = org_tree()
    t["office_staff"] = member(t["office"], Role.OFFICE_STAFF)
    t["system_admin"] = member(t["office"], Role.SYSTEM_ADMIN)
    t["security_admin"] = member(t["office"], Role.SECURITY_ADMIN)
    t["audit_admin"] = member(t["office"], Role.AUDIT_ADMIN)
    return t


def _as(client, user):
    login_verified(client, user)
    return client


def test_every_shared_url_name_resolves():
    for name in ("list", "create", "users"):
        reverse(f"organisations:{name}")
    for name in ("detail", "edit", "members", "applicant_open"):
        reverse(f"organisations:{name}", args=[1])


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("organisations:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


class TestList:
    def test_list_shows_counts_gaps_and_filters(self, client, tree):
        staff_up(tree["unit"])
        response = _as(client, tree["office_staff"]).get(reverse("organisations:list"), {"kind": "unit"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "第一中学" in html and "第二中学" in html and "教体局</a>" not in html
        assert "齐全" in html and "缺 3 个" in html

    def test_list_query_count_does_not_grow_with_rows(self, client, tree, django_assert_max_num_queries):
        client = _as(client, tree["office_staff"])
        client.get(reverse("organisations:list"))  # the first request after log-in renews the session
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("organisations:list"))
        for _ in range(30):
            unit = OrganisationFactory(kind=OrganisationKind.UNIT, parent=tree["department"])
            member(unit, Role.ORG_ADMIN)
        # the page's own share is three queries (count, rows with annotations, counts per kind); the rest is the shell
        with django_assert_max_num_queries(13):  # 15 before the session's query read the user and device
            response = client.get(reverse("organisations:list"))
        assert response.status_code == 200 and response.content.decode().count("badge-warn") >= 30
        with CaptureQueriesContext(connection) as many:
            client.get(reverse("organisations:list"))
        assert len(many) == len(few)

    def test_unit_member_sees_only_its_unit(self, client, tree):
        html = _as(client, member(tree["unit"], Role.REVIEW_CLERK)).get(reverse("organisations:list")).content.decode()
        assert "第一中学" in html and "第二中学" not in html


class TestDetail:
    def test_detail_shows_tree_members_and_gap_warning(self, client, tree):
        member(tree["unit"], Role.ORG_ADMIN, real_name="王管理")
        html = _as(client, tree["office_staff"]).get(reverse("organisations:detail", args=[tree["unit"].pk])).content
        html = html.decode()
        assert "新区组织部" in html and "教体局" in html and "王管理" in html
        assert "角色未配齐" in html and "审查经办" in html

    def test_admin_of_another_unit_gets_404(self, client, tree):
        client = _as(client, member(tree["other_unit"], Role.ORG_ADMIN))
        for name in ("detail", "members", "applicant_open", "roster"):
            assert client.get(reverse(f"organisations:{name}", args=[tree["unit"].pk])).status_code == 404, name


class TestCreateEdit:
    def test_office_creates_a_unit(self, client, tree):
        data = {
            "name": "第三中学",
            "kind": "unit",
            "parent": tree["department"].pk,
            "credit_code": make_credit_code(),
            "unit_type": "school",
            "in_district": "on",
            "professional_posts": "40",
        }
        response = _as(client, tree["office_staff"]).post(reverse("organisations:create"), data)
        org = Organisation.objects.get(name="第三中学")
        assert response.status_code == 302 and response["Location"] == reverse("organisations:detail", args=[org.pk])

    def test_bad_credit_code_shows_next_to_the_field(self, client, tree):
        data = {
            "name": "坏代码",
            "kind": "unit",
            "parent": tree["department"].pk,
            "credit_code": "91350200MA2YJ1XR9A",
            "professional_posts": "0",
        }
        response = _as(client, tree["office_staff"]).post(reverse("organisations:create"), data)
        assert response.status_code == 200
        assert "校验位错误" in response.context["form"].errors["credit_code"][0]
        assert not Organisation.objects.filter(name="坏代码").exists()

    def test_unit_admin_cannot_open_the_create_page(self, client, tree):
        client = _as(client, member(tree["unit"], Role.ORG_ADMIN))
        assert client.get(reverse("organisations:create")).status_code == 403
        assert client.get(reverse("organisations:edit", args=[tree["unit"].pk])).status_code == 403

    def test_edit_changes_the_parent(self, client, tree):
        unit = tree["unit"]
        data = {
            "name": unit.name,
            "kind": "unit",
            "parent": tree["agency"].pk,
            "credit_code": unit.credit_code,
            "unit_type": "private_enterprise",
            "professional_posts": "5",
        }
        response = _as(client, tree["office_staff"]).post(reverse("organisations:edit", args=[unit.pk]), data)
        assert response.status_code == 302
        unit.refresh_from_db()
        assert unit.parent == tree["agency"] and unit.unit_type == "private_enterprise"


class TestSuspend:
    def test_suspend_then_unit_can_read_but_not_act(self, client, tree):
        admin = staff_up(tree["unit"])[Role.ORG_ADMIN]
        _as(client, tree["office_staff"]).post(
            reverse("organisations:suspend", args=[tree["unit"].pk]), {"reason": "协助造假"}
        )
        assert Organisation.objects.get(pk=tree["unit"].pk).is_suspended
        client.logout()
        client = _as(client, admin)
        assert client.get(reverse("organisations:detail", args=[tree["unit"].pk])).status_code == 200
        response = client.post(
            reverse("organisations:roster", args=[tree["unit"].pk]),
            {"add-real_name": "冯二", "add-id_type": "resident", "add-id_number": make_resident_id()},
        )
        assert "已被停用" in response.content.decode()
        assert not StaffRosterEntry.objects.exists()

    def test_system_admin_cannot_suspend(self, client, tree):
        _as(client, tree["system_admin"]).post(
            reverse("organisations:suspend", args=[tree["unit"].pk]), {"reason": "x"}
        )
        assert not Organisation.objects.get(pk=tree["unit"].pk).is_suspended

    def test_suspend_is_post_only(self, client, tree):
        response = _as(client, tree["office_staff"]).get(reverse("organisations:suspend", args=[tree["unit"].pk]))
        assert response.status_code == 405


class TestMembers:
    def test_unit_admin_opens_a_leader_account_and_password_is_shown_once(self, client, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        data = {
            "staff-real_name": "褚四",
            "staff-id_type": "resident",
            "staff-id_number": make_resident_id(),
            "staff-username": "chu4",
            "staff-roles": ["review_leader"],
        }
        response = _as(client, admin).post(reverse("organisations:members", args=[tree["unit"].pk]), data)
        assert "初始密码" in response.content.decode()
        assert User.objects.get(username="chu4").memberships.get().role == Role.REVIEW_LEADER

    def test_security_admin_grants_by_id_number(self, client, tree):
        user = UserFactory()
        _as(client, tree["security_admin"]).post(
            reverse("organisations:members", args=[tree["unit"].pk]),
            {"grant-user": user.id_number, "grant-role": "review_clerk"},
        )
        assert Membership.objects.filter(user=user, role=Role.REVIEW_CLERK, is_active=True).exists()

    def test_system_admin_grant_is_refused_with_message(self, client, tree):
        user = UserFactory()
        response = _as(client, tree["system_admin"]).post(
            reverse("organisations:members", args=[tree["unit"].pk]),
            {"grant-user": user.username, "grant-role": "review_clerk"},
        )
        assert not Membership.objects.filter(user=user).exists()
        assert response.status_code == 200

    def test_applicant_cannot_open_the_members_page(self, client, tree):
        client = _as(client, member(tree["unit"], Role.APPLICANT))
        assert client.get(reverse("organisations:members", args=[tree["unit"].pk])).status_code == 403
        html = client.get(reverse("organisations:detail", args=[tree["unit"].pk])).content.decode()
        assert "成员与角色" not in html

    def test_revoke(self, client, tree):
        clerk = member(tree["unit"], Role.REVIEW_CLERK)
        m = clerk.memberships.get()
        _as(client, tree["security_admin"]).post(reverse("organisations:membership_revoke", args=[m.pk]))
        m.refresh_from_db()
        assert not m.is_active


class TestRosterAndApplicants:
    def test_csv_import_reports_bad_lines_and_saves_nothing(self, client, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        text = f"姓名,证件号码\n冯二,{make_resident_id()}\n卫五,110105194912310021\n"
        upload = SimpleUploadedFile("roster.csv", text.encode("gb18030"), content_type="text/csv")
        response = _as(client, admin).post(
            reverse("organisations:roster", args=[tree["unit"].pk]), {"import-file": upload}
        )
        assert "第 3 行" in response.content.decode()
        assert not StaffRosterEntry.objects.exists()

    def test_csv_import_in_utf8(self, client, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        text = f"\ufeff冯二,{make_resident_id()}\n卫五,{make_resident_id()}\n"
        upload = SimpleUploadedFile("roster.csv", text.encode("utf-8"), content_type="text/csv")
        _as(client, admin).post(reverse("organisations:roster", args=[tree["unit"].pk]), {"import-file": upload})
        assert StaffRosterEntry.objects.filter(organisation=tree["unit"], is_active=True).count() == 2

    def test_applicant_open_page_blocks_until_three_roles(self, client, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        html = _as(client, admin).get(reverse("organisations:applicant_open", args=[tree["unit"].pk])).content.decode()
        assert "角色未配齐" in html and "disabled" in html

    def test_applicant_open_refuses_non_staff_next_to_the_field(self, client, tree):
        admin = staff_up(tree["unit"])[Role.ORG_ADMIN]
        data = {"real_name": "外人", "id_type": "resident", "id_number": make_resident_id(), "username": "outsider"}
        response = _as(client, admin).post(reverse("organisations:applicant_open", args=[tree["unit"].pk]), data)
        assert "不在本机构花名册中" in response.context["form"].errors["id_number"][0]
        assert not User.objects.filter(username="outsider").exists()

    def test_applicant_open_succeeds_for_roster_person(self, client, tree):
        admin = staff_up(tree["unit"])[Role.ORG_ADMIN]
        entry = StaffRosterEntryFactory(organisation=tree["unit"])
        data = {"real_name": entry.real_name, "id_type": "resident", "id_number": entry.id_number, "username": "appl"}
        response = _as(client, admin).post(reverse("organisations:applicant_open", args=[tree["unit"].pk]), data)
        assert "初始密码" in response.content.decode()
        assert User.objects.get(username="appl").memberships.get().role == Role.APPLICANT


class TestUsersPage:
    def test_system_admin_sees_and_deactivates(self, client, tree):
        target = UserFactory()
        client = _as(client, tree["system_admin"])
        listed = client.get(reverse("organisations:users")).content.decode()
        assert target.username in listed
        if target.id_number:  # masked on the list: the first and last four characters only
            assert target.id_number not in listed and target.id_number[-4:] in listed
        if target.phone:
            assert target.phone not in listed
        client.post(reverse("organisations:user_set_active", args=[target.pk]), {"active": "0"})
        target.refresh_from_db()
        assert not target.is_active

    @pytest.mark.parametrize("who", ["security_admin", "audit_admin", "office_staff"])
    def test_other_admins_get_403(self, client, tree, who):
        client = _as(client, tree[who])
        # the security admin has a list of their own there (lock, unlock, reset; test_security_users.py)
        listed = client.get(reverse("organisations:users"))
        assert listed.status_code == (200 if who == "security_admin" else 403)
        target = UserFactory()
        client.post(reverse("organisations:user_set_active", args=[target.pk]), {"active": "0"})
        target.refresh_from_db()
        assert target.is_active
