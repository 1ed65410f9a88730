"""Someone with write access to the database but not the key: triggers dropped, rows rewritten, re-hashed,
reordered, moved, the tail cut off. Each attack must make audit_verify fail and name where.

`append_only_suspended()` drops the triggers on whichever database runs the test (SQLite or PostgreSQL).
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from zhicheng.audit import chain as chain_module
from zhicheng.audit.anchors import anchor_path, audit_anchor_write
from zhicheng.audit.models import AuditChain, AuditEvent
from zhicheng.audit.selectors import audit_chain_verify
from zhicheng.audit.services import audit_event_record
from zhicheng.audit.triggers import append_only_suspended

pytestmark = pytest.mark.django_db


def _sha256(prev: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev + chain_module.audit_canonical_content(event)).encode()).hexdigest()


def _guessed_key(key: bytes):
    def digest(prev: str, event: AuditEvent) -> str:
        text = (prev + chain_module.audit_canonical_content(event)).encode()
        return hmac.new(key, text, hashlib.sha256).hexdigest()

    return digest


ATTACKER_HASHES = {
    "plain-sha256": _sha256,
    "hmac-empty-key": _guessed_key(b""),
    "hmac-dev-key": _guessed_key(b"dev-only-audit-key-not-secret-0123456789"),
}


def _rechain(lane: int, from_seq: int, digest, **edit) -> None:
    """Edit row `from_seq` of a lane, then recompute it and every later row with `digest`, and the head."""
    rows = list(AuditEvent.objects.filter(chain=lane, seq__gte=from_seq).order_by("seq"))
    prev = AuditEvent.objects.get(chain=lane, seq=from_seq - 1).hash if from_seq > 1 else rows[0].prev_hash
    for row in rows:
        if row.seq == from_seq:
            for name, value in edit.items():
                setattr(row, name, value)
        row.prev_hash, row.hash = prev, digest(prev, row)
        AuditEvent.objects.filter(pk=row.pk).update(prev_hash=row.prev_hash, hash=row.hash, **(
            edit if row.seq == from_seq else {}))
        prev = row.hash
    AuditChain.objects.filter(pk=lane).update(last_seq=rows[-1].seq, last_hash=prev)


@pytest.mark.parametrize("attacker_hash", ATTACKER_HASHES.values(), ids=ATTACKER_HASHES.keys())
def test_rewritten_row_with_recomputed_hashes_is_detected(events, attacker_hash):
    target = events[1]
    with append_only_suspended():
        _rechain(target.chain, target.seq, attacker_hash, data={"n": 222})
    result = audit_chain_verify()
    assert not result.ok
    assert (result.chain, result.seq, result.event_id) == (target.chain, target.seq, target.pk)
    assert "内容与其哈希不符" in result.message_zh


def test_the_same_rewrite_would_pass_an_unkeyed_chain(events):
    """Why the key matters: under plain SHA-256 (the legacy scheme) the recomputed lane would look intact."""
    target = events[1]
    with append_only_suspended():
        _rechain(target.chain, target.seq, _sha256, data={"n": 222})
    rows = list(AuditEvent.objects.filter(chain=target.chain, seq__gte=target.seq).order_by("seq"))
    assert all(_sha256(row.prev_hash, row) == row.hash for row in rows)  # self-consistent without a key
    assert not audit_chain_verify().ok


def test_truncated_tail_is_detected_by_the_anchor(events):
    lane = events[0].chain
    audit_anchor_write()
    kept = events[2]
    with append_only_suspended():
        AuditEvent.objects.filter(chain=lane, seq__gt=kept.seq).delete()
    AuditChain.objects.filter(pk=lane).update(last_seq=kept.seq, last_hash=kept.hash)  # head made consistent
    result = audit_chain_verify()
    assert not result.ok and (result.chain, result.seq) == (lane, kept.seq + 1)
    assert f"锚定时该链已有 {events[4].seq} 条，表中只剩 {kept.seq} 条" in result.message_zh


def test_a_whole_lane_deleted_with_its_head_is_detected_by_the_anchor(events):
    lane = events[0].chain
    audit_anchor_write()
    with append_only_suspended():
        AuditEvent.objects.filter(chain=lane).delete()
    AuditChain.objects.filter(pk=lane).delete()
    result = audit_chain_verify()
    assert not result.ok and (result.chain, result.seq) == (lane, 1)


def test_truncation_after_the_last_anchor_is_the_window_left(events):
    """Rows appended after the last anchor can be cut off unseen: the anchor interval bounds that window."""
    audit_anchor_write()
    late = audit_event_record(event_type="test.late")
    with append_only_suspended():
        AuditEvent.objects.filter(pk=late.pk).delete()
    AuditChain.objects.filter(pk=late.chain).update(last_seq=late.seq - 1, last_hash=late.prev_hash)
    assert audit_chain_verify().ok


def test_reordered_rows_are_detected(events):
    first, second = events[1], events[2]
    with append_only_suspended():
        AuditEvent.objects.filter(pk=first.pk).update(seq=10**9)
        AuditEvent.objects.filter(pk=second.pk).update(seq=first.seq)
        AuditEvent.objects.filter(pk=first.pk).update(seq=second.seq)
    result = audit_chain_verify()
    assert not result.ok and (result.chain, result.seq, result.event_id) == (first.chain, first.seq, second.pk)


def test_reordered_contents_with_swapped_links_are_detected(events):
    """Swap two rows' seq and prev_hash so the links look right: the content hash names the row."""
    first, second = events[1], events[2]
    with append_only_suspended():
        AuditEvent.objects.filter(pk=first.pk).update(seq=10**9)
        AuditEvent.objects.filter(pk=second.pk).update(seq=first.seq, prev_hash=first.prev_hash)
        AuditEvent.objects.filter(pk=first.pk).update(seq=second.seq, prev_hash=second.hash)
    result = audit_chain_verify()
    assert not result.ok and result.event_id == second.pk and "内容与其哈希不符" in result.message_zh


