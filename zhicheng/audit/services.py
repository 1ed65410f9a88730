"""Writing audit events. Call `audit_event_record` inside the transaction of the change it records."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from .chain import GENESIS_HASH, audit_canonical_content, audit_hash, lane_lock_for_append
from .events import EventType
from .models import AuditChain, AuditEvent
from .triggers import lane_head_follows_inserts

__all__ = ["GENESIS_HASH", "audit_canonical_content", "audit_event_record", "audit_hash"]


def _ip_normalised(ip: str | None) -> str | None:
    """The address as the database will return it, so the hash survives the round trip; None if unparsable."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None  # a forged X-Forwarded-For must not break the change being recorded
    # Django's own IPv6 form (::ffff:10.1.2.3, not ::ffff:a01:203) is what both databases hand back
    return clean_ipv6_address(str(address)) if address.version == 6 else str(address)


def audit_event_record(
    *,
    event_type: EventType,
    actor=None,
    organisation=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to a free lane of the keyed chain, in the caller's transaction (or its own).

    No savepoint of its own: inside a change's transaction the event stands or falls with the change anyway,
    and a SAVEPOINT/RELEASE pair cost two round trips on every audited write. The lane head moves with the
    INSERT (the database's trigger, decision "lane head by trigger"): an append is two statements.
    """
    with transaction.atomic(savepoint=False):
        lane = lane_lock_for_append()
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            chain=lane.pk,
            seq=lane.last_seq + 1,
            occurred_at=timezone.now(),
            actor_id=actor_id,
            actor_label=(getattr(actor, "real_name", "") or getattr(actor, "username", "")) if actor_id else "",
            organisation_id=getattr(organisation, "pk", organisation),
            event_type=str(event_type),  # the stored value; existing rows keep theirs
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            ip=_ip_normalised(ip),
            prev_hash=lane.last_hash,
        )
        event.hash = audit_hash(lane.last_hash, event)
        event.save(force_insert=True)
        _head_move(lane, event.seq, event.hash)
    return event


def _head_move(lane: AuditChain, seq: int, digest: str) -> None:
    """The lane head after an append: already moved by the INSERT's trigger where there is one."""
    lane.last_seq, lane.last_hash = seq, digest
    if not lane_head_follows_inserts():
        lane.save(update_fields=["last_seq", "last_hash"])


def audit_events_record(events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events (each the keyword arguments of `audit_event_record`) to one lane in one go: one lane
    lock, one insert (the head moves with it) — for a step taken by many objects at once (a meeting's results). The
    events are chained one after another exactly as single appends would be."""
    if not events:
        return []
    with transaction.atomic(savepoint=False):
        lane = lane_lock_for_append()
        rows, prev, seq = [], lane.last_hash, lane.last_seq
        for spec in events:
            actor, obj, organisation = spec.get("actor"), spec.get("obj"), spec.get("organisation")
            actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
            seq += 1
            event = AuditEvent(
                chain=lane.pk, seq=seq, occurred_at=timezone.now(), actor_id=actor_id,
                actor_label=(getattr(actor, "real_name", "") or getattr(actor, "username", "")) if actor_id else "",
                organisation_id=getattr(organisation, "pk", organisation), event_type=str(spec["event_type"]),
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                data=json.loads(json.dumps(spec.get("data") or {}, ensure_ascii=False, default=str)),
                ip=_ip_normalised(spec.get("ip")), prev_hash=prev,
            )
            event.hash = prev = audit_hash(prev, event)
            rows.append(event)
        AuditEvent.objects.bulk_create(rows)
        _head_move(lane, seq, prev)
    return rows
