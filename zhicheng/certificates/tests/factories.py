"""Passed results for the results tests: a dossier put in state `passed` with its EvaluationResult row."""

from __future__ import annotations

import datetime as dt

from zhicheng.committees.models import EvaluationResult
from zhicheng.dossiers.models import DossierState
from zhicheng.review.tests.factories import dossier_in_state


def passed_result(applicant, campaign, *, route: str = "self_run", committee: str = "工程系列高级职称评审委员会",
                  decided_on: dt.date = dt.date(2024, 12, 15), **target):
    """A dossier whose evaluation passed (state `passed`, held by the title office) and its result row."""
    dossier = dossier_in_state(applicant, campaign, DossierState.PASSED, **target)
    EvaluationResult.objects.create(dossier=dossier, route=route, passed=True, committee_name=committee,
                                    decided_on=decided_on, yes_votes=9, attending=11,
                                    document_number="" if route == "self_run" else "甘职评〔2024〕7号")
    return dossier
