"""Setting up campaigns: create, edit, route, plan, clone and load from a file; each change audited."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.catalog.rules import Problem, problems_raise
from zhicheng.catalog.selectors import level_resolve, series_resolve
from zhicheng.catalog.services import model_validate
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import require

from .models import Campaign, CampaignQuota, CampaignRoute, CampaignStatus, Route
from .permissions import can_manage_campaigns
from .rules import DATE_FIELDS, EDITABLE_FIELDS, INSTANT_FIELDS, LABELS, campaign_problems, campaign_values, shift_years

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "campaign_2024.json"


def _coerce(name: str, value: Any) -> tuple[Any, Problem | None]:
    """Parse a value given as text (a file, a form, JSON) the way the model field would."""
    if value in (None, ""):
        return (value if name in ("notice_number", "note", "pledge_text") else None), None
    field = Campaign._meta.get_field(name)
    try:
        parsed = field.to_python(value)
        if isinstance(parsed, Decimal):  # 12.5 and 12.50 are one value; keep the stored form
            parsed = parsed.quantize(Decimal(1).scaleb(-field.decimal_places))
    except (ValidationError, InvalidOperation):
        zh, en = LABELS.get(name, (name, name))
        return None, Problem(name, f"{zh}格式不正确：{value}", f"The {en} is not valid: {value}")
    if name in INSTANT_FIELDS and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed, None


def _apply(campaign: Campaign, data: dict[str, Any]) -> None:
    """Set the given fields on the campaign, refusing unknown fields and unparsable values."""
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ApplicationError(
            "unknown_field", f"不能修改的字段：{'、'.join(unknown)}", f"Unknown fields: {', '.join(unknown)}"
        )
    problems = []
    for name, value in data.items():
        parsed, problem = _coerce(name, value)
        if problem:
            problems.append(problem)
        setattr(campaign, name, parsed)
    problems_raise(problems, "campaign_invalid")


def _validate(campaign: Campaign) -> None:
    """All of the campaign's rules, then the one-year-one-campaign and one-active-at-a-time rules."""
    problems = campaign_problems(campaign_values(campaign))
    others = Campaign.objects.exclude(pk=campaign.pk)
    if campaign.year and others.filter(year=campaign.year).exists():
        problems.append(
            Problem("year", f"{campaign.year} 年度评审已存在", f"A {campaign.year} campaign already exists")
        )
    active = others.filter(status=CampaignStatus.ACTIVE).first()
    if campaign.status == CampaignStatus.ACTIVE and active is not None:
        problems.append(Problem(
            "status", f"已有进行中的年度评审（{active.year}），请先将其结束",
            f"The {active.year} campaign is still active; close it first",
        ))
    problems_raise(problems, "campaign_invalid")
    model_validate(campaign)


def _save(campaign: Campaign) -> None:
    """Save, turning a lost race on the one-year / one-active constraints into a 409 a clerk can read."""
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError as exc:
        raise ApplicationError(
            "campaign_conflict",
            "另一位工作人员刚刚保存了冲突的年度评审（同一年度，或同时启用），请刷新后重试",
            "Someone else just saved a conflicting campaign (same year, or also active); reload and try again",
            status=409,
        ) from exc


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: {"from": before[k], "to": after[k]} for k in after if before.get(k) != after[k]}


@transaction.atomic
def campaign_create(*, actor, data: dict[str, Any], ip: str | None = None) -> Campaign:
    """Create a campaign from its values; every window and threshold is checked first."""
    require(can_manage_campaigns(actor))
    return _campaign_create(actor=actor, data=data, ip=ip)


def _campaign_create(
    *, actor, data: dict[str, Any], ip: str | None, event_type: EventType = EventType.CAMPAIGN_CREATED
):
    campaign = Campaign()
    _apply(campaign, data)
    _validate(campaign)
    _save(campaign)
    audit_event_record(event_type=event_type, actor=actor, obj=campaign, data=campaign_values(campaign), ip=ip)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor, data: dict[str, Any], ip: str | None = None) -> Campaign:
    """Change a campaign's values; nothing is saved unless the whole campaign stays coherent."""
    require(can_manage_campaigns(actor))
    return _campaign_update(campaign=campaign, actor=actor, data=data, ip=ip)


