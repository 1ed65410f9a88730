"""The workflow's publicity guards (dossiers/workflow.py asks them through PUBLICITY_GUARDS)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhicheng.core.errors import ApplicationError

from .models import Objection, ObjectionStatus, PublicityEntry
from .rules import period_is_over


def not_over_error(ends_on: dt.date) -> ApplicationError:
    return ApplicationError(
        "publicity_not_over", f"公示期至 {ends_on:%Y年%m月%d日} 24:00 止，期满后才能结束公示",
        f"The publicity runs until the end of {ends_on.isoformat()}; it cannot be closed before", status=409,
        details={"ends_on": ends_on.isoformat()},
    )


def objection_open_error(dossier_ids: list[int]) -> ApplicationError:
    return ApplicationError(
        "objection_open", "有待处理的异议，处理完毕前不能结束该人员的公示",
        "An objection is still open; the publicity of this person cannot end before it is decided", status=409,
        details={"dossiers": dossier_ids},
    )


def _entry(dossier) -> PublicityEntry:
    entry = PublicityEntry.objects.select_related("batch").filter(dossier_id=dossier.pk).first()
    if entry is None:
        raise ApplicationError(
            "not_published", "该申报材料未发布公示", "The dossier has not been published", status=409
        )
    return entry


def guard_publish(dossier, data: dict[str, Any], now: dt.datetime) -> None:
    """Only publicity_publish, which creates the entry first, moves a dossier into publicity."""
    _entry(dossier)


def guard_close(dossier, data: dict[str, Any], now: dt.datetime) -> None:
    """The period has fully passed and no objection to the dossier is open."""
    entry = _entry(dossier)
    if not period_is_over(ends_on=entry.batch.ends_on, at=now):
        raise not_over_error(entry.batch.ends_on)
    if Objection.objects.filter(entry=entry, status=ObjectionStatus.OPEN).exists():
        raise objection_open_error([dossier.pk])


def guard_stop(dossier, data: dict[str, Any], now: dt.datetime) -> None:
    """Only an upheld objection stops a dossier in publicity."""
    if not Objection.objects.filter(entry__dossier_id=dossier.pk, status=ObjectionStatus.UPHELD).exists():
        raise ApplicationError(
            "objection_not_upheld", "没有成立的异议，不能终止公示人员的推荐",
            "No upheld objection: the dossier cannot be stopped", status=409,
        )
