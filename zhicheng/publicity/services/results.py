"""Result publicity (评审结果公示, §四(五)): the title office publishes the passed results for 5 working days.

The same batches, entries, objections and guards as unit publicity, with `kind = result` (the guards under their
`result_…` names); closing is `publicity_close` (it ends each entry in the state its kind leads to).
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
from zhicheng.dossiers.holders import holder_organisation
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.permissions import is_holder_staff
from zhicheng.dossiers.workflow import dossier_transition

from ..models import EntryKind, PublicityBatch, PublicityEntry
from .batches import PlannedDossier, _start_check


@dataclass
class ResultPublishResult:
    batches: list[PublicityBatch] = field(default_factory=list)
    published: list[Dossier] = field(default_factory=list)
    skipped: list[PlannedDossier] = field(default_factory=list)


def result_publicity_end(dossier: Dossier, starts_on: dt.date) -> dt.date:
    """The last day of a result publicity starting on `starts_on` (campaign's length and unit; working-day calendar)."""
    return campaign_publicity_end(dossier.campaign, starts_on, PublicityKind.RESULT)


def _plan(actor, dossier: Dossier, starts_on: dt.date) -> PlannedDossier:
    item = PlannedDossier(dossier, kind=PublicityKind.RESULT)
    if not is_holder_staff(actor, dossier):
        item.refusal = NotFound("not_found", "申报材料不存在或无权办理", "Dossier not found")
    elif dossier.state != DossierState.PASSED:
        item.refusal = ApplicationError(
            "not_passed", f"申报材料当前为“{dossier.get_state_display()}”，不能发布评审结果公示",
            f"The dossier is {dossier.state}, not a passed result", status=409,
        )
    else:
        try:
            item.ends_on = result_publicity_end(dossier, starts_on)
        except ApplicationError as exc:  # the year's holiday schedule not entered yet
            item.refusal = exc
    return item


def result_publicity_plan(*, actor, dossiers, starts_on: dt.date) -> list[PlannedDossier]:
    _start_check(starts_on)
    return [_plan(actor, d, starts_on) for d in dossiers]


def _batch_open(*, actor, dossier: Dossier, starts_on: dt.date, ends_on: dt.date, ip) -> PublicityBatch:
    campaign = dossier.campaign
    batch = PublicityBatch.objects.create(
        organisation=holder_organisation(dossier), campaign=campaign, kind=PublicityKind.RESULT, starts_on=starts_on,
        ends_on=ends_on, length=campaign.result_publicity_days, length_unit=campaign.result_publicity_unit,
        published_by=actor, published_at=timezone.now(),
    )
    audit_event_record(
        event_type=EventType.PUBLICITY_RESULT_BATCH_PUBLISHED, actor=actor, organisation=batch.organisation,
        obj=batch, data={"starts_on": starts_on, "ends_on": ends_on, "length": batch.length,
                         "length_unit": batch.length_unit}, ip=ip,
    )
    return batch


def result_publicity_publish(*, actor, dossiers, starts_on: dt.date, ip: str | None = None) -> ResultPublishResult:
    """Publish passed results; one batch per (office, campaign, end date); a refused dossier is skipped with why."""
    result, batches = ResultPublishResult(), {}
    for item in result_publicity_plan(actor=actor, dossiers=dossiers, starts_on=starts_on):
        if item.refusal is not None:
            result.skipped.append(item)
            continue
        dossier = item.dossier
        key = (holder_organisation(dossier).pk, dossier.campaign_id, item.ends_on)
        try:
            with transaction.atomic():
                batch = batches.get(key) or _batch_open(actor=actor, dossier=dossier, starts_on=starts_on,
                                                        ends_on=item.ends_on, ip=ip)
                try:
                    with transaction.atomic():
                        PublicityEntry.objects.create(batch=batch, dossier=dossier, kind=EntryKind.RESULT)
                except IntegrityError as exc:
                    raise ApplicationError("already_published", "该人员的评审结果已公示过",
                                           "This result was already published", status=409) from exc
                dossier_transition(dossier=dossier, to=DossierState.IN_RESULT_PUBLICITY, actor=actor, ip=ip,
                                   data={"batch": batch.pk, "starts_on": starts_on, "ends_on": batch.ends_on})
        except ApplicationError as exc:
            item.refusal = exc
            result.skipped.append(item)
            continue
        if key not in batches:
            batches[key] = batch
            result.batches.append(batch)
        result.published.append(dossier)
    return result
