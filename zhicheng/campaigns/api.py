"""Campaign API: anyone signed in reads; the office creates, edits, clones, routes and plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import ModelSchema, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_serializer

from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination

from . import selectors, services
from .models import Campaign, Route
from .rules import INSTANT_FIELDS

router = Router(tags=["campaigns"])


class CampaignOut(ModelSchema):
    class Meta:
        model = Campaign
        exclude = ["created_at", "updated_at"]

    @field_serializer(*INSTANT_FIELDS, check_fields=False)
    def _beijing_time(self, value: dt.datetime) -> str:
        """Instants in Beijing time (+08:00), as the notice writes them."""
        return timezone.localtime(value).isoformat()


class CampaignPatch(Schema):
    """Any editable field; instants as ISO 8601 with offset (a time without offset is Beijing time)."""

    year: int | None = None
    name: str | None = None
    notice_number: str | None = None
    status: str | None = None
    note: str | None = None
    pledge_text: str | None = None
    policy_publicity_start: dt.date | None = None
    policy_publicity_end: dt.date | None = None
    account_reset_at: dt.datetime | None = None
    submission_capacity_per_hour: int | None = None
    submission_opens_at: dt.datetime | None = None
    submission_closes_at: dt.datetime | None = None
    unit_review_start: dt.date | None = None
    unit_review_end: dt.date | None = None
    unit_recommendation_deadline: dt.datetime | None = None
    entrusted_recommendation_deadline: dt.datetime | None = None
    department_deadline: dt.datetime | None = None
    supplement_cutoff: dt.datetime | None = None
    meetings_by: dt.date | None = None
    evaluation_complete_by: dt.date | None = None
    issue_by: dt.date | None = None
    achievement_cutoff: dt.date | None = None
    seniority_date: dt.date | None = None
    unit_publicity_days: int | None = None
    unit_publicity_unit: str | None = None
    extended_publicity_days: int | None = None
    result_publicity_days: int | None = None
    result_publicity_unit: str | None = None
    similarity_core_max: Decimal | None = None
    similarity_provincial_max: Decimal | None = None
    social_security_months: int | None = None
    max_returns: int | None = None
    grassroots_senior_cap: Decimal | None = None
    ce_hours_per_year: int | None = None
    ce_specialty_share_numerator: int | None = None
    ce_specialty_share_denominator: int | None = None
    ce_years_required: int | None = None
    evidence_file_max_mb: int | None = None
    dossier_max_mb: int | None = None


class CloneIn(Schema):
    year: int | None = None


class RouteOut(Schema):
    id: int
    series_id: int
    series_name: str
    level_id: int
    level_name: str
    route: str
    committee_id: int | None


class RouteIn(Schema):
    series: str | int
    level: str | int
    route: Route = Route.SELF_RUN
    committee_id: int | None = None


class QuotaOut(Schema):
    id: int
    series_id: int
    series_name: str
    level_id: int
    level_name: str
    count: int
    note: str


class QuotaIn(Schema):
    series: str | int
    level: str | int
    count: int
    note: str = ""


def _route_out(row) -> dict:
    return {"id": row.id, "series_id": row.series_id, "series_name": row.series.name, "level_id": row.level_id,
            "level_name": row.level.name, "route": row.route, "committee_id": row.committee_id}


def _quota_out(row) -> dict:
    return {"id": row.id, "series_id": row.series_id, "series_name": row.series.name, "level_id": row.level_id,
            "level_name": row.level.name, "count": row.count, "note": row.note}


@router.get("", response=list[CampaignOut])
@paginate(Pagination, page_size=50)
def campaign_list(request):
    return selectors.campaign_list()


@router.post("", response={201: CampaignOut})
def campaign_create(request, payload: CampaignPatch):
    data = payload.dict(exclude_unset=True)
    return Status(201, services.campaign_create(actor=request.user, data=data, ip=client_ip(request)))


@router.get("/current", response={200: CampaignOut, 404: dict})
def campaign_current(request):
    campaign = selectors.campaign_current()
    if campaign is None:
        return Status(404, {"code": "not_found", "message": "当前没有进行中的年度评审", "details": {}})
    return campaign


@router.get("/{int:campaign_id}", response=CampaignOut)
def campaign_detail(request, campaign_id: int):
    return selectors.campaign_get(campaign_id)


@router.patch("/{int:campaign_id}", response=CampaignOut)
def campaign_update(request, campaign_id: int, payload: CampaignPatch):
    campaign = selectors.campaign_get(campaign_id)
    data = payload.dict(exclude_unset=True)
    return services.campaign_update(campaign=campaign, actor=request.user, data=data, ip=client_ip(request))


@router.post("/{int:campaign_id}/clone", response={201: CampaignOut})
def campaign_clone(request, campaign_id: int, payload: CloneIn | None = None):
    source = selectors.campaign_get(campaign_id)
    year = payload.year if payload else None
    return Status(201, services.campaign_clone(source=source, actor=request.user, year=year, ip=client_ip(request)))


@router.get("/{int:campaign_id}/routes", response=list[RouteOut])
def route_list(request, campaign_id: int):
    return [_route_out(r) for r in selectors.campaign_routes(selectors.campaign_get(campaign_id))]


@router.post("/{int:campaign_id}/routes", response={200: RouteOut})
def route_set(request, campaign_id: int, payload: RouteIn):
    campaign = selectors.campaign_get(campaign_id)
    row = services.campaign_route_set(
        campaign=campaign, actor=request.user, series=payload.series, level=payload.level,
        route=payload.route, committee=selectors.committee_get(payload.committee_id), ip=client_ip(request),
    )
    return _route_out(row)


@router.delete("/{int:campaign_id}/routes/{int:route_id}", response={204: None})
def route_delete(request, campaign_id: int, route_id: int):
    row = selectors.campaign_route_get(selectors.campaign_get(campaign_id), route_id)
    services.campaign_route_delete(route=row, actor=request.user, ip=client_ip(request))
    return Status(204, None)


@router.get("/{int:campaign_id}/quotas", response=list[QuotaOut])
def quota_list(request, campaign_id: int):
    return [_quota_out(q) for q in selectors.campaign_quotas(selectors.campaign_get(campaign_id))]


@router.post("/{int:campaign_id}/quotas", response={200: QuotaOut})
def quota_set(request, campaign_id: int, payload: QuotaIn):
    campaign = selectors.campaign_get(campaign_id)
    row = services.campaign_quota_set(
        campaign=campaign, actor=request.user, series=payload.series, level=payload.level,
        count=payload.count, note=payload.note, ip=client_ip(request),
    )
    return _quota_out(row)


@router.delete("/{int:campaign_id}/quotas/{int:quota_id}", response={204: None})
def quota_delete(request, campaign_id: int, quota_id: int):
    row = selectors.campaign_quota_get(selectors.campaign_get(campaign_id), quota_id)
    services.campaign_quota_delete(quota=row, actor=request.user, ip=client_ip(request))
    return Status(204, None)
