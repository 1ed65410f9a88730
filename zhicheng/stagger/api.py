"""API for staggered submission (§四(三)): units plan groups, applicants read theirs, the office reads the load."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status

from zhicheng.accounts.models import Organisation
from zhicheng.campaigns.selectors import campaign_current
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.http import client_ip
from zhicheng.core.permissions import require

from . import selectors, services
from .permissions import can_plan_slots, can_see_load

router = Router(tags=["stagger"])


class SlotOut(Schema):
    id: int
    organisation_id: int
    label: str
    first_day: dt.date
    last_day: dt.date
    applicant_ids: list[int]

    @staticmethod
    def resolve_applicant_ids(obj) -> list[int]:
        return sorted(obj.applicants.values_list("pk", flat=True))


class SlotIn(Schema):
    organisation_id: int
    label: str
    first_day: str
    last_day: str
    applicant_ids: list[int]


class HourOut(Schema):
    hour: int
    count: int
    capacity: int
    over: bool


def _campaign():
    campaign = campaign_current()
    if campaign is None:
        raise NotFound("no_campaign", "当前没有进行中的年度评审", "No campaign is under way")
    return campaign


def _organisation(user, pk: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise NotFound("not_found", "机构不存在", "Organisation not found")
    require(can_plan_slots(user, organisation), "slot_forbidden")
    return organisation


@router.get("/slots", response=list[SlotOut])
def slot_list(request, organisation_id: int):
    return selectors.slots_of(_organisation(request.auth, organisation_id), _campaign())


@router.post("/slots", response={201: SlotOut})
def slot_create(request, payload: SlotIn):
    organisation = _organisation(request.auth, payload.organisation_id)
    slot = services.slot_create(actor=request.auth, organisation=organisation, campaign=_campaign(),
                                label=payload.label, first_day=payload.first_day, last_day=payload.last_day,
                                applicant_ids=payload.applicant_ids, ip=client_ip(request))
    return Status(201, slot)


@router.delete("/slots/{slot_id}", response={204: None})
def slot_delete(request, slot_id: int, organisation_id: int):
    services.slot_delete(actor=request.auth, organisation=_organisation(request.auth, organisation_id),
                         slot_id=slot_id, ip=client_ip(request))
    return Status(204, None)


@router.get("/my-slot", response={200: SlotOut, 204: None})
def my_slot(request):
    slot = selectors.slot_of_applicant(request.auth, campaign_current())
    return Status(200, slot) if slot else Status(204, None)


@router.get("/load", response=list[HourOut])
def load(request, day: str):
    require(can_see_load(request.auth), "load_forbidden")
    try:
        when = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise ApplicationError("day_invalid", "日期格式不正确（应为 2024-10-10）",
                               "Not a date (use 2024-10-10)") from exc
    return selectors.submissions_per_hour(_campaign(), when)
