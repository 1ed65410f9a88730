"""Workflow guards by name, in one registry: what must hold before a dossier may change state.

Each row of `workflow.TRANSITIONS` names its guards; each name is registered here by the app that owns the fact
(`@guard_register("eligibility_clear")` in eligibility, the returns and recommendation checks in review, the
publicity checks in publicity, the submission window and the pledge below). A guard is a small function
`guard(ctx) -> Decision`: `ALLOW`, or `refuse(code, zh, en)` saying why in words a person understands. It only
reads; what happens after a transition belongs to `dossier_state_changed` (workflow.py) or the caller.

Adding a guard is one function: decorate it with `guard_register("name")` in the owning app's `guards.py` (imported
by that app's `AppConfig.ready`), then name it in the rows it applies to and in docs/workflow.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import ALLOW, Decision

from .models import Dossier, DossierState, DossierStateChange

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at: the locked dossier, who acts, the step's data, the server's clock, the target.

    `decision` is the confirmed review decision that causes the step, if any (dossiers cannot name its type).
    """

    dossier: Dossier
    actor: Any
    data: Mapping[str, Any]
    now: dt.datetime
    to: str
    decision: Any = None


@dataclass(frozen=True)
class Refusal(Decision):
    """A guard's "no": the reason (zh, en) plus the code and details the API and pages already show."""

    code: str = "transition_refused"
    status: int = 409
    details: Mapping[str, Any] = field(default_factory=dict)


Guard = Callable[[GuardContext], Decision]
GUARDS: dict[str, Guard] = {}


def refuse(code: str, reason_zh: str, reason_en: str, *, status: int = 409, **details: Any) -> Refusal:
    return Refusal(False, reason_zh, reason_en, code=code, status=status, details=details)


def guard_register(name: str) -> Callable[[Guard], Guard]:
    """Register `fn` under `name`; a second, different function under the same name is a programming error."""

    def register(fn: Guard) -> Guard:
        existing = GUARDS.get(name)
        if existing is not None and existing.__qualname__ != fn.__qualname__:
            raise ValueError(f"workflow guard {name!r} is already registered by {existing.__module__}")
        GUARDS[name] = fn
        return fn

    return register


@contextmanager
def guard_overridden(name: str, answer: Decision = ALLOW) -> Iterator[None]:
    """For tests about something else: inside the block the guard `name` answers `answer` (default: allows).

    The documented way to set one fact aside (e.g. `eligibility_clear` in tests of the pledge); the registered
    guard is back when the block ends. Never used outside tests.
    """
    registered = GUARDS.get(name)
    GUARDS[name] = lambda ctx: answer
    try:
        yield
    finally:
        if registered is None:
            GUARDS.pop(name, None)
        else:
            GUARDS[name] = registered


def guards_missing(names: Iterable[str]) -> list[str]:
    return [name for name in names if name not in GUARDS]


def guards_decide(names: Iterable[str], ctx: GuardContext) -> tuple[str, Decision] | None:
    """The first guard that refuses, with its answer (None: all allow). A name nobody registered refuses."""
    for name in names:
        guard = GUARDS.get(name)
        if guard is None:  # a row names a guard nobody registered: refuse rather than let the step through
            logger.error("workflow guard %r is not registered; refusing %s → %s", name, ctx.dossier.state, ctx.to)
            return name, refuse("guard_missing", "该办理条件尚未配置，暂不能办理，请联系系统管理员",
                                "A condition of this step is not configured; contact the administrator", status=500)
        decision = guard(ctx)
        if not decision.allowed:
            return name, decision
    return None


def guards_run(names: Iterable[str], ctx: GuardContext) -> None:
    """Ask each guard in order; the first refusal is raised as the ApplicationError a user sees."""
    refused = guards_decide(names, ctx)
    if refused is None:
        return
    name, decision = refused
    details = dict(getattr(decision, "details", {}) or {})
    raise ApplicationError(getattr(decision, "code", "transition_refused"), decision.reason_zh, decision.reason_en,
                           status=getattr(decision, "status", 409), details={**details, "guard": name})


