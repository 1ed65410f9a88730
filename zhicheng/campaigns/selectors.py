"""Reading campaigns: the current one, routes and quotas, and when a publicity ends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from zhicheng.accounts.models import Organisation, OrganisationKind
from zhicheng.catalog.models import Level, Series
from zhicheng.core.calendar import add_working_days
from zhicheng.core.errors import ApplicationError, NotFound

from .models import Campaign, CampaignQuota, CampaignRoute, CampaignStatus, DayUnit, PublicityKind, Route


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.all()


def campaign_get(campaign_id: int) -> Campaign:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("not_found", "年度评审不存在", "Campaign not found")
    return campaign


def campaign_current() -> Campaign | None:
    """The one active campaign, or None between campaigns."""
    return Campaign.objects.filter(status=CampaignStatus.ACTIVE).first()


def campaign_routes(campaign: Campaign) -> QuerySet[CampaignRoute]:
    return campaign.routes.select_related("series", "level", "committee")


def campaign_quotas(campaign: Campaign) -> QuerySet[CampaignQuota]:
    return campaign.quotas.select_related("series", "level")


@dataclass(frozen=True)
class RouteChoice:
    route: str
    committee: object | None = None
    listed: bool = False

    @property
    def is_self_run(self) -> bool:
        return self.route == Route.SELF_RUN


def campaign_route_for(campaign: Campaign, series: Series, level: Level) -> RouteChoice:
    """How a series/level is evaluated in a campaign; anything not listed is entrusted (§三(二))."""
    row = campaign_routes(campaign).filter(series=series, level=level).first()
    if row is None:
        return RouteChoice(Route.ENTRUSTED)
    return RouteChoice(row.route, row.committee, listed=True)


def campaign_publicity_end(campaign: Campaign, start_date: dt.date, kind: str) -> dt.date:
    """The last day of a publicity that starts on `start_date` (the start day counts)."""
    lengths = {
        PublicityKind.UNIT: (campaign.unit_publicity_days, campaign.unit_publicity_unit),
        PublicityKind.EXTENDED: (campaign.extended_publicity_days, campaign.unit_publicity_unit),
        PublicityKind.RESULT: (campaign.result_publicity_days, campaign.result_publicity_unit),
    }
    if kind not in lengths:
        raise ApplicationError("unknown_publicity", f"未知的公示类别：{kind}", f"Unknown publicity kind: {kind}")
    days, unit = lengths[kind]
    if unit == DayUnit.WORKING:
        return add_working_days(start_date, days)
    return start_date + dt.timedelta(days=days - 1)


def campaign_route_get(campaign: Campaign, route_id: int) -> CampaignRoute:
    row = campaign_routes(campaign).filter(pk=route_id).first()
    if row is None:
        raise NotFound("not_found", "评审方式不存在", "Route not found")
    return row


def campaign_quota_get(campaign: Campaign, quota_id: int) -> CampaignQuota:
    row = campaign_quotas(campaign).filter(pk=quota_id).first()
    if row is None:
        raise NotFound("not_found", "评审计划不存在", "Quota not found")
    return row


def committee_get(committee_id: int | None) -> Organisation | None:
    """The evaluation committee (an organisation of kind committee) with this id, or None when not given."""
    if committee_id is None:
        return None
    committee = Organisation.objects.filter(pk=committee_id, kind=OrganisationKind.COMMITTEE).first()
    if committee is None:
        raise ApplicationError(
            "unknown_committee", "未知的评审委员会", "Unknown committee",
            details={"fields": {"committee": ["未知的评审委员会"]}, "fields_en": {"committee": ["Unknown committee"]}},
        )
    return committee


def committee_list() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.COMMITTEE)


def campaign_submission_is_open(campaign: Campaign, at: dt.datetime) -> bool:
    """True when `at` lies in [opens, closes): 10-10 23:59:59 is in, 10-11 00:00 (= 10-10 24:00) is out."""
    return campaign.submission_opens_at <= at < campaign.submission_closes_at
