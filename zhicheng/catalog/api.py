"""Catalog API: anyone signed in reads; the office edits conditions."""

from __future__ import annotations

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination

from . import selectors, services
from .models import Education

router = Router(tags=["catalog"])


class LevelOut(Schema):
    id: int
    code: str
    name: str
    rank: int


class SeriesOut(Schema):
    id: int
    code: str
    name: str
    skilled_workers_may_apply: bool


class TitleOut(Schema):
    id: int
    code: str
    name: str
    series_id: int
    level_id: int


class SpecialtyOut(Schema):
    id: int
    name: str
    series_id: int
    is_active: bool


class ConditionOut(Schema):
    id: int
    series_id: int
    level_id: int
    education: str
    min_years: int
    below_title_id: int | None
    scope: str
    note: str
    source: str
    position: int


class ConditionIn(Schema):
    series: str | int
    level: str | int
    education: Education
    min_years: int = 0
    below_title: str | None = None
    scope: str = ""
    note: str = ""
    source: str = ""
    position: int = 0


class ConditionPatch(Schema):
    education: Education | None = None
    min_years: int | None = None
    below_title: str | None = None
    scope: str | None = None
    note: str | None = None
    source: str | None = None
    position: int | None = None


@router.get("/levels", response=list[LevelOut])
@paginate(Pagination, page_size=50)
def levels(request):
    return selectors.level_list()


@router.get("/series", response=list[SeriesOut])
@paginate(Pagination, page_size=50)
def series(request):
    return selectors.series_list()


@router.get("/titles", response=list[TitleOut])
@paginate(Pagination, page_size=50)
def titles(request, series: str | None = None):
    return selectors.title_list(series=selectors.series_resolve(series) if series else None)


@router.get("/specialties", response=list[SpecialtyOut])
@paginate(Pagination, page_size=50)
def specialties(request, series: str | None = None):
    return selectors.specialty_list(series=selectors.series_resolve(series) if series else None)


@router.get("/conditions", response=list[ConditionOut])
@paginate(Pagination, page_size=50)
def conditions(request, series: str | None = None, level: str | None = None):
    return selectors.condition_list(
        series=selectors.series_resolve(series) if series else None,
        level=selectors.level_resolve(level) if level else None,
    )


@router.post("/conditions", response={201: ConditionOut})
def condition_create(request, payload: ConditionIn):
    condition = services.condition_create(actor=request.user, data=payload.dict(), ip=client_ip(request))
    return Status(201, condition)


@router.patch("/conditions/{int:condition_id}", response=ConditionOut)
def condition_update(request, condition_id: int, payload: ConditionPatch):
    condition = selectors.condition_get(condition_id)
    data = payload.dict(exclude_unset=True)
    return services.condition_update(condition=condition, actor=request.user, data=data, ip=client_ip(request))


@router.delete("/conditions/{int:condition_id}", response={204: None})
def condition_delete(request, condition_id: int):
    condition = selectors.condition_get(condition_id)
    services.condition_delete(condition=condition, actor=request.user, ip=client_ip(request))
    return Status(204, None)


class SpecialtyIn(Schema):
    series: str | int
    name: str


class SpecialtyPatch(Schema):
    name: str | None = None
    is_active: bool | None = None


class WaiverOut(Schema):
    id: int
    name: str
    series_id: int | None
    is_active: bool
    position: int


class WaiverIn(Schema):
    name: str
    series: str | int | None = None
    position: int = 0


class WaiverPatch(Schema):
    is_active: bool


@router.post("/specialties", response={201: SpecialtyOut})
def specialty_create(request, payload: SpecialtyIn):
    specialty = services.specialty_create(
        actor=request.user, series=payload.series, name=payload.name, ip=client_ip(request)
    )
    return Status(201, specialty)


@router.patch("/specialties/{int:specialty_id}", response=SpecialtyOut)
def specialty_update(request, specialty_id: int, payload: SpecialtyPatch):
    return services.specialty_update(
        specialty=selectors.specialty_get(specialty_id), actor=request.user, name=payload.name,
        is_active=payload.is_active, ip=client_ip(request),
    )


@router.get("/waivers", response=list[WaiverOut])
@paginate(Pagination, page_size=50)
def waivers(request):
    return selectors.waiver_list()


@router.post("/waivers", response={201: WaiverOut})
def waiver_create(request, payload: WaiverIn):
    waiver = services.waiver_create(
        actor=request.user, name=payload.name, series=payload.series, position=payload.position,
        ip=client_ip(request),
    )
    return Status(201, waiver)


@router.patch("/waivers/{int:waiver_id}", response=WaiverOut)
def waiver_update(request, waiver_id: int, payload: WaiverPatch):
    return services.waiver_set_active(
        waiver=selectors.waiver_get(waiver_id), actor=request.user, is_active=payload.is_active,
        ip=client_ip(request),
    )
