"""The workflow guards publicity owns, one set per kind of publicity (registered by name in dossiers.guards).

Unit publicity (§六(四)) uses `publicity_published`, `publicity_complete`, `no_open_objection`, `objection_upheld`;
result publicity (the evaluation results, later) the same checks under `result_…` names, on its own entries.
"""

from __future__ import annotations

import datetime as dt

from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import ALLOW, Decision
from zhicheng.dossiers.guards import GuardContext, guard_register, refuse

from .models import EntryKind, Objection, ObjectionStatus, PublicityEntry
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


def _entry(dossier, kind: str) -> PublicityEntry | None:
    return PublicityEntry.objects.select_related("batch").filter(dossier_id=dossier.pk, kind=kind).first()


def _not_published() -> Decision:
    return refuse("not_published", "该申报材料未发布公示", "The dossier has not been published")


def _published(kind: str):
    def published(ctx: GuardContext) -> Decision:
        """Only publicity_publish, which creates the entry first, moves a dossier into publicity."""
        return ALLOW if _entry(ctx.dossier, kind) is not None else _not_published()

    return published


def _complete(kind: str):
    def complete(ctx: GuardContext) -> Decision:
        """The publicity period has fully passed (its last day until 24:00 Asia/Shanghai)."""
        entry = _entry(ctx.dossier, kind)
        if entry is None:
            return _not_published()
        if period_is_over(ends_on=entry.batch.ends_on, at=ctx.now):
            return ALLOW
        error = not_over_error(entry.batch.ends_on)
        return refuse(error.code, error.message_zh, error.message_en, **error.details)

    return complete


def _no_open_objection(kind: str):
    def no_open_objection(ctx: GuardContext) -> Decision:
        """No objection to this dossier's entry waits for a decision."""
        if not Objection.objects.filter(entry__dossier_id=ctx.dossier.pk, entry__kind=kind,
                                        status=ObjectionStatus.OPEN).exists():
            return ALLOW
        error = objection_open_error([ctx.dossier.pk])
        return refuse(error.code, error.message_zh, error.message_en, **error.details)

    return no_open_objection


def _objection_upheld(kind: str):
    def objection_upheld(ctx: GuardContext) -> Decision:
        """Only an upheld objection stops a dossier in publicity."""
        if Objection.objects.filter(entry__dossier_id=ctx.dossier.pk, entry__kind=kind,
                                    status=ObjectionStatus.UPHELD).exists():
            return ALLOW
        return refuse("objection_not_upheld", "没有成立的异议，不能终止公示人员的推荐",
                      "No upheld objection: the dossier cannot be stopped")

    return objection_upheld


# name of each guard per kind of publicity; result publicity's rows will name the second set
GUARD_NAMES = {
    EntryKind.UNIT: {"published": "publicity_published", "complete": "publicity_complete",
                     "no_open_objection": "no_open_objection", "objection_upheld": "objection_upheld"},
    EntryKind.RESULT: {"published": "result_publicity_published", "complete": "result_publicity_complete",
                       "no_open_objection": "no_open_result_objection", "objection_upheld": "result_objection_upheld"},
}
_FACTORIES = {"published": _published, "complete": _complete, "no_open_objection": _no_open_objection,
              "objection_upheld": _objection_upheld}

for _kind, _names in GUARD_NAMES.items():
    for _what, _name in _names.items():
        guard_register(_name)(_FACTORIES[_what](_kind))
