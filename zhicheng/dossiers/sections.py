"""The section registry: which model and fields each dossier section has, and how input becomes values."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language

from zhicheng.catalog.rules import Problem, problems_raise

from . import rules
from .models import (
    Achievement,
    AnnualAssessment,
    ContinuingEducation,
    EducationRecord,
    IdentitySection,
    LabourRelationExemption,
    RuralService,
    SeriesTransfer,
    SocialSecurityMonth,
    TitleHeld,
    WorkHistoryEntry,
)

EARLIEST_DATE = dt.date(1900, 1, 1)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True)
class SectionSpec:
    name: str
    label_zh: str
    label_en: str
    model: type[models.Model]
    fields: tuple[str, ...]
    problems: Callable[[dict[str, Any], rules.Facts], list[Problem]]
    single: bool = False

    @property
    def label(self) -> str:
        """The section's name in the active language (pages and templates show this, never `name`)."""
        return self.label_en.capitalize() if (get_language() or "").startswith("en") else self.label_zh


SECTIONS: dict[str, SectionSpec] = {
    spec.name: spec
    for spec in (
        SectionSpec("identity", "基本信息", "identity", IdentitySection, (
            "ethnicity", "political_status", "phone", "household_province", "retirement_category",
            "is_civil_servant", "sanction_kind", "sanction_from", "sanction_to", "employment", "file_custody",
        ), rules.identity_problems, single=True),
        SectionSpec("education", "学历", "education", EducationRecord,
                    ("degree", "school", "major", "start", "end"), rules.education_problems),
        SectionSpec("work_history", "工作经历", "work history", WorkHistoryEntry,
                    ("unit_name", "post", "start", "end"), rules.work_history_problems),
        SectionSpec("title_held", "现有职称", "titles held", TitleHeld, (
            "series", "level", "scope", "obtained_on", "document_number", "appointed_on",
        ), rules.title_held_problems),
        SectionSpec("series_transfer", "转系列", "series transfer", SeriesTransfer,
                    ("transferred_on", "note"), rules.series_transfer_problems),
        SectionSpec("social_security", "社保缴纳", "social security", SocialSecurityMonth,
                    ("month", "paying_unit", "credit_code"), rules.social_security_problems),
        SectionSpec("achievement", "业绩成果", "achievements", Achievement, (
            "kind", "title", "achieved_on", "journal", "tier", "cnki_indexed", "waiver",
        ), rules.achievement_problems),
        SectionSpec("continuing_education", "继续教育", "continuing education", ContinuingEducation,
                    ("year", "general_hours", "specialty_hours"), rules.continuing_education_problems),
        SectionSpec("annual_assessment", "年度考核", "annual assessments", AnnualAssessment,
                    ("year", "grade"), rules.annual_assessment_problems),
        SectionSpec("labour_exemption", "劳动关系证明", "labour relation", LabourRelationExemption,
                    ("kind", "note"), rules.no_problems),
        SectionSpec("rural_service", "乡村服务", "rural service", RuralService,
                    ("years", "remote_area"), rules.rural_service_problems),
    )
}
ROW_SECTIONS = tuple(name for name, spec in SECTIONS.items() if not spec.single)

# Fields an applicant may not fill in, with the reason (an empty value is ignored, so older clients still work):
# a paper's similarity comes from the office or the unit only (§六(七)).
APPLICANT_REFUSED_FIELDS = {
    "similarity_percent": ("论文查重结果（去除引用文献复制比）由职改办或用人单位录入，申报人不能填写",
                           "The similarity result is entered by the office or the unit, never by the applicant"),
}


def _label(field: models.Field) -> str:
    return str(field.verbose_name)


