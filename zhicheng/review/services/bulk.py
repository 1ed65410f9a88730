"""Bulk actions on a queue: preview exactly what will happen to each dossier, then apply one transaction each.

The preview runs the very service the single action uses inside a transaction that is always rolled back, so it
applies the same checks (including ones that consult the database or re-evaluate eligibility) and writes nothing.
Applying runs each dossier in its own transaction: one failure does not undo the others.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhicheng.accounts.models import OrganisationKind
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.holders import DEPARTMENT, OFFICE, UNIT, holder_level
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.recusal import Recused, recusal_refusal_record
from zhicheng.publicity.services.batches import publicity_plan, publicity_publish

from ..models import DecisionAction
from .decisions import EFFECTS, decision_confirm, decision_open_for, decision_propose

MAX_BULK = 200

Run = Callable[..., Any]  # run(dossier=, actor=, params=, ip=) -> anything; raises ApplicationError to refuse


@dataclass(frozen=True)
class BulkAction:
    key: str
    label: Any
    run: Run
    describe: Callable[[Dossier, dict], str]
    # batch-native actions (publicity) preview and apply the whole selection themselves
    preview_all: Callable[..., list[BulkLine]] | None = None
    apply_all: Callable[..., list[BulkLine]] | None = None
    # the holder levels that can take it: recommending and the unit's publicity are a unit's acts only
    levels: frozenset[str] = frozenset({UNIT, DEPARTMENT, OFFICE})


@dataclass
class BulkLine:
    dossier: Dossier
    ok: bool
    message: str
    code: str = ""


@dataclass
class BulkResult:
    action: BulkAction
    lines: list[BulkLine] = field(default_factory=list)

    @property
    def done(self) -> list[BulkLine]:
        return [line for line in self.lines if line.ok]

    @property
    def skipped(self) -> list[BulkLine]:
        return [line for line in self.lines if not line.ok]


def _state_label(state: str) -> str:
    return str(DossierState(state).label) if state in DossierState.values else state


def _move(dossier: Dossier, action: str) -> str:
    effect = EFFECTS.get((holder_level(dossier) or "", action))
    to = _state_label(effect.to) if effect else "?"
    return f"{_state_label(dossier.state)} → {to}"


class _Rollback(Exception):
    """Raised inside the preview's transaction so that nothing it wrote is kept."""


def _dry_run(run: Run, dossier: Dossier, actor, params: dict) -> ApplicationError | None:
    try:
        with transaction.atomic():
            run(dossier=copy.copy(dossier), actor=actor, params=params, ip=None)
            raise _Rollback
    except _Rollback:
        return None
    except ApplicationError as exc:
        return exc
    except DatabaseError:  # e.g. a row locked or changed meanwhile: say so instead of failing the whole preview
        return ApplicationError("error", str(_("处理失败，请稍后重试")), "Failed, try again later", status=409)


def _refusal(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, ApplicationError):
        return exc.code, exc.message
    return "error", _("处理失败，请稍后重试")


def _checked(dossiers) -> list[Dossier]:
    dossiers = list(dossiers)
    if not dossiers:
        raise ApplicationError("bulk_empty", "请至少选择一份申报材料", "Select at least one dossier")
    if len(dossiers) > MAX_BULK:
        raise ApplicationError("bulk_too_many", f"一次最多处理 {MAX_BULK} 份申报材料",
                               f"At most {MAX_BULK} dossiers at once")
    return dossiers


def bulk_preview(*, actor, dossiers, action: BulkAction, params: dict | None = None) -> BulkResult:
    """What the action would do to each dossier, or why it would be skipped; nothing is written."""
    params, dossiers = params or {}, _checked(dossiers)
    if action.preview_all is not None:
        return BulkResult(action, action.preview_all(actor=actor, dossiers=dossiers, params=params))
    lines = []
    for dossier in dossiers:
        refusal = _dry_run(action.run, dossier, actor, params)
        lines.append(BulkLine(dossier, refusal is None, action.describe(dossier, params) if refusal is None
                              else refusal.message, "" if refusal is None else refusal.code))
    return BulkResult(action, lines)


def bulk_apply(*, actor, dossiers, action: BulkAction, params: dict | None = None, ip: str | None = None) -> BulkResult:
    """Apply the action to each dossier in its own transaction; the result lists what was done and what failed."""
    params, dossiers = params or {}, _checked(dossiers)
    if action.apply_all is not None:
        return BulkResult(action, action.apply_all(actor=actor, dossiers=dossiers, params=params, ip=ip))
    lines = []
    for dossier in dossiers:
        before = action.describe(dossier, params)
        try:
            with transaction.atomic():
                action.run(dossier=dossier, actor=actor, params=params, ip=ip)
        except (ApplicationError, DatabaseError) as exc:
            if isinstance(exc, Recused):  # its audit row went with the rolled-back savepoint: record it again
                recusal_refusal_record(exc, ip=ip)
            code, message = _refusal(exc)
            lines.append(BulkLine(dossier, False, message, code))
        else:
            lines.append(BulkLine(dossier, True, before))
    return BulkResult(action, lines)


