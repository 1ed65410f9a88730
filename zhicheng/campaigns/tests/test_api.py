"""Campaign API: reads for anyone signed in; writes for the office; 403 for others, 401 for anonymous."""

import pytest
from django.test import Client

from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns.models import Campaign
from zhicheng.campaigns.services import campaign_load_from_file
from zhicheng.catalog.tests.helpers import applicant_user, clerk_user, logged_in_client, office_user

from .factories import campaign_2024_values

pytestmark = pytest.mark.django_db
BASE = "/api/v1/campaigns"


def _send(client, method: str, url: str, data: dict | None = None):
    return getattr(client, method)(BASE + url, data or {}, content_type="application/json")


@pytest.fixture
def c2024():
    return campaign_load_from_file()


def _writes(campaign) -> list[tuple[str, str, dict]]:
    route = campaign.routes.first()
    return [
        ("post", "/", campaign_2024_values(year=2030)),
        ("patch", f"/{campaign.pk}", {"max_returns": 2}),
        ("post", f"/{campaign.pk}/clone", {}),
        ("post", f"/{campaign.pk}/routes", {"series": "会计", "level": "中级", "route": "self"}),
        ("delete", f"/{campaign.pk}/routes/{route.pk}", {}),
        ("post", f"/{campaign.pk}/quotas", {"series": "工程", "level": "副高级", "count": 3}),
    ]


class TestReads:
    def test_current_list_detail_routes(self, c2024):
        client = logged_in_client(applicant_user())
        current = client.get(BASE + "/current").json()
        assert current["year"] == 2024 and current["submission_closes_at"].startswith("2024-10-11T00:00:00+08:00")
        assert client.get(BASE + "/").json()["count"] == 1
        assert client.get(f"{BASE}/{c2024.pk}").json()["notice_number"] == "新组通〔2024〕23号"
        routes = client.get(f"{BASE}/{c2024.pk}/routes").json()
        assert {(r["series_name"], r["level_name"]) for r in routes} == {
            ("工程", "中级"), ("工程", "副高级"), ("中小学教师", "中级"), ("中小学教师", "副高级")}
        assert client.get(f"{BASE}/{c2024.pk}/quotas").json() == []

    def test_no_current_campaign_is_404(self):
        response = logged_in_client(clerk_user()).get(BASE + "/current")
        assert response.status_code == 404 and response.json()["code"] == "not_found"

    def test_anonymous_reads_get_401(self, c2024):
        for url in ("/", "/current", f"/{c2024.pk}", f"/{c2024.pk}/routes", f"/{c2024.pk}/quotas"):
            assert Client().get(BASE + url).status_code == 401


class TestWrites:
    @pytest.mark.parametrize("make_user", [clerk_user, applicant_user])
    def test_every_write_refused_for_non_office(self, c2024, make_user):
        client = logged_in_client(make_user())
        for method, url, data in _writes(c2024):
            response = _send(client, method, url, data)
            assert response.status_code == 403, (method, url)
            assert response.json()["message"] == "仅职改办工作人员可执行此操作"
        assert Campaign.objects.count() == 1 and c2024.routes.count() == 4
        assert not AuditEvent.objects.filter(event_type__in=["campaign.updated", "campaign.cloned"]).exists()

    def test_every_write_refused_for_anonymous(self, c2024):
        for method, url, data in _writes(c2024):
            assert _send(Client(), method, url, data).status_code == 401, (method, url)

    def test_office_patch_audited(self, c2024):
        response = _send(logged_in_client(office_user()), "patch", f"/{c2024.pk}", {"similarity_core_max": "12.5"})
        assert response.status_code == 200 and response.json()["similarity_core_max"] == "12.50"
        assert AuditEvent.objects.filter(event_type="campaign.updated", object_id=str(c2024.pk)).exists()

    def test_office_patch_bad_window_is_400_with_fields(self, c2024):
        response = _send(logged_in_client(office_user()), "patch", f"/{c2024.pk}",
                         {"supplement_cutoff": "2024-12-25T00:00:00+08:00"})
        assert response.status_code == 400
        body = response.json()
        assert body["message"] == "补充资料截止时间不能晚于答辩评审会议日期"
        assert "supplement_cutoff" in body["details"]["fields"]

    def test_office_create_clone_route_quota(self, c2024):
        client = logged_in_client(office_user())
        clone = _send(client, "post", f"/{c2024.pk}/clone", {"year": 2026})
        assert clone.status_code == 201 and clone.json()["status"] == "draft"
        route = _send(client, "post", f"/{c2024.pk}/routes", {"series": "会计", "level": "中级", "route": "self"})
        assert route.status_code == 200 and route.json()["series_name"] == "会计"
        quota = _send(client, "post", f"/{c2024.pk}/quotas", {"series": "工程", "level": "副高级", "count": 3})
        assert quota.status_code == 200
        assert _send(client, "delete", f"/{c2024.pk}/quotas/{quota.json()['id']}").status_code == 204
        created = _send(client, "post", "/", campaign_2024_values(year=2030, status="draft",
                                                                  submission_opens_at="2030-09-10T00:00:00+08:00"))
        assert created.status_code == 400
        assert "submission_closes_at" in created.json()["details"]["fields"]

    def test_unknown_series_in_quota_is_400(self, c2024):
        response = _send(logged_in_client(office_user()), "post", f"/{c2024.pk}/quotas",
                         {"series": "炼丹", "level": "副高级", "count": 3})
        assert response.status_code == 400 and response.json()["code"] == "unknown_series"


def test_english_caller_gets_english_message(c2024):
    client = logged_in_client(office_user())
    response = client.patch(f"{BASE}/{c2024.pk}", {"max_returns": 0}, content_type="application/json",
                            HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["message"] == "The maximum returns must be a positive whole number"
