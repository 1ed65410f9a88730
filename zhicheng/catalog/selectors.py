"""Reading the catalog, and resolving a series or level named by id, code or name."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from zhicheng.core.errors import ApplicationError, NotFound

from .models import Condition, Level, Series, Specialty, TitleName, WaiverAchievement


def level_list() -> QuerySet[Level]:
    return Level.objects.all()


def series_list() -> QuerySet[Series]:
    """Every series with its titles (most senior first) and specialties."""
    return Series.objects.prefetch_related(
        Prefetch("titles", queryset=TitleName.objects.select_related("level").order_by("-level__rank")),
        "specialties",
    )


def title_list(*, series: Series | None = None) -> QuerySet[TitleName]:
    qs = TitleName.objects.select_related("series", "level")
    return qs.filter(series=series) if series is not None else qs


def specialty_list(*, series: Series | None = None) -> QuerySet[Specialty]:
    qs = Specialty.objects.select_related("series")
    return qs.filter(series=series) if series is not None else qs


def condition_list(*, series: Series | None = None, level: Level | None = None) -> QuerySet[Condition]:
    qs = Condition.objects.select_related("series", "level", "below_title")
    if series is not None:
        qs = qs.filter(series=series)
    if level is not None:
        qs = qs.filter(level=level)
    return qs


def condition_get(condition_id: int) -> Condition:
    condition = condition_list().filter(pk=condition_id).first()
    if condition is None:
        raise NotFound("not_found", "申报条件不存在", "Condition not found")
    return condition


def waiver_list(*, active_only: bool = False) -> QuerySet[WaiverAchievement]:
    qs = WaiverAchievement.objects.select_related("series")
    return qs.filter(is_active=True) if active_only else qs


def _lookup(model, value, field: str, label_zh: str, label_en: str):
    """Find a row by instance, id, code or name; refuse with a per-field message when there is none."""
    if isinstance(value, model):
        return value
    text = str(value).strip() if value is not None else ""
    if isinstance(value, int) and not isinstance(value, bool):
        found = model.objects.filter(pk=value).first()
    else:
        found = (model.objects.filter(code=text).first() or model.objects.filter(name=text).first()) if text else None
    if found is None:
        raise ApplicationError(
            f"unknown_{field}",
            f"未知的{label_zh}：“{text}”",
            f"Unknown {label_en}: {text!r}",
            details={"fields": {field: [f"未知的{label_zh}：“{text}”"]}, "fields_en": {field: [f"Unknown {label_en}"]}},
        )
    return found


def title_name_resolve(value) -> TitleName:
    """The title given as a TitleName, its code (0502) or its id (int or ASCII digits); else a 400 on the field."""
    if isinstance(value, TitleName):
        return value
    text = str(value).strip() if value is not None else ""
    found = TitleName.objects.filter(code=text).first() if text else None
    if found is None and text.isascii() and text.isdigit() and int(text) < 2**63:  # a bigint: never an overflow
        found = TitleName.objects.filter(pk=int(text)).first()
    if found is None:
        raise ApplicationError(
            "unknown_title", f"未知的下一级职称：“{text}”", f"Unknown level-below title: {text!r}",
            details={"fields": {"below_title": ["未知的下一级职称"]}, "fields_en": {"below_title": ["unknown title"]}},
        )
    return found


def series_resolve(value) -> Series:
    """The series given as a Series, an id (int), a 2-digit code or a name."""
    return _lookup(Series, value, "series", "系列", "series")


def level_resolve(value) -> Level:
    """The level given as a Level, an id (int), a 2-digit code or a name (正高级 … 员级)."""
    return _lookup(Level, value, "level", "级别", "level")


def specialty_get(specialty_id: int) -> Specialty:
    specialty = specialty_list().filter(pk=specialty_id).first()
    if specialty is None:
        raise NotFound("not_found", "专业不存在", "Specialty not found")
    return specialty


def waiver_get(waiver_id: int) -> WaiverAchievement:
    waiver = waiver_list().filter(pk=waiver_id).first()
    if waiver is None:
        raise NotFound("not_found", "破格条件不存在", "Waiver achievement not found")
    return waiver
