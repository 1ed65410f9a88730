"""The keyed audit chain: the key, what each hash covers, and the lane a writer appends to.

Design (docs/decisions.md, "Audit lanes"): events go into N parallel chains ("lanes") instead of one.
A writer locks one lane head with `SELECT … FOR UPDATE SKIP LOCKED`, trying first the lane its thread
prefers, so concurrent transactions take different lanes and never wait for each other unless N of them
are open at once. Each keyed row's hash is HMAC-SHA-256 under ZHICHENG_AUDIT_KEY over the previous row's
hash and the row's content (which includes its chain and seq), so a row cannot be rewritten, moved or
re-chained without the key. Chain 0 is the legacy SHA-256 chain, closed at the switch-over; every lane's
genesis hash is keyed over the legacy chain's last (seq, hash), which seals the unkeyed prefix.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from .models import AuditChain, AuditEvent

GENESIS_HASH = "0" * 64  # the legacy chain's first prev_hash
LEGACY_CHAIN = 0
MIN_KEY_BYTES = 32


@functools.cache
def audit_key() -> bytes:
    """The HMAC key, read from settings once per process; refuse to chain anything without a real one."""
    key = getattr(settings, "ZHICHENG_AUDIT_KEY", "") or ""
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if len(raw) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(
            f"ZHICHENG_AUDIT_KEY must be at least {MIN_KEY_BYTES} bytes / 审计密钥至少 {MIN_KEY_BYTES} 字节"
        )
    return raw


def mac(text: str) -> str:
    """HMAC-SHA-256 of `text` under the audit key, hex."""
    return hmac.new(audit_key(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def audit_canonical_content(event: AuditEvent) -> str:
    """The exact text the hash covers; changing any stored field changes it.

    Legacy rows (chain 0) keep the payload they were hashed with; keyed rows add their chain, so a row
    moved to another lane no longer verifies.
    """
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "event_type": str(event.event_type),
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": event.data,
        "ip": event.ip,
    }
    if event.chain != LEGACY_CHAIN:
        payload["chain"] = event.chain
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def audit_hash(prev_hash: str, event: AuditEvent) -> str:
    """The row's hash: plain SHA-256 on the legacy chain, HMAC under the key on every lane."""
    text = prev_hash + audit_canonical_content(event)
    if event.chain == LEGACY_CHAIN:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    return mac(text)


def lane_genesis(chain: int, legacy_seq: int, legacy_hash: str) -> str:
    """The prev_hash of a lane's first row: keyed over the closed legacy chain's head, sealing it."""
    return mac(f"zhicheng-audit-lane|{chain}|{legacy_seq}|{legacy_hash}")


def legacy_head() -> tuple[int, str]:
    """The legacy chain's recorded last (seq, hash); an empty legacy chain is (0, GENESIS_HASH)."""
    row = AuditChain.objects.filter(pk=LEGACY_CHAIN).values_list("last_seq", "last_hash").first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def lane_count() -> int:
    return max(1, int(getattr(settings, "ZHICHENG_AUDIT_LANES", 16)))


def _preferred_lane(lanes: int) -> int:
    """The lane this thread tries first: stable, so a transaction's second event reuses the lane it holds."""
    return 1 + hash((os.getpid(), threading.get_ident())) % lanes


def lanes_ensure() -> int:
    """Create the missing lane heads 1..N (after migrate and after a test flush); return how many were made."""
    lanes = lane_count()
    existing = set(AuditChain.objects.filter(pk__gte=1, pk__lte=lanes).values_list("pk", flat=True))
    legacy = legacy_head()
    missing = [
        AuditChain(id=chain, last_seq=0, last_hash=lane_genesis(chain, *legacy))
        for chain in range(1, lanes + 1) if chain not in existing
    ]
    AuditChain.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _lane_create_or_wait(chain: int) -> AuditChain:
    """Lock lane `chain`, creating it if missing; waits only when every lane is busy (or it is being created)."""
    lane = AuditChain.objects.select_for_update().filter(pk=chain).first()
    if lane is not None:
        return lane
    try:
        with transaction.atomic():  # savepoint: a concurrent creator may win the insert
            return AuditChain.objects.create(id=chain, last_seq=0, last_hash=lane_genesis(chain, *legacy_head()))
    except IntegrityError:
        return AuditChain.objects.select_for_update().get(pk=chain)


def lane_lock_for_append() -> AuditChain:
    """A lane head locked for this transaction, skipping lanes other open transactions hold.

    Must run inside a transaction. PostgreSQL does not skip rows this transaction already locked, so a
    second event in the same transaction lands in the same lane. SQLite serialises writers itself.
    """
    lanes = lane_count()
    preferred = _preferred_lane(lanes)
    free = AuditChain.objects.select_for_update(skip_locked=True)
    lane = free.filter(pk=preferred).first()
    if lane is None:
        lane = free.filter(pk__gte=1, pk__lte=lanes).exclude(pk=preferred).order_by("?").first()
    return lane if lane is not None else _lane_create_or_wait(preferred)
