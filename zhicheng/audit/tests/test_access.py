"""Only the audit admin and the discipline observer read the trail; nobody can change it through the app."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from zhicheng.accounts.models import Role
from zhicheng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

READERS = [Role.AUDIT_ADMIN, Role.DISCIPLINE_OBSERVER]
REFUSED = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.OFFICE_STAFF, Role.REVIEW_LEADER, Role.APPLICANT]
API_URLS = ["/api/v1/audit/events", "/api/v1/audit/verify"]


def _page_urls(event_pk: int) -> list[str]:
    return [reverse("audit:events"), reverse("audit:event_detail", args=[event_pk]), reverse("audit:verify")]


@pytest.mark.parametrize("role", READERS)
def test_readers_see_pages_and_api(role_client, events, role):
    client = role_client(role)
    for url in _page_urls(events[0].pk) + API_URLS + [f"/api/v1/audit/events/{events[0].pk}"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", REFUSED)
def test_others_are_refused_pages(role_client, events, role):
    client = role_client(role)
    for url in _page_urls(events[0].pk):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", REFUSED)
def test_others_are_refused_the_api(role_client, events, role):
    client = role_client(role)
    for url in [*API_URLS, f"/api/v1/audit/events/{events[0].pk}"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "forbidden"
        assert "审计" in response.json()["message"]


@pytest.mark.parametrize("url", API_URLS)
def test_anonymous_api_is_401(client, url):
    assert client.get(url).status_code == 401


def test_anonymous_page_goes_to_log_in(client):
    assert reverse("accounts:login") in client.get(reverse("audit:events"))["Location"]


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_audit_admin_has_no_way_to_change_an_event(reader_client, events, method):
    before = list(AuditEvent.objects.order_by("seq").values_list("seq", "hash"))
    response = getattr(reader_client, method)(f"/api/v1/audit/events/{events[0].pk}", content_type="application/json")
    assert response.status_code == 405
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "hash"))[: len(before)] == before


def test_django_admin_is_read_only(rf):
    model_admin = admin.site._registry[AuditEvent]
    request = rf.get("/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