def _campaign_update(*, campaign: Campaign, actor, data: dict[str, Any], ip: str | None) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = campaign_values(campaign)
    _apply(campaign, data)
    changed = _changes(before, campaign_values(campaign))
    if not changed:
        return campaign
    _validate(campaign)
    _save(campaign)
    audit_event_record(event_type=EventType.CAMPAIGN_UPDATED, actor=actor, obj=campaign, data=changed, ip=ip)
    return campaign


def _resolve_pair(series, level):
    return series_resolve(series), level_resolve(level)


@transaction.atomic
def campaign_route_set(
    *, campaign: Campaign, actor, series, level, route: str, committee=None, ip: str | None = None
) -> CampaignRoute:
    """Say how a series/level is evaluated this year (self-run or entrusted, optional committee)."""
    require(can_manage_campaigns(actor))
    return _route_set(campaign=campaign, actor=actor, series=series, level=level, route=route,
                      committee=committee, ip=ip)


def _route_set(*, campaign, actor, series, level, route, committee, ip) -> CampaignRoute:
    series, level = _resolve_pair(series, level)
    if route not in Route.values:
        raise ApplicationError(
            "invalid_route", f"评审方式须为 {'、'.join(Route.values)}", f"The route must be one of {Route.values}",
            details={"fields": {"route": ["评审方式不正确"]}},
        )
    row = CampaignRoute.objects.filter(campaign=campaign, series=series, level=level).first()
    row = row or CampaignRoute(campaign=campaign, series=series, level=level)
    before = (row.route, row.committee_id) if row.pk else None
    row.route, row.committee = route, committee
    if before == (row.route, row.committee_id):
        return row
    model_validate(row)
    row.save()
    audit_event_record(
        event_type=EventType.CAMPAIGN_ROUTE_SET, actor=actor, obj=campaign,
        data={"series": series.name, "level": level.name, "route": route, "committee": row.committee_id}, ip=ip,
    )
    return row


@transaction.atomic
def campaign_route_delete(*, route: CampaignRoute, actor, ip: str | None = None) -> None:
    """Remove a route row; the series/level falls back to entrusted."""
    require(can_manage_campaigns(actor))
    audit_event_record(
        event_type=EventType.CAMPAIGN_ROUTE_DELETED, actor=actor, obj=route.campaign,
        data={"series": route.series.name, "level": route.level.name, "route": route.route}, ip=ip,
    )
    route.delete()


@transaction.atomic
def campaign_quota_set(
    *, campaign: Campaign, actor, series, level, count, note: str = "", ip: str | None = None
) -> CampaignQuota:
    """Set the evaluation plan's count for a series/level."""
    require(can_manage_campaigns(actor))
    return _quota_set(campaign=campaign, actor=actor, series=series, level=level, count=count, note=note, ip=ip)


def _quota_set(*, campaign, actor, series, level, count, note, ip) -> CampaignQuota:
    series, level = _resolve_pair(series, level)
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if count < 1:
        raise ApplicationError(
            "invalid_count", "计划数须为正整数", "The quota must be a positive whole number",
            details={"fields": {"count": ["计划数须为正整数"]}, "fields_en": {"count": ["must be positive"]}},
        )
    row = CampaignQuota.objects.filter(campaign=campaign, series=series, level=level).first()
    row = row or CampaignQuota(campaign=campaign, series=series, level=level)
    if row.pk and (row.count, row.note) == (count, note or ""):
        return row
    row.count, row.note = count, note or ""
    model_validate(row)
    row.save()
    audit_event_record(
        event_type=EventType.CAMPAIGN_QUOTA_SET, actor=actor, obj=campaign,
        data={"series": series.name, "level": level.name, "count": count, "note": row.note}, ip=ip,
    )
    return row


@transaction.atomic
def campaign_quota_delete(*, quota: CampaignQuota, actor, ip: str | None = None) -> None:
    """Remove a quota row from the evaluation plan."""
    require(can_manage_campaigns(actor))
    audit_event_record(
        event_type=EventType.CAMPAIGN_QUOTA_DELETED, actor=actor, obj=quota.campaign,
        data={"series": quota.series.name, "level": quota.level.name, "count": quota.count}, ip=ip,
    )
    quota.delete()


