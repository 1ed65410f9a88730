"""audit_event_record appends to a keyed lane: each event links to the one before it in its lane."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.core.exceptions import ImproperlyConfigured

from zhicheng.audit import chain
from zhicheng.audit.models import AuditChain
from zhicheng.audit.services import audit_event_record, audit_hash

pytestmark = pytest.mark.django_db


class TestAuditEventRecord:
    def test_first_event_of_a_lane_starts_from_its_keyed_genesis(self):
        event = audit_event_record(event_type="t.first")
        assert event.chain >= 1 and event.seq == 1
        assert event.prev_hash == chain.lane_genesis(event.chain, 0, chain.GENESIS_HASH)
        assert event.hash == audit_hash(event.prev_hash, event)

    def test_keyed_hash_is_an_hmac_not_a_plain_digest(self):
        event = audit_event_record(event_type="t.keyed", data={"a": 1})
        text = (event.prev_hash + chain.audit_canonical_content(event)).encode()
        assert event.hash == hmac.new(chain.audit_key(), text, hashlib.sha256).hexdigest()
        assert event.hash != hashlib.sha256(text).hexdigest()

    def test_events_of_one_thread_chain_in_its_lane(self):
        first = audit_event_record(event_type="t.one", data={"a": 1})
        second = audit_event_record(event_type="t.two", data={"a": 2})
        assert second.chain == first.chain and second.seq == first.seq + 1
        assert second.prev_hash == first.hash
        head = AuditChain.objects.get(pk=second.chain)
        assert (head.last_seq, head.last_hash) == (second.seq, second.hash)

    def test_an_append_is_the_lane_lock_and_one_insert_the_head_moving_with_it(self):
        """The head's UPDATE is the INSERT's trigger (decision "lane head by trigger"): two statements."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from zhicheng.audit.selectors import audit_chain_verify

        audit_event_record(event_type="t.warm")
        with CaptureQueriesContext(connection) as ctx:
            event = audit_event_record(event_type="t.counted", data={"a": 1})
        assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT", "INSERT"]
        head = AuditChain.objects.get(pk=event.chain)
        assert (head.last_seq, head.last_hash) == (event.seq, event.hash)
        assert audit_chain_verify().ok

    def test_a_bulk_append_moves_the_head_to_its_last_event(self):
        from zhicheng.audit.selectors import audit_chain_verify
        from zhicheng.audit.services import audit_events_record

        first = audit_event_record(event_type="t.before")
        rows = audit_events_record([{"event_type": "t.bulk", "data": {"i": i}} for i in range(5)])
        assert [r.seq for r in rows] == [first.seq + 1 + i for i in range(5)] and rows[0].chain == first.chain
        head = AuditChain.objects.get(pk=first.chain)
        assert (head.last_seq, head.last_hash) == (rows[-1].seq, rows[-1].hash)
        assert audit_chain_verify().ok

    def test_lanes_are_created_when_missing(self):
        AuditChain.objects.all().delete()
        event = audit_event_record(event_type="t.fresh")
        assert AuditChain.objects.get(pk=event.chain).last_seq == 1

    def test_records_actor_object_and_organisation(self, user_in_role, platform):
        actor = user_in_role("office_staff")
        event = audit_event_record(event_type="t.obj", actor=actor, organisation=platform, obj=platform)
        assert event.actor_id == actor.pk and event.actor_label == actor.real_name
        assert event.organisation_id == platform.pk
        assert (event.object_type, event.object_id) == ("accounts.organisation", str(platform.pk))


class TestKey:
    @pytest.fixture(autouse=True)
    def _fresh_key(self):
        chain.audit_key.cache_clear()
        yield
        chain.audit_key.cache_clear()

    @pytest.mark.parametrize("key", ["", "short-key", "x" * 31])
    def test_a_missing_or_short_key_refuses_to_chain(self, settings, key):
        settings.ZHICHENG_AUDIT_KEY = key
        with pytest.raises(ImproperlyConfigured, match="32"):
            audit_event_record(event_type="t.nokey")

    def test_a_32_byte_key_is_enough(self, settings):
        settings.ZHICHENG_AUDIT_KEY = "k" * 32
        assert audit_event_record(event_type="t.key32").hash

    def test_the_key_is_read_once(self, settings):
        first = chain.audit_key()
        settings.ZHICHENG_AUDIT_KEY = "another-key-of-enough-length-123456"
        assert chain.audit_key() == first
