"""Reading the audit trail: filtered lists, and the walk that proves the hash chain is intact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from .anchors import Anchor, audit_anchor_latest
from .events import AREA_PREFIXES
from .models import AuditEvent
from .verify import ChainCheck, audit_chain_verify  # noqa: F401  (the walk lives in verify.py)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the project's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_list(
    *,
    event_type: str = "",
    event_type_in: Collection[str] = (),
    area: str = "",
    actor: str = "",
    organisation_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by the given filters (dates are local days, both included).

    `event_type` is a prefix (the API's filter), `event_type_in` exact types (the page's), `area` an EventArea.
    """
    qs = AuditEvent.objects.select_related("actor").order_by("-id")
    if event_type:
        qs = qs.filter(event_type__startswith=event_type)
    if event_type_in:
        qs = qs.filter(event_type__in=list(event_type_in))
    if area:
        in_area = Q(pk__in=[])
        for prefix in AREA_PREFIXES.get(area, ()):
            in_area |= Q(event_type__startswith=f"{prefix}.")
        qs = qs.filter(in_area)
    if actor:
        who = Q(actor_label__icontains=actor) | Q(actor__username=actor)
        by_id = actor.isdigit() and len(actor) <= 18  # a longer number cannot be a user id (bigint)
        qs = qs.filter(who | Q(actor_id=int(actor))) if by_id else qs.filter(who)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(occurred_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(occurred_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs


def audit_event_get(*, pk: int) -> AuditEvent | None:
    return AuditEvent.objects.select_related("actor").filter(pk=pk).first()


def organisation_names(ids) -> dict[int, str]:
    """Names of the organisations events refer to (events keep only the id, so renames do not touch them)."""
    organisation = apps.get_model("accounts", "Organisation")
    wanted = {i for i in ids if i is not None}
    return dict(organisation.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}


def organisation_choices() -> list[tuple[int, str]]:
    """Every organisation, for the filter's select."""
    organisation = apps.get_model("accounts", "Organisation")
    return list(organisation.objects.order_by("kind", "name").values_list("pk", "name"))


def audit_event_types() -> list[str]:
    """Every event type recorded so far, for the filter's choices."""
    return list(AuditEvent.objects.order_by("event_type").values_list("event_type", flat=True).distinct())


def audit_object_types() -> list[str]:
    """Every kind of object events were recorded about, for the filter's choices."""
    types = AuditEvent.objects.exclude(object_type="").order_by("object_type")
    return list(types.values_list("object_type", flat=True).distinct())


@dataclass(frozen=True)
class AnchorStatus:
    """The last anchor and, per anchored chain, whether the database still holds that head row unchanged."""

    anchor: Anchor | None
    mismatched: tuple[int, ...] = ()

    @property
    def matches(self) -> bool:
        return self.anchor is not None and self.anchor.authentic and not self.mismatched


def audit_anchor_status() -> AnchorStatus:
    """Cheap check for the audit page: one indexed lookup per anchored head (the full walk is audit_verify)."""
    anchor = audit_anchor_latest()
    if anchor is None or not anchor.authentic:
        return AnchorStatus(anchor)
    q = Q(pk__in=[])
    for chain, (seq, _hash) in anchor.heads.items():
        q |= Q(chain=chain, seq=seq)
    found = {(c, s): h for c, s, h in AuditEvent.objects.filter(q).values_list("chain", "seq", "hash")}
    bad = tuple(c for c, (s, h) in sorted(anchor.heads.items()) if found.get((c, s)) != h)
    return AnchorStatus(anchor, bad)
