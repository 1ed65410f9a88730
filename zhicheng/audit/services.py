"""Writing audit events. Call `audit_event_record` inside the transaction of the change it records."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from .events import EventType
from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def audit_canonical_content(event: AuditEvent) -> str:
    """The exact text the hash covers; changing any stored field changes it."""
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "event_type": event.event_type,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": event.data,
        "ip": event.ip,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def audit_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + audit_canonical_content(event)).encode("utf-8")).hexdigest()


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
    """Append one event to the chain, in the caller's transaction (or its own if none is open)."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            seq=head.last_seq + 1,
            occurred_at=timezone.now(),
            actor_id=actor_id,
            actor_label=(getattr(actor, "real_name", "") or getattr(actor, "username", "")) if actor_id else "",
            organisation_id=getattr(organisation, "pk", organisation),
            event_type=str(event_type),  # the stored value; existing rows keep theirs
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            ip=_ip_normalised(ip),
            prev_hash=head.last_hash,
        )
        event.hash = audit_hash(head.last_hash, event)
        event.save(force_insert=True)
        head.last_seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event
