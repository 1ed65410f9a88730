"""Forged X-Forwarded-For (issue 10 finding 5): it neither resets the objection limit or the lookup throttle nor
reaches the audit log; behind a trusted proxy the address the proxy saw is used."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from zhicheng.audit.models import AuditEvent
from zhicheng.dossiers.tests.factories import at
from zhicheng.publicity.models import Objection, PublicityEntry
from zhicheng.publicity.selectors import OBJECTION_LOOKUP_RATE

from .factories import published

pytestmark = pytest.mark.django_db
DURING = "2024-10-08T10:00:00+08:00"
LOOKUPS = int(OBJECTION_LOOKUP_RATE.split("/")[0])


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # throttle counts live in the cache, which test transactions do not roll back
    yield
    cache.clear()


@pytest.fixture
def entry(tree, passed):
    published(tree["unit_clerk"], [passed], "2024-09-27")
    return PublicityEntry.objects.select_related("batch").get(dossier=passed)


def file_objection(client, entry, n, **headers):
    return client.post(f"/api/v1/public/publicity/{entry.pk}/objections",
                       {"name": f"甲{n}", "contact": "c", "text": "t"}, content_type="application/json", **headers)


def forged(n):
    return {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}", "REMOTE_ADDR": "198.51.100.7"}


class TestUntrustedClient:
    def test_forged_forwarded_for_does_not_reset_the_objection_limit(self, client, entry, settings):
        settings.ZHICHENG_OBJECTIONS_PER_HOUR = 3
        with at(DURING):
            codes = [file_objection(client, entry, n, **forged(n)).status_code for n in range(4)]
        assert codes == [201, 201, 201, 429]
        assert set(Objection.objects.values_list("ip", flat=True)) == {"198.51.100.7"}

    def test_forged_addresses_never_reach_the_audit_log(self, client, entry):
        with at(DURING):
            file_objection(client, entry, 1, **forged(1))
        event = AuditEvent.objects.get(event_type="publicity.objection_filed")
        assert event.ip == "198.51.100.7"

    def test_the_lookup_page_is_throttled_despite_forged_headers(self, client, entry):
        answers = [client.post("/public/publicity/lookup/", {"code": "AAAA-BBBB-CCCC"}, **forged(n)).status_code
                   for n in range(LOOKUPS + 1)]
        assert answers[:LOOKUPS] == [200] * LOOKUPS
        assert answers[-1] == 429
        html = client.post("/public/publicity/lookup/", {"code": "AAAA-BBBB-CCCC"}, **forged(0)).content.decode()
        assert "查询过于频繁" in html

    def test_page_and_api_share_one_lookup_budget(self, client, entry):
        for n in range(LOOKUPS):
            client.post("/public/publicity/lookup/", {"code": "AAAA-BBBB-CCCC"}, **forged(n))
        assert client.get("/api/v1/public/objections/AAAA-BBBB-CCCC", **forged(99)).status_code == 429

    def test_another_address_still_has_its_own_budget(self, client, entry):
        for n in range(LOOKUPS + 1):
            client.post("/public/publicity/lookup/", {"code": "AAAA-BBBB-CCCC"}, **forged(n))
        fresh = client.post("/public/publicity/lookup/", {"code": "AAAA-BBBB-CCCC"}, REMOTE_ADDR="198.51.100.8")
        assert fresh.status_code == 200


class TestBehindTheTrustedProxy:
    def test_the_proxy_appended_address_is_the_client(self, client, entry, settings):
        settings.ZHICHENG_TRUSTED_PROXIES = ["10.0.0.0/8"]
        headers = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
        with at(DURING):
            assert file_objection(client, entry, 1, **headers).status_code == 201
        assert Objection.objects.get().ip == "203.0.113.9"  # "1.2.3.4" was written by the client itself
