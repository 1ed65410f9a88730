"""audit_verify walks the chain and names the first broken row; tampering needs the triggers dropped."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from zhicheng.audit.models import AuditChainHead, AuditEvent
from zhicheng.audit.selectors import audit_chain_verify
from zhicheng.audit.services import audit_event_record, audit_hash
from zhicheng.audit.triggers import append_only_suspended

pytestmark = pytest.mark.django_db


def _verify_output() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def _verify_error() -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify")
    return str(exc.value)


def test_intact_chain_is_counted(events):
    assert f"审计链完整：{AuditEvent.objects.count()} 条" in _verify_output()


def test_empty_chain_is_intact(db):
    assert not AuditEvent.objects.exists()
    assert "审计链完整：0 条" in _verify_output()


def test_small_chunks_walk_the_whole_chain(events):
    result = audit_chain_verify(chunk_size=2)
    assert result.ok and result.count == AuditEvent.objects.count()


def test_altered_data_names_the_row(events):
    with append_only_suspended():
        AuditEvent.objects.filter(pk=events[2].pk).update(data={"n": 3, "名": "李四"})
    message = _verify_error()
    assert f"第 {events[2].seq} 条（id {events[2].pk}，其他操作）" in message  # a label, never the code
    assert "内容与其哈希不符" in message


def test_altered_row_with_recomputed_hash_breaks_the_next_link(events):
    with append_only_suspended():
        forged = AuditEvent.objects.get(pk=events[1].pk)
        forged.data = {"n": 222}
        AuditEvent.objects.filter(pk=forged.pk).update(data=forged.data, hash=audit_hash(forged.prev_hash, forged))
    message = _verify_error()
    assert f"第 {forged.seq + 1} 条" in message and "前一哈希与上一条不符" in message


def test_deleted_row_is_named_as_a_gap(events):
    with append_only_suspended():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    result = audit_chain_verify()
    assert not result.ok and result.seq == events[2].seq and result.event_id == events[2].pk
    gone = events[1].seq
    assert f"之前缺少第 {gone}—{gone} 条" in _verify_error()


def test_deleted_last_row_is_caught_by_the_head(events):
    with append_only_suspended():
        last = AuditEvent.objects.order_by("-seq").first()
        AuditEvent.objects.filter(pk=last.pk).delete()
    message = _verify_error()
    assert "链头" in message and f"第 {last.seq} 条" in message and f"第 {last.seq - 1} 条" in message


def test_forged_head_is_caught(events):
    AuditChainHead.objects.filter(id=1).update(last_hash="f" * 64)
    assert not audit_chain_verify().ok


def test_ip_round_trips_through_the_database(db):
    audit_event_record(event_type="t.ipv6", ip="2001:DB8:0:0:0:0:0:1")
    audit_event_record(event_type="t.mapped", ip="::ffff:10.1.2.3")
    bad = audit_event_record(event_type="t.bad", ip="not-an-address")
    assert AuditEvent.objects.get(event_type="t.ipv6").ip == "2001:db8::1"
    assert bad.ip is None
    assert audit_chain_verify().ok