# -- the guards dossiers owns: the submission window, the pledge, the reason, the return's origin --------------


@guard_register("window_open")
def window_open(ctx: GuardContext) -> Decision:
    """Inside the campaign's submission window by the server's clock (§二, §四(二))."""
    from zhicheng.campaigns.selectors import campaign_submission_is_open

    campaign = ctx.dossier.campaign
    if campaign_submission_is_open(campaign, ctx.now):
        return ALLOW
    return refuse("submission_closed", "不在个人申报时间内（个人申报已截止或尚未开始），不能提交",
                  "Submission is closed", closes_at=campaign.submission_closes_at.isoformat())


def _frozen_version(ctx: GuardContext):
    """The version dossier_submit froze for this step (its number travels in data["version"])."""
    number = ctx.data.get("version")
    return ctx.dossier.versions.select_related("pledge").filter(number=number).first() if number else None


@guard_register("pledge_current")
def pledge_current(ctx: GuardContext) -> Decision:
    """The frozen version carries a valid integrity pledge signed over exactly this content."""
    version = _frozen_version(ctx)
    pledge = version.pledge if version is not None else None
    if pledge is None or pledge.invalidated_at is not None:
        return refuse("pledge_required", "请先阅读并签署诚信承诺书，再提交", "Sign the integrity pledge first")
    if pledge.snapshot_sha256 != version.sha256:
        return refuse("pledge_outdated", "申报材料在签署承诺书后有改动，请重新签署诚信承诺书",
                      "The dossier changed after the pledge; sign it again")
    return ALLOW


@guard_register("reason_given")
def reason_given(ctx: GuardContext) -> Decision:
    """A written reason (withdrawing)."""
    if (ctx.data.get("reason") or "").strip():
        return ALLOW
    return refuse("reason_required", "请填写撤回原因", "Give the reason for withdrawing", status=400,
                  fields={"reason": ["请填写撤回原因"]}, fields_en={"reason": ["required"]})


WITHDRAWAL_CONFIRMATION = "放弃本年度申报"


@guard_register("window_closed")
def window_closed(ctx: GuardContext) -> Decision:
    """The submission window has closed (before, withdrawing makes the dossier a draft again instead)."""
    from zhicheng.campaigns.selectors import campaign_submission_is_open

    if not campaign_submission_is_open(ctx.dossier.campaign, ctx.now):
        return ALLOW
    return refuse("window_still_open", "个人申报尚未截止：撤回后材料回到草稿，可修改后再次提交",
                  "Submission is still open: withdrawing makes the dossier a draft again", status=409)


@guard_register("withdrawal_confirmed")
def withdrawal_confirmed(ctx: GuardContext) -> Decision:
    """After the close the applicant typed the confirmation that the year's application ends."""
    if (ctx.data.get("confirmation") or "").strip() == WITHDRAWAL_CONFIRMATION:
        return ALLOW
    message = f"请输入“{WITHDRAWAL_CONFIRMATION}”以确认撤回"
    return refuse("confirmation_required", message, "Type the confirmation to withdraw", status=400,
                  fields={"confirmation": [message]}, fields_en={"confirmation": ["type the confirmation"]})


def return_origin(dossier: Dossier) -> str:
    """Where an answered return sends the dossier: the state it was returned from (the unit's submitted, or the
    unit answering a department return); read from the state changes, so dossiers need not ask review."""
    latest = (DossierStateChange.objects.filter(dossier_id=dossier.pk, to_state=DossierState.RETURNED)
              .order_by("-at", "-id").values_list("from_state", flat=True).first())
    return latest or DossierState.SUBMITTED


@guard_register("back_where_returned_from")
def back_where_returned_from(ctx: GuardContext) -> Decision:
    """The answer goes back to whoever returned the dossier, not elsewhere."""
    if ctx.to == return_origin(ctx.dossier):
        return ALLOW
    return refuse("invalid_transition", "退回答复只能回到退回它的单位",
                  "An answer goes back to where the return came from")
