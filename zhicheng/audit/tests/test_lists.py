"""Filtering the trail, on the page and in the API, and the verdict of the chain check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zhicheng.audit.models import AuditEvent
from zhicheng.audit.triggers import append_only_suspended

pytestmark = pytest.mark.django_db


def _api_numbers(client, **params) -> list[int]:
    """The fixture events the API returns (by their position 1..5 in the fixture), in the API's order."""
    params.setdefault("event_type", "test.")  # other apps audit logins and memberships too
    body = client.get("/api/v1/audit/events", params).json()
    return [item["data"]["n"] for item in body["items"]]


def test_api_lists_newest_first_with_hashes(reader_client, events):
    body = reader_client.get("/api/v1/audit/events").json()
    assert body["count"] == AuditEvent.objects.count()
    newest = body["items"][0]
    assert newest["seq"] == AuditEvent.objects.order_by("-seq").first().seq
    item = next(i for i in body["items"] if i["id"] == events[4].pk)
    assert item["hash"] == events[4].hash and item["prev_hash"] == events[4].prev_hash


@pytest.mark.parametrize(
    ("params", "numbers"),
    [
        ({}, [5, 4, 3, 2, 1]),
        ({"event_type": "test.alpha"}, [2, 1]),
        ({"event_type": "test.login"}, [3]),
        ({"object_type": "accounts.organisation"}, [3]),
        ({"actor": "审计测试"}, [4, 3, 2, 1]),
        ({"actor": "no-such-person"}, []),
    ],
)
def test_api_filters(reader_client, events, params, numbers):
    assert _api_numbers(reader_client, **params) == numbers


def test_api_filters_by_actor_id_username_organisation_and_object(reader_client, events):
    actor = events[0].actor
    assert _api_numbers(reader_client, actor=actor.username) == [4, 3, 2, 1]
    assert _api_numbers(reader_client, actor=str(actor.pk)) == [4, 3, 2, 1]
    assert _api_numbers(reader_client, organisation=events[0].organisation_id) == [1]
    assert _api_numbers(reader_client, object_id=events[2].object_id, object_type="accounts.organisation") == [3]


def test_api_filters_by_local_date(reader_client, events):
    today = timezone.localdate()
    assert len(_api_numbers(reader_client, date_from=today.isoformat(), date_to=today.isoformat())) == 5
    tomorrow = today + dt.timedelta(days=1)
    assert _api_numbers(reader_client, date_from=tomorrow.isoformat()) == []
    assert _api_numbers(reader_client, date_to=(today - dt.timedelta(days=1)).isoformat()) == []


def test_api_bad_date_is_422(reader_client, events):
    response = reader_client.get("/api/v1/audit/events", {"date_from": "2024-02-30"})
    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "details"}


def test_page_filters_and_paginates(reader_client, events):
    response = reader_client.get(reverse("audit:events"), {"event_type": "test.alpha"})
    assert [e.pk for e in response.context["page"]] == [events[1].pk, events[0].pk]
    assert response.context["page"].paginator.per_page == 50


def test_page_filters_by_organisation_and_names_it(reader_client, events):
    response = reader_client.get(reverse("audit:events"), {"organisation": events[0].organisation_id})
    assert [row.event.pk for row in response.context["rows"]] == [events[0].pk]
    assert response.context["rows"][0].organisation == "平台"


def test_page_reversed_dates_show_an_error(reader_client, events):
    response = reader_client.get(reverse("audit:events"), {"date_from": "2024-10-10", "date_to": "2024-10-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_detail_page_shows_data_and_hash(reader_client, events):
    response = reader_client.get(reverse("audit:event_detail", args=[events[2].pk]))
    text = response.content.decode()
    assert events[2].hash in text and "张三" in text


def test_verify_page_and_api_report_intact(reader_client, events):
    total = AuditEvent.objects.count()
    assert f"审计链完整：{total} 条" in reader_client.get(reverse("audit:verify")).content.decode()
    assert reader_client.get("/api/v1/audit/verify").json()["ok"] is True


def test_verify_page_and_api_name_the_broken_row(reader_client, events):
    with append_only_suspended():
        AuditEvent.objects.filter(pk=events[3].pk).update(actor_label="someone else")
    assert f"第 {events[3].seq} 条" in reader_client.get(reverse("audit:verify")).content.decode()
    body = reader_client.get("/api/v1/audit/verify").json()
    assert body["ok"] is False and body["seq"] == events[3].seq and body["event_id"] == events[3].pk


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/audit/events", {"organisation": str(10**30)}),
        ("/api/v1/audit/events", {"actor": "9" * 30}),
        (f"/api/v1/audit/events/{10**30}", {}),
    ],
)
def test_huge_numbers_answer_without_a_server_error(reader_client, events, url, params):
    assert reader_client.get(url, params).status_code in (200, 404, 422)
