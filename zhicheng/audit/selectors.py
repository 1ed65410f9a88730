"""Reading the audit trail: filtered lists, and the walk that proves the hash chain is intact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from .events import AREA_PREFIXES, event_label
from .models import AuditChainHead, AuditEvent
from .services import GENESIS_HASH, audit_hash


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
    qs = AuditEvent.objects.select_related("actor").order_by("-seq")
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
class ChainCheck:
    """The verdict of one walk: ok, how many rows, and the first broken row with what is wrong."""

    ok: bool
    count: int
    seq: int | None = None
    event_id: int | None = None
    event_type: str = ""
    problem_zh: str = ""
    problem_en: str = ""

    @property
    def message(self) -> str:
        """The verdict in the active language."""
        return self.message_en if (get_language() or "").startswith("en") else self.message_zh

    @property
    def message_zh(self) -> str:
        if self.ok:
            return f"审计链完整：{self.count} 条"
        label = event_label(self.event_type)
        where = f"第 {self.seq} 条（id {self.event_id}，{label}）" if self.seq is not None else "链头"
        return f"审计链断裂：{where}{self.problem_zh}"

    @property
    def message_en(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.count} events"
        label = event_label(self.event_type)
        where = f"seq {self.seq} (id {self.event_id}, {label})" if self.seq is not None else "the head"
        return f"Audit chain broken at {where}: {self.problem_en}"


def _row_problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> tuple[str, str] | None:
    """What is wrong with this row given its predecessor, or None."""
    if event.seq != expected_seq:
        return (f"之前缺少第 {expected_seq}—{event.seq - 1} 条（记录被删除）",
                f"events {expected_seq}..{event.seq - 1} before it are missing (deleted)")
    if event.prev_hash != prev_hash:
        return "的前一哈希与上一条不符（链接被改动）", "its prev_hash does not match the previous event's hash"
    if audit_hash(prev_hash, event) != event.hash:
        return "的内容与其哈希不符（记录被改动）", "its content does not match its hash (the row was altered)"
    return None


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainCheck:
    """Walk the chain in seq order with constant memory; report the first broken row, or the count."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        problem = _row_problem(event, expected_seq, prev_hash)
        if problem:
            return ChainCheck(False, count, event.seq, event.pk, event.event_type, *problem)
        expected_seq, prev_hash, count = event.seq + 1, event.hash, count + 1
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (expected_seq - 1, prev_hash):
        return ChainCheck(
            False, count, None, None, "",
            f"记录最后一条为第 {head_seq} 条，表中最后一条为第 {expected_seq - 1} 条（末尾记录被删除或链头被改动）",
            f"the head says the last event is {head_seq} but the table ends at {expected_seq - 1}",
        )
    return ChainCheck(True, count)
