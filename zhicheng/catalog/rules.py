"""Pure checks on catalog data; each problem names its field and says what is wrong in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from zhicheng.core.errors import ApplicationError

# R-SKILL: the series a skilled worker (高技能人才) may apply in (§一)
SKILLED_WORKER_SERIES = ("工程", "农业", "工艺美术", "文物博物", "实验技术", "艺术", "体育", "技工院校教师")


@dataclass(frozen=True)
class Problem:
    field: str
    message_zh: str
    message_en: str


def problems_raise(problems: list[Problem], code: str = "invalid") -> None:
    """Raise one ApplicationError listing every problem per field (both languages) unless there are none."""
    if not problems:
        return
    fields: dict[str, list[str]] = {}
    fields_en: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field, []).append(p.message_zh)
        fields_en.setdefault(p.field, []).append(p.message_en)
    first = problems[0]
    raise ApplicationError(
        code, first.message_zh, first.message_en, details={"fields": fields, "fields_en": fields_en}
    )


def problems_as_validation_error(problems: list[Problem]) -> ValidationError:
    """The same problems as a Django ValidationError in the active language, for forms and full_clean."""
    english = (get_language() or "").startswith("en")
    errors: dict[str, list[str]] = {}
    for p in problems:
        errors.setdefault(p.field, []).append(p.message_en if english else p.message_zh)
    return ValidationError(errors)


def condition_problems(
    *,
    series_name: str,
    level_name: str,
    level_has_title: bool,
    min_years: int,
    below_title_series_name: str | None,
    below_title_level_rank: int | None,
    level_rank: int,
) -> list[Problem]:
    """Check one condition row: the level exists in the series and the level-below title fits."""
    problems: list[Problem] = []
    if not level_has_title:
        problems.append(Problem(
            "level",
            f"“{series_name}”系列没有“{level_name}”职称，不能设置申报条件",
            f"The series {series_name} has no title at level {level_name}",
        ))
    if min_years > 50:
        problems.append(Problem("min_years", "任职年限须在 0 至 50 年之间", "Years at level must be 0 to 50"))
    if below_title_series_name is None:
        if min_years > 0:
            problems.append(Problem(
                "below_title", "要求任职年限时须选择下一级职称", "Choose the level-below title when years are required"
            ))
        return problems
    if below_title_series_name != series_name or below_title_level_rank != level_rank - 1:
        problems.append(Problem(
            "below_title",
            f"下一级职称须为“{series_name}”系列低一级的职称",
            f"The level-below title must be the {series_name} title one level lower",
        ))
    return problems
