"""Calendar API: arithmetic for any signed-in caller, overrides written by office staff only."""

from __future__ import annotations

import pytest

from zhicheng.core.models import HolidayOverride

pytestmark = pytest.mark.django_db
BASE = "/api/v1/calendar"


def _error_shape(response) -> dict:
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    return body


class TestArithmetic:
    def test_add_working_days(self, clerk_client):
        response = clerk_client.get(f"{BASE}/add-working-days", {"start": "2024-10-08", "days": 5})
        assert response.status_code == 200
        assert response.json() == {"start": "2024-10-08", "days": 5, "end": "2024-10-12"}

    def test_is_working_day(self, clerk_client):
        response = clerk_client.get(f"{BASE}/is-working-day", {"date": "2024-10-12"})
        assert response.json() == {"date": "2024-10-12", "is_working_day": True}

    def test_working_days_between(self, clerk_client):
        response = clerk_client.get(f"{BASE}/working-days-between", {"first": "2024-09-29", "last": "2024-10-12"})
        assert response.json()["working_days"] == 7

    @pytest.mark.parametrize("start", ["2024-13-01", "2024-02-30", "yesterday", ""])
    def test_bad_date_is_422_with_the_error_shape(self, clerk_client, start):
        response = clerk_client.get(f"{BASE}/add-working-days", {"start": start, "days": 5})
        assert response.status_code == 422
        assert _error_shape(response)["code"] == "invalid"

    @pytest.mark.parametrize("days", [0, -1, 1001, "five"])
    def test_bad_day_count_is_422(self, clerk_client, days):
        response = clerk_client.get(f"{BASE}/add-working-days", {"start": "2024-10-08", "days": days})
        assert response.status_code == 422

    def test_unknown_year_is_400_with_the_chinese_message(self, clerk_client):
        response = clerk_client.get(f"{BASE}/is-working-day", {"date": "2027-03-03"})
        assert response.status_code == 400
        body = _error_shape(response)
        assert body["code"] == "calendar_year_unknown"
        assert body["message"].startswith("2027 年节假日安排尚未录入")

    def test_reversed_range_is_400(self, clerk_client):
        response = clerk_client.get(f"{BASE}/working-days-between", {"first": "2024-10-12", "last": "2024-10-01"})
        assert response.status_code == 400
        assert _error_shape(response)["code"] == "range_reversed"

    @pytest.mark.parametrize(
        "url",
        [f"{BASE}/add-working-days?start=2024-10-08&days=5", f"{BASE}/is-working-day?date=2024-10-08",
         f"{BASE}/working-days-between?first=2024-10-08&last=2024-10-09", f"{BASE}/overrides"],
    )
    def test_anonymous_is_401(self, client, url):
        response = client.get(url)
        assert response.status_code == 401
        assert _error_shape(response)["code"] == "unauthenticated"


class TestOverrides:
    def test_office_creates_a_range_and_lists_it(self, office_client):
        response = office_client.post(
            f"{BASE}/overrides",
            {"first": "2027-10-01", "last": "2027-10-07", "kind": "holiday", "name": "国庆节"},
            content_type="application/json",
        )
        assert response.status_code == 201
        assert len(response.json()) == 7
        listing = office_client.get(f"{BASE}/overrides", {"year": 2027}).json()
        assert listing["count"] == 7 and listing["items"][0]["date"] == "2027-10-01"

    def test_overlap_is_400_naming_the_dates(self, office_client):
        HolidayOverride.objects.create(date="2027-10-03", kind="holiday", name="国庆节")
        response = office_client.post(
            f"{BASE}/overrides", {"first": "2027-10-01", "last": "2027-10-07", "kind": "holiday", "name": "国庆节"},
            content_type="application/json",
        )
        assert response.status_code == 400
        body = _error_shape(response)
        assert body["details"]["conflicts"] == ["2027-10-03"]
        assert "2027年10月3日" in body["message"]

    def test_clerk_cannot_create(self, clerk_client):
        response = clerk_client.post(
            f"{BASE}/overrides", {"first": "2027-10-01", "kind": "holiday", "name": "国庆节"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert _error_shape(response)["code"] == "forbidden"
        assert not HolidayOverride.objects.exists()

    def test_office_deletes(self, office_client):
        override = HolidayOverride.objects.create(date="2027-10-03", kind="holiday", name="国庆节")
        assert office_client.delete(f"{BASE}/overrides/{override.pk}").status_code == 204
        assert not HolidayOverride.objects.exists()

    def test_clerk_cannot_delete(self, clerk_client):
        override = HolidayOverride.objects.create(date="2027-10-03", kind="holiday", name="国庆节")
        assert clerk_client.delete(f"{BASE}/overrides/{override.pk}").status_code == 403
        assert HolidayOverride.objects.filter(pk=override.pk).exists()

    def test_delete_unknown_is_404(self, office_client):
        assert office_client.delete(f"{BASE}/overrides/999999").status_code == 404

    def test_confirm_schedule(self, office_client):
        response = office_client.post(f"{BASE}/schedules", {"year": 2027}, content_type="application/json")
        assert response.status_code == 201
        assert office_client.get(f"{BASE}/is-working-day", {"date": "2027-03-03"}).json()["is_working_day"] is True


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", f"{BASE}/overrides?year=99999999"), ("delete", f"{BASE}/overrides/{10**30}")],
)
def test_huge_numbers_are_422_not_a_server_error(office_client, method, url):
    assert getattr(office_client, method)(url).status_code == 422
