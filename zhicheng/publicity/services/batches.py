"""Publishing a batch of dossiers for unit publicity, and closing it once the period has fully passed.

Bulk rule: one transaction per dossier, so one dossier that fails (changed meanwhile, not ours) never undoes the
others; a batch row is created inside its first dossier's transaction, so no batch is left without entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.campaigns.models import PublicityKind
from zhicheng.campaigns.selectors import campaign_publicity_end
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.permissions import require
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.permissions import is_holder_staff
from zhicheng.dossiers.recusal import Recused, is_impartial, recusal_refusal_record
from zhicheng.dossiers.workflow import dossier_transition

from ..guards import not_over_error, objection_open_error
from ..models import EntryKind, ObjectionStatus, PublicityBatch, PublicityEntry
from ..permissions import can_manage_publicity
from ..rules import needs_extended_publicity, period_is_over


@dataclass
class PlannedDossier:
    dossier: Dossier
    kind: str = ""
    ends_on: dt.date | None = None
    refusal: ApplicationError | None = None


@dataclass
class PublishPlan:
    """What publishing would do: each dossier's period, or why it is skipped (the preview page shows it)."""

    starts_on: dt.date
    items: list[PlannedDossier]

    @property
    def ready(self) -> list[PlannedDossier]:
        return [i for i in self.items if i.refusal is None]

    @property
    def skipped(self) -> list[PlannedDossier]:
        return [i for i in self.items if i.refusal is not None]


@dataclass
class PublishResult:
    batches: list[PublicityBatch] = field(default_factory=list)
    published: list[Dossier] = field(default_factory=list)
    skipped: list[PlannedDossier] = field(default_factory=list)


def _start_check(starts_on: dt.date) -> None:
    if starts_on < timezone.localdate():
        raise ApplicationError(
            "start_in_past", "公示开始日期不能早于今天", "The publicity cannot start in the past",
            details={"fields": {"starts_on": ["公示开始日期不能早于今天"]}},
        )


def _plan_one(actor, dossier: Dossier, starts_on: dt.date) -> PlannedDossier:
    item = PlannedDossier(dossier)
    if not is_holder_staff(actor, dossier):
        item.refusal = NotFound("not_found", "申报材料不存在或无权办理", "Dossier not found")
    elif not (impartial := is_impartial(actor, dossier)):
        item.refusal = Recused(impartial, actor=actor, dossier=dossier, step="publicity_publish")
    elif dossier.state != DossierState.UNIT_PASSED:
        item.refusal = ApplicationError(
            "not_unit_passed", f"申报材料当前为“{dossier.get_state_display()}”，不能发布公示",
            f"The dossier is {dossier.state}, not waiting for publicity", status=409,
        )
    else:
        extended = needs_extended_publicity(category=dossier.category, scope=dossier.scope)
        item.kind = PublicityKind.EXTENDED if extended else PublicityKind.UNIT
        try:
            item.ends_on = campaign_publicity_end(dossier.campaign, starts_on, item.kind)
        except ApplicationError as exc:  # e.g. next year's holiday schedule not entered yet
            item.refusal = exc
    return item


def publicity_plan(*, actor, dossiers, starts_on: dt.date) -> PublishPlan:
    """Preview a publication: the end date of each dossier's publicity, or why it would be skipped."""
    _start_check(starts_on)
    return PublishPlan(starts_on, [_plan_one(actor, d, starts_on) for d in dossiers])


def _batch_open(*, actor, item: PlannedDossier, starts_on: dt.date, ip) -> PublicityBatch:
    campaign = item.dossier.campaign
    extended = item.kind == PublicityKind.EXTENDED
    batch = PublicityBatch.objects.create(
        organisation=item.dossier.organisation, campaign=campaign, kind=item.kind, starts_on=starts_on,
        ends_on=item.ends_on, length=campaign.extended_publicity_days if extended else campaign.unit_publicity_days,
        length_unit=campaign.unit_publicity_unit, published_by=actor, published_at=timezone.now(),
    )
    audit_event_record(
        event_type=EventType.PUBLICITY_BATCH_PUBLISHED, actor=actor, organisation=batch.organisation, obj=batch,
        data={"kind": batch.kind, "starts_on": starts_on, "ends_on": batch.ends_on, "length": batch.length,
              "length_unit": batch.length_unit}, ip=ip,
    )
    return batch