def test_row_moved_to_another_lane_is_detected(events):
    target = events[4]
    other = next(lane.pk for lane in AuditChain.objects.filter(pk__gte=1) if lane.pk != target.chain)
    genesis = AuditChain.objects.get(pk=other).last_hash
    with append_only_suspended():
        AuditEvent.objects.filter(pk=target.pk).update(chain=other, seq=1, prev_hash=genesis)
    AuditChain.objects.filter(pk=target.chain).update(last_seq=target.seq - 1, last_hash=target.prev_hash)
    AuditChain.objects.filter(pk=other).update(last_seq=1, last_hash=target.hash)
    result = audit_chain_verify()
    assert not result.ok and (result.chain, result.event_id) == (other, target.pk)


def test_edited_anchor_file_is_detected(events):
    audit_anchor_write()
    path = anchor_path()
    line = json.loads(path.read_text().splitlines()[-1])
    lane = str(events[0].chain)
    line["heads"][lane] = [events[2].seq, events[2].hash]  # pretend the anchor saw a shorter lane
    path.write_text(json.dumps(line) + "\n")
    result = audit_chain_verify()
    assert not result.ok and "锚定文件" in result.message_zh


def test_correct_chain_with_anchor_and_later_rows_verifies(events):
    audit_anchor_write()
    audit_event_record(event_type="test.after_anchor")
    result = audit_chain_verify()
    assert result.ok and result.anchor is not None and "锚定一致" in result.message_zh


# --- the legacy (unkeyed) prefix -----------------------------------------------------------------------------------

def _legacy_prefix(count: int) -> list[AuditEvent]:
    """Rows as the old code wrote them (chain 0, plain SHA-256), closed the way migration 0003 closes them."""
    rows, prev = [], chain_module.GENESIS_HASH
    with append_only_suspended():
        for seq in range(1, count + 1):
            row = AuditEvent(chain=0, seq=seq, occurred_at=timezone.now(), event_type="legacy.x",
                             data={"seq": seq}, prev_hash=prev)
            row.hash = chain_module.audit_hash(prev, row)
            row.save(force_insert=True)
            rows.append(row)
            prev = row.hash
    AuditChain.objects.update_or_create(pk=0, defaults={"last_seq": count, "last_hash": prev,
                                                         "closed_at": timezone.now()})
    for lane in AuditChain.objects.filter(pk__gte=1):  # lanes not yet written start from the sealed head
        AuditChain.objects.filter(pk=lane.pk).update(last_hash=chain_module.lane_genesis(lane.pk, count, prev))
    return rows


def test_legacy_prefix_is_accepted_as_it_is_and_keyed_rows_follow(db):
    legacy = _legacy_prefix(4)
    assert legacy[1].hash == _sha256(legacy[1].prev_hash, legacy[1])
    keyed = audit_event_record(event_type="test.keyed")
    assert keyed.prev_hash == chain_module.lane_genesis(keyed.chain, 4, legacy[-1].hash)
    result = audit_chain_verify()
    assert result.ok and result.count == 5


def test_rewritten_legacy_prefix_is_detected_by_the_keyed_genesis(db):
    _legacy_prefix(4)
    keyed = audit_event_record(event_type="test.keyed")
    with append_only_suspended():  # the legacy chain has no key: rewrite row 2 and recompute the rest
        _rechain(0, 2, _sha256, data={"seq": 99})
    result = audit_chain_verify()
    assert not result.ok
    assert (result.chain, result.seq, result.event_id) == (keyed.chain, 1, keyed.pk)
    assert "前一哈希" in result.message_zh


def test_a_row_appended_to_the_closed_legacy_chain_is_detected(db):
    legacy = _legacy_prefix(3)
    keyed = audit_event_record(event_type="test.keyed")
    with append_only_suspended():
        forged = AuditEvent(chain=0, seq=4, occurred_at=timezone.now(), event_type="legacy.forged",
                            prev_hash=legacy[-1].hash)
        forged.hash = _sha256(forged.prev_hash, forged)
        forged.save(force_insert=True)
    AuditChain.objects.filter(pk=0).update(last_seq=4, last_hash=forged.hash)
    result = audit_chain_verify()
    assert not result.ok and result.event_id == keyed.pk
