"""Changing the catalog: the office edits conditions, specialties and the 破格 list; every edit is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError, validation_error_from_django
from zhicheng.core.permissions import require

from .models import Condition, Specialty, WaiverAchievement
from .permissions import can_edit_catalog
from .rules import problems_raise
from .selectors import level_resolve, series_resolve, title_name_resolve

CONDITION_FIELDS = ("series", "level", "education", "min_years", "below_title", "scope", "note", "source", "position")


def model_snapshot(obj: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """Plain values of the named fields (foreign keys as ids), for audit data."""
    snapshot: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        snapshot[name] = getattr(obj, field.attname)
    return snapshot


def model_validate(obj: models.Model) -> None:
    """Run Django's full_clean and turn its refusal into one ApplicationError (400)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise validation_error_from_django(exc) from exc


def _condition_apply(condition: Condition, data: dict[str, Any]) -> None:
    unknown = set(data) - set(CONDITION_FIELDS)
    if unknown:
        raise ApplicationError(
            "unknown_field", f"不能修改的字段：{', '.join(sorted(unknown))}", f"Unknown fields: {sorted(unknown)}"
        )
    for name, value in data.items():
        if name == "series":
            value = series_resolve(value)
        elif name == "level":
            value = level_resolve(value)
        elif name == "below_title" and value is not None:
            value = title_name_resolve(value)
        setattr(condition, name, value)
    problems_raise(condition.problems(), "condition_invalid")
    model_validate(condition)


@transaction.atomic
def condition_create(*, actor, data: dict[str, Any], ip: str | None = None) -> Condition:
    """Add an alternative condition for a series/level."""
    require(can_edit_catalog(actor))
    condition = Condition()
    _condition_apply(condition, data)
    condition.save()
    audit_event_record(
        event_type=EventType.CATALOG_CONDITION_CREATED, actor=actor, obj=condition,
        data=model_snapshot(condition, CONDITION_FIELDS), ip=ip,
    )
    return condition


@transaction.atomic
def condition_update(*, condition: Condition, actor, data: dict[str, Any], ip: str | None = None) -> Condition:
    """Change a condition row; the audit event keeps the values before and after."""
    require(can_edit_catalog(actor))
    condition = Condition.objects.select_for_update().get(pk=condition.pk)
    before = model_snapshot(condition, CONDITION_FIELDS)
    _condition_apply(condition, data)
    condition.save()
    after = model_snapshot(condition, CONDITION_FIELDS)
    changed = {k: {"from": before[k], "to": after[k]} for k in CONDITION_FIELDS if before[k] != after[k]}
    audit_event_record(event_type=EventType.CATALOG_CONDITION_UPDATED, actor=actor, obj=condition, data=changed, ip=ip)
    return condition


@transaction.atomic
def condition_delete(*, condition: Condition, actor, ip: str | None = None) -> None:
    """Remove a condition row; the audit event keeps what it said."""
    require(can_edit_catalog(actor))
    snapshot = model_snapshot(condition, CONDITION_FIELDS)
    audit_event_record(event_type=EventType.CATALOG_CONDITION_DELETED, actor=actor, obj=condition, data=snapshot, ip=ip)
    condition.delete()


@transaction.atomic
def specialty_create(*, actor, series, name: str, ip: str | None = None) -> Specialty:
    """Add a specialty to a series."""
    require(can_edit_catalog(actor))
    specialty = Specialty(series=series_resolve(series), name=(name or "").strip())
    model_validate(specialty)
    specialty.save()
    audit_event_record(
        event_type=EventType.CATALOG_SPECIALTY_CREATED, actor=actor, obj=specialty,
        data={"series": specialty.series_id, "name": specialty.name}, ip=ip,
    )
    return specialty


@transaction.atomic
def specialty_update(
    *, specialty: Specialty, actor, name: str | None = None, is_active: bool | None = None, ip: str | None = None
) -> Specialty:
    """Rename a specialty or switch it off (it stays for dossiers that already name it)."""
    require(can_edit_catalog(actor))
    before = model_snapshot(specialty, ("name", "is_active"))
    if name is not None:
        specialty.name = name.strip()
    if is_active is not None:
        specialty.is_active = is_active
    model_validate(specialty)
    specialty.save()
    audit_event_record(
        event_type=EventType.CATALOG_SPECIALTY_UPDATED, actor=actor, obj=specialty,
        data={"before": before, "after": model_snapshot(specialty, ("name", "is_active"))}, ip=ip,
    )
    return specialty


@transaction.atomic
def waiver_create(*, actor, name: str, series=None, position: int = 0, ip: str | None = None) -> WaiverAchievement:
    """Add an achievement to the 破格 list (for one series, or all when series is None)."""
    require(can_edit_catalog(actor))
    waiver = WaiverAchievement(
        name=(name or "").strip(), series=series_resolve(series) if series else None, position=position
    )
    model_validate(waiver)
    waiver.save()
    audit_event_record(
        event_type=EventType.CATALOG_WAIVER_CREATED, actor=actor, obj=waiver,
        data=model_snapshot(waiver, ("name", "series", "position")), ip=ip,
    )
    return waiver


@transaction.atomic
def waiver_set_active(*, waiver: WaiverAchievement, actor, is_active: bool, ip: str | None = None) -> WaiverAchievement:
    """Switch an achievement on or off in the 破格 list."""
    require(can_edit_catalog(actor))
    waiver.is_active = is_active
    waiver.save(update_fields=["is_active", "updated_at"])
    audit_event_record(
        event_type=EventType.CATALOG_WAIVER_UPDATED, actor=actor, obj=waiver, data={"is_active": is_active}, ip=ip
    )
    return waiver