def _publish_one(*, actor, item: PlannedDossier, batches: dict, starts_on: dt.date, ip) -> PublicityBatch:
    key = (item.dossier.organisation_id, item.dossier.campaign_id, item.kind)
    with transaction.atomic():
        batch = batches.get(key) or _batch_open(actor=actor, item=item, starts_on=starts_on, ip=ip)
        try:
            with transaction.atomic():
                PublicityEntry.objects.create(batch=batch, dossier=item.dossier, kind=EntryKind.UNIT)
        except IntegrityError as exc:
            raise ApplicationError(
                "already_published", "该申报材料已发布过公示", "The dossier was already published", status=409
            ) from exc
        dossier_transition(dossier=item.dossier, to=DossierState.IN_PUBLICITY, actor=actor, ip=ip,
                           data={"batch": batch.pk, "starts_on": starts_on, "ends_on": batch.ends_on})
    return batch


def publicity_publish(*, actor, dossiers, starts_on: dt.date, ip: str | None = None) -> PublishResult:
    """Publish UNIT_PASSED dossiers of the actor's unit; 破格/基层有效 go in a separate, longer batch."""
    plan = publicity_plan(actor=actor, dossiers=dossiers, starts_on=starts_on)
    result, batches = PublishResult(skipped=plan.skipped), {}
    for item in plan.skipped:
        if isinstance(item.refusal, Recused):
            recusal_refusal_record(item.refusal, ip=ip)
    for item in plan.ready:
        try:
            batch = _publish_one(actor=actor, item=item, batches=batches, starts_on=starts_on, ip=ip)
        except ApplicationError as exc:
            item.refusal = exc
            result.skipped.append(item)
            continue
        key = (batch.organisation_id, batch.campaign_id, batch.kind)
        if key not in batches:
            batches[key] = batch
            result.batches.append(batch)
        result.published.append(item.dossier)
    return result


@dataclass
class CloseResult:
    batch: PublicityBatch
    closed: list[PublicityEntry] = field(default_factory=list)
    paused: list[PublicityEntry] = field(default_factory=list)


# the state a dossier is in during each kind of publicity, and the one it reaches when the publicity ends
RUNNING_STATE = {PublicityKind.UNIT: DossierState.IN_PUBLICITY, PublicityKind.EXTENDED: DossierState.IN_PUBLICITY,
                 PublicityKind.RESULT: DossierState.IN_RESULT_PUBLICITY}
DONE_STATE = {PublicityKind.UNIT: DossierState.PUBLICITY_DONE, PublicityKind.EXTENDED: DossierState.PUBLICITY_DONE,
              PublicityKind.RESULT: DossierState.RESULT_PUBLICITY_DONE}


def _close_entry(*, actor, entry: PublicityEntry, ip) -> bool:
    """Move one entry's dossier to PUBLICITY_DONE (RESULT_PUBLIC_DONE); False while an objection to it is open."""
    with transaction.atomic():
        locked = PublicityEntry.objects.select_for_update().get(pk=entry.pk)  # serialises with objection_file
        if locked.objections.filter(status=ObjectionStatus.OPEN).exists():
            return False
        dossier_transition(dossier=entry.dossier, to=DONE_STATE[entry.batch.kind], actor=actor, ip=ip,
                           data={"batch": entry.batch_id})
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
    return True


def _batch_finish(*, actor, batch: PublicityBatch, ip) -> None:
    with transaction.atomic():
        PublicityBatch.objects.filter(pk=batch.pk).update(closed_by=actor, closed_at=timezone.now())
        batch.refresh_from_db(fields=["closed_by", "closed_at"])
        event = (EventType.PUBLICITY_RESULT_BATCH_CLOSED if batch.kind == PublicityKind.RESULT
                 else EventType.PUBLICITY_BATCH_CLOSED)
        audit_event_record(event_type=event, actor=actor, organisation=batch.organisation_id,
                           obj=batch, data={"ends_on": batch.ends_on}, ip=ip)


def publicity_close(*, actor, batch: PublicityBatch, ip: str | None = None) -> CloseResult:
    """End the publicity of each entry without an open objection; refused before the period has fully passed."""
    if not can_manage_publicity(actor, batch.organisation_id):
        raise NotFound("not_found", "公示批次不存在或无权查看", "Publicity batch not found")
    if batch.closed_at is not None:
        raise ApplicationError("already_closed", "该批公示已结束", "This publicity batch is already closed", status=409)
    if not period_is_over(ends_on=batch.ends_on, at=timezone.now()):
        raise not_over_error(batch.ends_on)
    result = CloseResult(batch)
    entries = batch.entries.select_related("dossier", "batch").filter(dossier__state=RUNNING_STATE[batch.kind])
    for entry in entries.order_by("id"):
        require(is_holder_staff(actor, entry.dossier))
        (result.closed if _close_entry(actor=actor, entry=entry, ip=ip) else result.paused).append(entry)
    if result.paused and not result.closed:
        raise objection_open_error([e.dossier_id for e in result.paused])
    if not result.paused and batch.closed_at is None:
        _batch_finish(actor=actor, batch=batch, ip=ip)
    return result
