"""Effects of unit-level decisions: pass (to publicity), return to the applicant, not accept, recommend.

Every check first re-evaluates eligibility (thresholds may have changed since submission): the reviewer sees
the current findings; the decision itself stays the reviewer's.
"""

from __future__ import annotations

import datetime as dt

from zhicheng.dossiers.models import Dossier, DossierState

from ..models import DecisionAction, ReviewDecision, ReviewLevel
from .decisions import Effect, effect_register
from .recommendation import recommend_after, recommend_check
from .returns import return_data_check, return_hooks_connect, return_request_create

S = DossierState


def eligibility_recheck(dossier: Dossier) -> None:
    """The one place the review steps call the eligibility engine (absent engine: nothing to re-check)."""
    try:
        from zhicheng.eligibility.services import eligibility_before_review_step
    except ImportError:  # pragma: no cover - the engine is built in parallel
        return
    eligibility_before_review_step(dossier)


def _recheck(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    eligibility_recheck(dossier)


def _return_check(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    return_data_check(decision, dossier, now)
    eligibility_recheck(dossier)


def _return_after(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    return_request_create(decision, dossier, now)


def register() -> None:
    """Register this level's effects with decisions.effect_register, and the return-answer hooks of dossiers."""
    unit = ReviewLevel.UNIT
    effect_register(Effect(unit, DecisionAction.PASS, (S.SUBMITTED,), S.UNIT_PASSED, check=_recheck))
    effect_register(Effect(unit, DecisionAction.RETURN, (S.SUBMITTED,), S.RETURNED, check=_return_check,
                           after=_return_after))
    effect_register(Effect(unit, DecisionAction.NOT_ACCEPT, (S.SUBMITTED,), S.NOT_ACCEPTED, check=_recheck))
    effect_register(Effect(unit, DecisionAction.RECOMMEND, (S.PUBLICITY_DONE,), S.RECOMMENDED,
                           check=recommend_check, after=recommend_after))
    return_hooks_connect()