# -- the queue's actions -------------------------------------------------------------------------------------


def _propose(action: str) -> Run:
    def run(*, dossier, actor, params, ip):
        return decision_propose(dossier=dossier, action=action, actor=actor, reason=params.get("reason", ""),
                                data=dict(params.get("data") or {}), ip=ip)

    return run


def _confirm(*, dossier, actor, params, ip):
    decision = decision_open_for(dossier)
    if decision is None:
        raise ApplicationError("no_pending_decision", "没有待确认的审核意见", "No decision waits for confirmation",
                               status=409)
    return decision_confirm(decision=decision, actor=actor, ip=ip)


def _describe_propose(action: str) -> Callable[[Dossier, dict], str]:
    def describe(dossier: Dossier, params: dict) -> str:
        label = DecisionAction(action).label
        return _("提出“%(action)s”意见，审查领导确认后：%(move)s") % {"action": label, "move": _move(dossier, action)}

    return describe


def _describe_confirm(dossier: Dossier, params: dict) -> str:
    decision = getattr(dossier, "open_decisions", None)
    decision = decision[0] if decision else decision_open_for(dossier)
    if decision is None:
        return _("没有待确认的审核意见")
    return _("确认“%(action)s”意见：%(move)s") % {
        "action": decision.get_action_display(), "move": _move(dossier, decision.action)
    }


def _publish_start(params: dict) -> dt.date:
    raw = params.get("starts_on")
    try:
        return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ApplicationError("starts_on_invalid", "请填写公示开始日期", "Give the publicity start date",
                               details={"fields": {"starts_on": ["请填写公示开始日期"]}}) from None


def _publish_describe_end(item) -> str:
    return _("发布单位公示，公示期至 %(end)s") % {"end": item.ends_on}


def _publish_preview(*, actor, dossiers, params) -> list[BulkLine]:
    plan = publicity_plan(actor=actor, dossiers=dossiers, starts_on=_publish_start(params))
    return [BulkLine(i.dossier, i.refusal is None, _publish_describe_end(i) if i.refusal is None else i.refusal.message,
                     "" if i.refusal is None else i.refusal.code) for i in plan.items]


def _publish_apply(*, actor, dossiers, params, ip) -> list[BulkLine]:
    result = publicity_publish(actor=actor, dossiers=dossiers, starts_on=_publish_start(params), ip=ip)
    done = {d.pk for d in result.published}
    refused = {i.dossier.pk: i.refusal for i in result.skipped}
    lines = []
    for dossier in dossiers:
        if dossier.pk in done:
            lines.append(BulkLine(dossier, True, _("已发布单位公示")))
        else:
            exc = refused.get(dossier.pk)
            lines.append(BulkLine(dossier, False, exc.message if exc else _("未发布"), exc.code if exc else ""))
    return lines


BULK_ACTIONS: dict[str, BulkAction] = {
    "propose_pass": BulkAction("propose_pass", gettext_lazy("审核通过（提出意见）"), _propose(DecisionAction.PASS),
                               _describe_propose(DecisionAction.PASS)),
    "confirm": BulkAction("confirm", gettext_lazy("确认待确认的审核意见"), _confirm, _describe_confirm),
    "recommend": BulkAction("recommend", gettext_lazy("推荐（提出意见）"), _propose(DecisionAction.RECOMMEND),
                            _describe_propose(DecisionAction.RECOMMEND), levels=frozenset({UNIT})),
    "publish": BulkAction("publish", gettext_lazy("发布单位公示"), lambda **kw: None, lambda d, p: "",
                          preview_all=_publish_preview, apply_all=_publish_apply, levels=frozenset({UNIT})),
}

# The levels at which an organisation of each kind holds dossiers: an agency is its clients' unit and their reviewer
LEVELS_OF_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.UNIT: frozenset({UNIT}),
    OrganisationKind.AGENCY: frozenset({UNIT, DEPARTMENT}),
    OrganisationKind.DEPARTMENT: frozenset({DEPARTMENT}),
    OrganisationKind.OFFICE: frozenset({OFFICE}),
}


def bulk_actions_for(organisation) -> list[BulkAction]:
    """The bulk actions the organisation's queue offers: only those its level can take (no recommending at the
    office)."""
    levels = LEVELS_OF_KIND.get(organisation.kind, frozenset())
    return [action for action in BULK_ACTIONS.values() if action.levels & levels]


def bulk_action_get(key: str, organisation=None) -> BulkAction:
    """The action by its key; with the queue's organisation, refused unless that organisation may take it."""
    action = BULK_ACTIONS.get(key)
    if action is not None and organisation is not None and action not in bulk_actions_for(organisation):
        action = None
    if action is None:
        raise ApplicationError("bulk_action_unknown", "不支持的批量操作", "Unknown bulk action",
                               details={"fields": {"action": ["不支持的批量操作"]}})
    return action