def _parse_decimal(field: models.Field, value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
        return number.quantize(Decimal(1).scaleb(-field.decimal_places))
    except InvalidOperation as exc:
        raise ValueError(f"{_label(field)}须为数字") from exc


def _parse_scalar(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.DateField) and isinstance(value, str) and field.name == "month":
        match = _MONTH.match(value)
        if match:
            value = f"{match[1]}-{int(match[2]):02d}-01"
    if isinstance(field, models.IntegerField) and not re.fullmatch(r"\s*-?\d{1,9}\s*", str(value)):
        raise ValueError(f"{_label(field)}须为整数")
    if isinstance(field, models.BooleanField) and isinstance(value, str):
        value = {"true": True, "1": True, "on": True, "false": False, "0": False}.get(value.strip().lower(), value)
    try:
        parsed = field.to_python(value)
    except ValidationError as exc:
        raise ValueError(f"{_label(field)}格式不正确") from exc
    if isinstance(parsed, dt.date) and field.name == "month":
        parsed = parsed.replace(day=1)
    return parsed.strip() if isinstance(parsed, str) else parsed


def _parse(field: models.Field, value: Any) -> Any:
    """One input value as the model field holds it; raises ValueError with a reason a user can read."""
    if isinstance(value, dict | list | tuple | set):
        raise ValueError(f"{_label(field)}格式不正确")
    if isinstance(field, models.ForeignKey):
        if isinstance(value, field.related_model):
            return value
        obj = field.related_model.objects.filter(pk=value).first() if str(value).strip().isdigit() else None
        if obj is None:
            raise ValueError(f"{_label(field)}不存在")
        return obj
    if isinstance(field, models.DecimalField):
        return _parse_decimal(field, value)
    parsed = _parse_scalar(field, value)
    return parsed.upper() if field.name == "credit_code" else parsed


def _empty(field: models.Field) -> Any:
    if isinstance(field, models.BooleanField):
        return None if field.null else False
    return "" if isinstance(field, models.CharField | models.TextField) and not field.null else None


def section_values_parse(
    spec: SectionSpec, data: dict[str, Any], current: dict[str, Any], facts: rules.Facts
) -> dict[str, Any]:
    """The section's values after applying `data` over `current`; raises one 400 naming every bad field."""
    data = {k: v for k, v in data.items() if not (k in APPLICANT_REFUSED_FIELDS and v in (None, ""))}
    refused = sorted(set(data) & set(APPLICANT_REFUSED_FIELDS))
    unknown = sorted(set(data) - set(spec.fields) - set(refused))
    problems = [Problem(name, *APPLICANT_REFUSED_FIELDS[name]) for name in refused]
    problems += [Problem(name, f"{spec.label_zh}没有此字段：{name}", f"Unknown field: {name}") for name in unknown]
    values = dict(current)
    for name in spec.fields:
        if name not in data:
            continue
        field = spec.model._meta.get_field(name)
        raw = data[name]
        try:
            values[name] = _empty(field) if raw in (None, "") else _parse(field, raw)
        except ValueError as exc:
            problems.append(Problem(name, str(exc), f"The {name} is not valid"))
            values[name] = None
    problems += _required_and_choices(spec, values, skip={p.field for p in problems})
    if not problems:
        problems = spec.problems(values, facts)
    problems_raise(problems, "section_invalid")
    return values


def _field_problem(field: models.Field, value: Any) -> Problem | None:
    """Required, a known choice, not longer than the column, a plausible date."""
    name, label = field.name, _label(field)
    if value in (None, ""):
        if not field.blank and not isinstance(field, models.BooleanField):
            return Problem(name, f"请填写{label}", f"The {name} is required")
        return None
    if field.choices and value not in {c[0] for c in field.choices}:
        return Problem(name, f"{label}的取值不正确：{value}", f"Invalid choice for {name}")
    if isinstance(value, str) and field.max_length and len(value) > field.max_length:
        return Problem(name, f"{label}不能超过 {field.max_length} 个字", f"The {name} is too long")
    if isinstance(value, dt.date) and value < EARLIEST_DATE:
        return Problem(name, f"{label}不能早于 {EARLIEST_DATE:%Y-%m-%d}", f"The {name} is implausibly early")
    return None


def _required_and_choices(spec: SectionSpec, values: dict[str, Any], skip: set[str]) -> list[Problem]:
    problems = []
    for name in spec.fields:
        if name in skip:
            continue
        problem = _field_problem(spec.model._meta.get_field(name), values.get(name))
        if problem:
            problems.append(problem)
    return problems


def section_item_values(spec: SectionSpec, item: models.Model | None) -> dict[str, Any]:
    """The current values of a row (or empty values for a new one), by field name."""
    values = {}
    for name in spec.fields:
        field = spec.model._meta.get_field(name)
        if item is not None:
            values[name] = getattr(item, name)
        else:
            values[name] = field.get_default() if field.has_default() else _empty(field)
    return values
