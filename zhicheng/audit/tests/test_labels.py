"""The audit pages name events by their labels and objects by what they are, never by internal codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhicheng.accounts.auth_services import totp_device_create_confirmed
from zhicheng.accounts.tests.factories import UserFactory
from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.services import audit_event_record
from zhicheng.audit.testing import shown_event_codes, visible_text
from zhicheng.audit.triggers import append_only_suspended

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(platform):
    """A device enabled by 张三 (recorded by the service itself), a calendar year and two review steps."""
    person = UserFactory(real_name="张三")
    device = totp_device_create_confirmed(user=person)
    audit_event_record(event_type=EventType.CALENDAR_YEAR_CONFIRM, data={"year": 2025})
    audit_event_record(event_type=EventType.REVIEW_UNIT_PASSED, obj=platform)
    audit_event_record(event_type=EventType.REVIEW_UNIT_PASSED_BACK, obj=platform)
    return {"person": person, "device": device}


def test_list_shows_labels_and_described_objects(reader_client, recorded):
    html = reader_client.get(reverse("audit:events")).content.decode()
    text = visible_text(html)
    assert "启用动态口令" in text and "确认年度节假日安排" in text and "单位审核通过" in text
    assert "动态口令设备（用户 张三）" in text and "机构（平台）" in text
    assert shown_event_codes(text) == []
    assert "otp_totp.totpdevice" not in text and "accounts.organisation" not in text


def test_detail_shows_label_area_and_object(reader_client, recorded):
    pk = AuditEvent.objects.get(event_type=EventType.AUTH_OTP_ENABLED).pk
    text = visible_text(reader_client.get(reverse("audit:event_detail", args=[pk])).content.decode())
    assert "启用动态口令（登录与认证）" in text and "动态口令设备（用户 张三）" in text
    assert "auth.otp_enabled" not in text and "otp_totp.totpdevice" not in text


def test_an_object_since_deleted_is_still_named(reader_client, recorded):
    pk = recorded["device"].pk
    recorded["device"].delete()
    text = visible_text(reader_client.get(reverse("audit:events")).content.decode())
    assert f"动态口令设备（编号 {pk}，已不存在）" in text
    assert "otp_totp.totpdevice" not in text


def test_a_stored_type_the_vocabulary_lacks_is_shown_neutrally(reader_client, events):
    audit_event_record(event_type="dossier.from_a_later_release")
    text = visible_text(reader_client.get(reverse("audit:events")).content.decode())
    assert "申报材料：其他操作" in text and "dossier.from_a_later_release" not in text
    assert "test.alpha" not in text  # the fixture's own made-up types too


def test_page_filters_by_area(reader_client, recorded):
    response = reader_client.get(reverse("audit:events"), {"area": "review"})
    types = {row.event.event_type for row in response.context["rows"]}
    assert types == {EventType.REVIEW_UNIT_PASSED, EventType.REVIEW_UNIT_PASSED_BACK}
    response = reader_client.get(reverse("audit:events"), {"area": "auth"})
    types = {row.event.event_type for row in response.context["rows"]}
    assert EventType.AUTH_OTP_ENABLED in types and all(t.startswith("auth.") for t in types)  # and the log-in


def test_page_event_type_is_exact_not_a_prefix(reader_client, recorded):
    response = reader_client.get(reverse("audit:events"), {"event_type": EventType.REVIEW_UNIT_PASSED})
    assert [row.event.event_type for row in response.context["rows"]] == [EventType.REVIEW_UNIT_PASSED]


def test_page_refuses_an_unknown_area_and_shows_everything(reader_client, recorded):
    response = reader_client.get(reverse("audit:events"), {"area": "nonsense"})
    assert response.status_code == 200 and response.context["form"].errors["area"]


def test_filter_choices_are_labels(reader_client, recorded):
    html = reader_client.get(reverse("audit:events")).content.decode()
    assert '<option value="review.unit_passed">单位审核通过</option>' in html
    assert '<optgroup label="审核与推荐">' in html
    assert '<option value="otp_totp.totpdevice">动态口令设备</option>' in html


def test_api_keeps_the_code_and_adds_the_label(reader_client, recorded):
    body = reader_client.get("/api/v1/audit/events", {"area": "auth"}).json()
    pairs = {(i["event_type"], i["event_label"]) for i in body["items"]}
    assert ("auth.otp_enabled", "启用动态口令") in pairs and all(t.startswith("auth.") for t, _ in pairs)
    device_event = next(i for i in body["items"] if i["event_type"] == "auth.otp_enabled")
    item = reader_client.get(f"/api/v1/audit/events/{device_event['id']}").json()
    assert item["event_type"] == "auth.otp_enabled" and item["event_label"] == "启用动态口令"
    english = reader_client.get("/api/v1/audit/events", {"event_type": "auth.otp_enabled"},
                                HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["items"][0]["event_label"] == "One-time passcode enabled"


def test_api_refuses_an_unknown_area(reader_client, recorded):
    response = reader_client.get("/api/v1/audit/events", {"area": "nonsense"})
    assert response.status_code == 422 and set(response.json()) == {"code", "message", "details"}


def test_verify_names_the_broken_row_by_its_label(reader_client, recorded):
    event = AuditEvent.objects.get(event_type=EventType.CALENDAR_YEAR_CONFIRM)
    with append_only_suspended():
        AuditEvent.objects.filter(pk=event.pk).update(data={"year": 2026})
    text = visible_text(reader_client.get(reverse("audit:verify")).content.decode())
    assert f"第 {event.seq} 条（id {event.pk}，确认年度节假日安排）" in text and "calendar.year_confirm" not in text


def test_detail_shows_the_data_in_words(reader_client, platform):
    audit_event_record(event_type=EventType.MEMBERSHIP_GRANTED, obj=platform,
                       data={"roles": ["org_admin", "review_clerk"], "from": "draft", "to": "submitted",
                             "year": 2025, "changes": {"state": "dept_returned"},
                             "members": {"review_leader": ["李四"]}})
    pk = AuditEvent.objects.get(event_type=EventType.MEMBERSHIP_GRANTED).pk
    text = visible_text(reader_client.get(reverse("audit:event_detail", args=[pk])).content.decode())
    assert "系统管理员、审查经办" in text and "草稿" in text and "已提交" in text and "2025" in text
    assert "审核部门退回" in text and '"审查领导": ["李四"]' in text
    for code in ("org_admin", "review_clerk", "review_leader", "draft", "submitted", "dept_returned"):
        assert code not in text
    english = reader_client.get(reverse("audit:event_detail", args=[pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = visible_text(english.content.decode())
    assert "Organisation administrator、Review clerk" in text and "Draft" in text and "org_admin" not in text
    raw = reader_client.get(f"/api/v1/audit/events/{pk}").json()
    assert raw["data"]["roles"] == ["org_admin", "review_clerk"]  # the API keeps what the hash covers
