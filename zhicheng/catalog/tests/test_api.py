"""Catalog API: reads for anyone signed in, condition writes for the office only, anonymous refused."""

import pytest
from django.test import Client

from zhicheng.audit.models import AuditEvent
from zhicheng.catalog.models import Condition

from .helpers import applicant_user, clerk_user, logged_in_client, office_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/catalog"


def _condition_id() -> int:
    return Condition.objects.get(series__name="工程", level__name="副高级", education="master").pk


def _send(client, method: str, url: str, data: dict):
    return getattr(client, method)(BASE + url, data, content_type="application/json")


NEW_ROW = {"series": "工程", "level": "副高级", "education": "college", "min_years": 7, "below_title": "0503"}


class TestReads:
    @pytest.mark.parametrize("path", ["/levels", "/series", "/titles", "/specialties", "/conditions"])
    def test_anonymous_gets_401(self, path):
        response = Client().get(BASE + path)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"

    def test_series_list_is_paginated(self):
        body = logged_in_client(applicant_user()).get(BASE + "/series").json()
        assert body["count"] == 29
        assert {"code": "05", "name": "工程"}.items() <= next(s for s in body["items"] if s["code"] == "05").items()

    def test_titles_filtered_by_series(self):
        body = logged_in_client(clerk_user()).get(BASE + "/titles?series=工程").json()
        assert {t["code"]: t["name"] for t in body["items"]}["0502"] == "高级工程师"
        assert body["count"] == 5

    def test_conditions_filtered(self):
        body = logged_in_client(clerk_user()).get(BASE + "/conditions?series=05&level=中级").json()
        assert body["count"] == 5

    def test_unknown_series_filter_is_a_400_with_message(self):
        response = logged_in_client(clerk_user()).get(BASE + "/titles?series=炼丹")
        assert response.status_code == 400
        assert "未知的系列" in response.json()["message"]


class TestWrites:
    def test_office_patch_is_audited(self):
        client = logged_in_client(office_user())
        response = _send(client, "patch", f"/conditions/{_condition_id()}", {"min_years": 4})
        assert response.status_code == 200
        assert response.json()["min_years"] == 4
        events = AuditEvent.objects.filter(event_type="catalog.condition_updated", object_id=str(_condition_id()))
        assert events.exists()

    def test_office_post_and_delete(self):
        client = logged_in_client(office_user())
        response = client.post(f"{BASE}/conditions", NEW_ROW, content_type="application/json")
        assert response.status_code == 201, response.json()
        assert client.delete(f"{BASE}/conditions/{response.json()['id']}").status_code == 204

    def test_bad_post_gets_field_message(self):
        client = logged_in_client(office_user())
        response = _send(client, "post", "/conditions", {**NEW_ROW, "below_title": "1103"})
        assert response.status_code == 400
        assert "below_title" in response.json()["details"]["fields"]

    @pytest.mark.parametrize("make_user", [clerk_user, applicant_user])
    def test_non_office_writes_get_403(self, make_user):
        client = logged_in_client(make_user())
        cid = _condition_id()
        assert client.post(f"{BASE}/conditions", NEW_ROW, content_type="application/json").status_code == 403
        assert _send(client, "patch", f"/conditions/{cid}", {"min_years": 1}).status_code == 403
        assert client.delete(f"{BASE}/conditions/{cid}").status_code == 403
        assert Condition.objects.get(pk=cid).min_years == 5

    def test_anonymous_writes_get_401(self):
        client = Client()
        cid = _condition_id()
        assert client.post(f"{BASE}/conditions", NEW_ROW, content_type="application/json").status_code == 401
        assert _send(client, "patch", f"/conditions/{cid}", {"min_years": 1}).status_code == 401
        assert client.delete(f"{BASE}/conditions/{cid}").status_code == 401


class TestSpecialtiesAndWaivers:
    def test_office_adds_specialty_and_waiver(self):
        client = logged_in_client(office_user())
        created = _send(client, "post", "/specialties", {"series": "工程", "name": "电子信息"})
        assert created.status_code == 201
        patched = _send(client, "patch", f"/specialties/{created.json()['id']}", {"is_active": False})
        assert patched.json()["is_active"] is False
        waiver = _send(client, "post", "/waivers", {"name": "获全国技术能手称号"})
        assert waiver.status_code == 201
        assert _send(client, "patch", f"/waivers/{waiver.json()['id']}", {"is_active": False}).status_code == 200
        assert client.get(BASE + "/waivers").json()["count"] == 3

    def test_non_office_refused(self):
        client = logged_in_client(clerk_user())
        assert _send(client, "post", "/specialties", {"series": "工程", "name": "电子信息"}).status_code == 403
        assert _send(client, "post", "/waivers", {"name": "x"}).status_code == 403
        assert _send(Client(), "post", "/waivers", {"name": "x"}).status_code == 401