@transaction.atomic
def campaign_clone(*, source: Campaign, actor, year: int | None = None, ip: str | None = None) -> Campaign:
    """Copy a campaign to another year (default: the next) as a draft, every date moved by the years between."""
    require(can_manage_campaigns(actor))
    target = int(year) if year else source.year + 1
    if Campaign.objects.filter(year=target).exists():
        raise ApplicationError(
            "campaign_exists", f"{target} 年度评审已存在，不能再复制", f"A {target} campaign already exists",
            details={"fields": {"year": [f"{target} 年度评审已存在"]}},
        )
    delta = target - source.year
    data = campaign_values(source)
    for name in (*DATE_FIELDS, *INSTANT_FIELDS):
        data[name] = shift_years(data[name], delta)
    data.update(
        year=target, status=CampaignStatus.DRAFT, notice_number="",
        name=source.name.replace(str(source.year), str(target)),
        note=f"由 {source.year} 年度复制，日期已顺延 {delta} 年，请按新年度通知核对。\n{source.note}".strip(),
    )
    campaign = _campaign_create(actor=actor, data=data, ip=ip, event_type=EventType.CAMPAIGN_CLONED)
    CampaignRoute.objects.bulk_create(
        CampaignRoute(campaign=campaign, series_id=r.series_id, level_id=r.level_id, route=r.route,
                      committee_id=r.committee_id) for r in source.routes.all()
    )
    CampaignQuota.objects.bulk_create(
        CampaignQuota(campaign=campaign, series_id=q.series_id, level_id=q.level_id, count=q.count, note=q.note)
        for q in source.quotas.all()
    )
    audit_event_record(
        event_type=EventType.CAMPAIGN_CLONE_COPIED, actor=actor, obj=campaign,
        data={"source": source.pk, "routes": source.routes.count(), "quotas": source.quotas.count()}, ip=ip,
    )
    return campaign


def _read_file(path: Path) -> dict[str, Any]:
    try:
        content = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ApplicationError(
            "campaign_file_unreadable", f"无法读取年度评审文件：{exc}", f"Cannot read the campaign file: {exc}"
        ) from exc
    if not isinstance(content, dict) or not isinstance(content.get("campaign"), dict):
        raise ApplicationError(
            "campaign_file_invalid", "年度评审文件须含 campaign 对象", "The campaign file needs a 'campaign' object"
        )
    return content


@transaction.atomic
def campaign_load_from_file(path: str | Path | None = None, actor=None) -> Campaign:
    """Create or bring up to date the campaign a data file describes; running it twice changes nothing."""
    if actor is not None:
        require(can_manage_campaigns(actor))
    content = _read_file(Path(path) if path else DEFAULT_FILE)
    data = dict(content["campaign"])
    existing = Campaign.objects.filter(year=data.get("year")).first()
    if existing is None:
        campaign = _campaign_create(actor=actor, data=data, ip=None, event_type=EventType.CAMPAIGN_LOADED)
    else:
        data.pop("status", None)  # a reload never reopens or closes a campaign the office has moved on
        campaign = _campaign_update(campaign=existing, actor=actor, data=data, ip=None)
    _rows_sync(campaign, actor, content.get("routes", []), content.get("quotas", []))
    return campaign


def _rows_sync(campaign: Campaign, actor, routes: list[dict], quotas: list[dict]) -> None:
    """Make the campaign's routes and quotas exactly those listed."""
    keep = set()
    for r in routes:
        row = _route_set(campaign=campaign, actor=actor, series=r.get("series"), level=r.get("level"),
                         route=r.get("route", Route.SELF_RUN), committee=None, ip=None)
        keep.add(row.pk)
    for row in campaign.routes.exclude(pk__in=keep).select_related("series", "level"):
        audit_event_record(event_type=EventType.CAMPAIGN_ROUTE_DELETED, actor=actor, obj=campaign,
                           data={"series": row.series.name, "level": row.level.name})
        row.delete()
    keep = set()
    for q in quotas:
        row = _quota_set(campaign=campaign, actor=actor, series=q.get("series"), level=q.get("level"),
                         count=q.get("count"), note=q.get("note", ""), ip=None)
        keep.add(row.pk)
    for row in campaign.quotas.exclude(pk__in=keep).select_related("series", "level"):
        audit_event_record(event_type=EventType.CAMPAIGN_QUOTA_DELETED, actor=actor, obj=campaign,
                           data={"series": row.series.name, "level": row.level.name})
        row.delete()
