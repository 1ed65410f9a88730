"""The accounts API: anonymous callers get 401, hidden objects 404, refusals 403 with the one error shape."""

import re

import pytest

from zhicheng.accounts.api import router
from zhicheng.accounts.models import Membership, Organisation, Role, StaffRosterEntry, User
from zhicheng.accounts.tests.factories import (
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
API = "/api/v1"


def _operations():
    for path, view in router.path_operations.items():
        for operation in view.operations:
            for method in operation.methods:
                yield method, path


@pytest.mark.parametrize(("method", "path"), list(_operations()))
def test_anonymous_gets_401(client, method, path):
    url = API + re.sub(r"\{[^}]+\}", "1", path)
    response = client.generic(method, url, data="{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_unverified_staff_session_gets_401(client):
    client.force_login(member(org_tree()["unit"], Role.REVIEW_CLERK))
    assert client.get(f"{API}/me").status_code == 401


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


def test_me_lists_roles_and_organisations(client, tree):
    body = _as(client, tree["office_staff"]).get(f"{API}/me").json()
    assert body["roles"] == ["office_staff"]
    assert [o["name"] for o in body["organisations"]] == ["新区组织部"]


class TestOrganisations:
    def test_office_sees_all_with_counts_and_gaps(self, client, tree):
        staff_up(tree["unit"])
        body = _as(client, tree["office_staff"]).get(f"{API}/organisations", {"kind": "unit"}).json()
        assert body["count"] == 2
        first = next(o for o in body["items"] if o["name"] == "第一中学")
        assert first["member_count"] == 3 and first["role_gaps"] == []
        second = next(o for o in body["items"] if o["name"] == "第二中学")
        assert second["role_gaps"] == ["org_admin", "review_clerk", "review_leader"]

    def test_department_sees_itself_and_its_units_only(self, client, tree):
        admin = member(tree["department"], Role.ORG_ADMIN)
        body = _as(client, admin).get(f"{API}/organisations").json()
        assert {o["name"] for o in body["items"]} == {"教体局", "第一中学", "第二中学"}

    def test_unit_admin_of_another_unit_gets_404(self, client, tree):
        admin = member(tree["other_unit"], Role.ORG_ADMIN)
        response = _as(client, admin).get(f"{API}/organisations/{tree['unit'].pk}")
        assert response.status_code == 404
        assert set(response.json()) == {"code", "message", "details"}
        assert client.get(f"{API}/organisations/{tree['unit'].pk}/memberships").status_code == 404

    def test_filter_suspended(self, client, tree):
        client = _as(client, tree["office_staff"])
        client.post(
            f"{API}/organisations/{tree['unit'].pk}/suspend", {"reason": "协助造假"}, content_type="application/json"
        )
        body = client.get(f"{API}/organisations", {"suspended": "true"}).json()
        assert [o["name"] for o in body["items"]] == ["第一中学"]

    def test_create_and_patch(self, client, tree):
        client = _as(client, tree["office_staff"])
        payload = {
            "name": "第三中学",
            "kind": "unit",
            "parent_id": tree["department"].pk,
            "credit_code": make_credit_code(),
        }
        response = client.post(f"{API}/organisations", payload, content_type="application/json")
        assert response.status_code == 201, response.json()
        org_id = response.json()["id"]
        response = client.patch(
            f"{API}/organisations/{org_id}", {"has_post_management": True}, content_type="application/json"
        )
        assert response.status_code == 200 and response.json()["has_post_management"] is True

    def test_bad_credit_code_is_400_in_chinese(self, client, tree):
        client = _as(client, tree["office_staff"])
        payload = {
            "name": "坏代码",
            "kind": "unit",
            "parent_id": tree["department"].pk,
            "credit_code": "91350200MA2YJ1XR9A",
        }
        response = client.post(f"{API}/organisations", payload, content_type="application/json")
        assert response.status_code == 400
        assert "校验位错误" in response.json()["details"]["credit_code"][0]
        assert not Organisation.objects.filter(name="坏代码").exists()

    def test_unit_admin_cannot_edit_its_unit(self, client, tree):
        admin = member(tree["unit"], Role.ORG_ADMIN)
        response = _as(client, admin).patch(
            f"{API}/organisations/{tree['unit'].pk}", {"name": "改名"}, content_type="application/json"
        )
        assert response.status_code == 403

    def test_system_admin_cannot_suspend(self, client, tree):
        response = _as(client, tree["system_admin"]).post(
            f"{API}/organisations/{tree['unit'].pk}/suspend", {"reason": "x"}, content_type="application/json"
        )
        assert response.status_code == 403


class TestMemberships:
    def test_security_admin_grants_and_revokes(self, client, tree):
        user = UserFactory()
        client = _as(client, tree["security_admin"])
        response = client.post(
            f"{API}/organisations/{tree['unit'].pk}/memberships",
            {"user_id": user.pk, "role": "review_leader"},
            content_type="application/json",
        )
        assert response.status_code == 201
        response = client.delete(f"{API}/memberships/{response.json()['id']}")
        assert response.status_code == 200 and response.json()["is_active"] is False

    def test_system_admin_cannot_grant(self, client, tree):
        response = _as(client, tree["system_admin"]).post(
            f"{API}/organisations/{tree['unit'].pk}/memberships",
            {"user_id": UserFactory().pk, "role": "review_leader"},
            content_type="application/json",
        )
        assert response.status_code == 403 and "安全管理员" in response.json()["message"]

    def test_applicant_cannot_list_members_of_its_unit(self, client, tree):
        applicant = member(tree["unit"], Role.APPLICANT)
        client = _as(client, applicant)
        assert client.get(f"{API}/organisations/{tree['unit'].pk}").status_code == 200
        assert client.get(f"{API}/organisations/{tree['unit'].pk}/memberships").status_code == 403

    def test_hidden_membership_is_404(self, client, tree):
        clerk = member(tree["unit"], Role.REVIEW_CLERK)
        admin = member(tree["other_unit"], Role.ORG_ADMIN)
        response = _as(client, admin).delete(f"{API}/memberships/{clerk.memberships.get().pk}")
        assert response.status_code == 404
        assert Membership.objects.get(user=clerk).is_active


class TestApplicantsAndRoster:
    def test_three_roles_then_roster_then_account(self, client, tree):
        unit = tree["unit"]
        admin = member(unit, Role.ORG_ADMIN)
        member(unit, Role.REVIEW_CLERK)
        client = _as(client, admin)
        person = {"real_name": "冯二", "id_number": make_resident_id()}
        response = client.post(f"{API}/organisations/{unit.pk}/roster", person, content_type="application/json")
        assert response.status_code == 201
        payload = {**person, "username": "fenger"}
        url = f"{API}/organisations/{unit.pk}/applicants"
        response = client.post(url, payload, content_type="application/json")
        assert response.status_code == 403 and response.json()["details"] == {"missing_roles": ["review_leader"]}
        member(unit, Role.REVIEW_LEADER)
        response = client.post(url, payload, content_type="application/json")
        assert response.status_code == 201
        assert response.json()["initial_password"]
        assert User.objects.get(username="fenger").memberships.get().role == Role.APPLICANT

    def test_non_staff_person_is_refused(self, client, tree):
        admin = staff_up(tree["unit"])[Role.ORG_ADMIN]
        response = _as(client, admin).post(
            f"{API}/organisations/{tree['unit'].pk}/applicants",
            {"real_name": "外人", "id_number": make_resident_id(), "username": "outsider"},
            content_type="application/json",
        )
        assert response.status_code == 403 and response.json()["code"] == "not_on_roster"
        assert not User.objects.filter(username="outsider").exists()

    def test_roster_is_hidden_from_clerks(self, client, tree):
        clerk = member(tree["unit"], Role.REVIEW_CLERK)
        StaffRosterEntryFactory(organisation=tree["unit"])
        assert _as(client, clerk).get(f"{API}/organisations/{tree['unit'].pk}/roster").status_code == 403

    def test_roster_of_another_unit_is_404(self, client, tree):
        admin = member(tree["other_unit"], Role.ORG_ADMIN)
        response = _as(client, admin).post(
            f"{API}/organisations/{tree['unit'].pk}/roster",
            {"real_name": "冯二", "id_number": make_resident_id()},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert not StaffRosterEntry.objects.exists()


class TestUsers:
    def test_system_admin_lists_creates_and_deactivates(self, client, tree):
        client = _as(client, tree["system_admin"])
        assert client.get(f"{API}/users").json()["count"] == 4
        response = client.post(
            f"{API}/users",
            {"real_name": "陈三", "id_number": make_resident_id(), "username": "chen3"},
            content_type="application/json",
        )
        assert response.status_code == 201 and response.json()["memberships"] == []
        response = client.post(f"{API}/users/{response.json()['user']['id']}/deactivate")
        assert response.status_code == 200 and response.json()["is_active"] is False

    def test_system_admin_corrects_an_id_number(self, client, tree):
        target = UserFactory()
        client = _as(client, tree["system_admin"])
        url = f"{API}/users/{target.pk}"
        response = client.patch(url, {"id_number": "11010519491231002x"}, content_type="application/json")
        assert response.status_code == 200 and response.json()["id_number"] == "11010519491231002X"
        response = client.patch(url, {"id_number": "110105194912310021"}, content_type="application/json")
        assert response.status_code == 400 and "校验位" in response.json()["message"]

    @pytest.mark.parametrize("who", ["security_admin", "audit_admin", "office_staff"])
    def test_other_admins_cannot_manage_users(self, client, tree, who):
        client = _as(client, tree[who])
        assert client.get(f"{API}/users").status_code == 403
        response = client.patch(
            f"{API}/users/{tree['system_admin'].pk}", {"phone": "1"}, content_type="application/json"
        )
        assert response.status_code == 403
        assert client.post(f"{API}/users/{tree['system_admin'].pk}/deactivate").status_code == 403
        assert User.objects.get(pk=tree["system_admin"].pk).is_active
