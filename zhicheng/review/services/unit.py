"""Effects of unit-level decisions: pass (to publicity), return to the applicant, not accept, recommend.

Eligibility is re-evaluated by the decision core before every step; the decision itself stays the reviewer's.
"""

from __future__ import annotations

from zhicheng.dossiers.models import DossierState

from ..models import DecisionAction, ReviewLevel
from .decisions import Effect, effect_register
from .recommendation import recommend_after
from .returns import return_data_check, return_request_create

S = DossierState


def register() -> None:
    """Register this level's effects with decisions.effect_register (the recommendation's checks are guards)."""
    unit = ReviewLevel.UNIT
    effect_register(Effect(unit, DecisionAction.PASS, (S.SUBMITTED,), S.UNIT_PASSED, ))
    effect_register(Effect(unit, DecisionAction.RETURN, (S.SUBMITTED,), S.RETURNED, prepare=return_data_check,
                           after=return_request_create))
    effect_register(Effect(unit, DecisionAction.NOT_ACCEPT, (S.SUBMITTED,), S.NOT_ACCEPTED, ))
    effect_register(Effect(unit, DecisionAction.RECOMMEND, (S.PUBLICITY_DONE,), S.RECOMMENDED, after=recommend_after))
