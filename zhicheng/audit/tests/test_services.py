"""audit_event_record appends to one chain: each event links to the one before."""

from __future__ import annotations

import pytest

from zhicheng.audit.models import AuditChainHead
from zhicheng.audit.services import GENESIS_HASH, audit_event_record, audit_hash

pytestmark = pytest.mark.django_db


class TestAuditEventRecord:
    def test_first_event_starts_from_the_genesis_hash(self):
        event = audit_event_record(event_type="t.first")
        assert event.seq == 1 and event.prev_hash == GENESIS_HASH
        assert event.hash == audit_hash(GENESIS_HASH, event)

    def test_second_event_chains_to_the_first(self):
        first = audit_event_record(event_type="t.one", data={"a": 1})
        second = audit_event_record(event_type="t.two", data={"a": 2})
        assert second.seq == first.seq + 1
        assert second.prev_hash == first.hash
        head = AuditChainHead.objects.get(id=1)
        assert (head.last_seq, head.last_hash) == (second.seq, second.hash)

    def test_records_actor_object_and_organisation(self, user_in_role, platform):
        actor = user_in_role("office_staff")
        event = audit_event_record(event_type="t.obj", actor=actor, organisation=platform, obj=platform)
        assert event.actor_id == actor.pk and event.actor_label == actor.real_name
        assert event.organisation_id == platform.pk
        assert (event.object_type, event.object_id) == ("accounts.organisation", str(platform.pk))
