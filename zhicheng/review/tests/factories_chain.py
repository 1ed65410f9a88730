"""Set-up helpers on top of factories.py: dossiers with the department and the office, returns, answers."""

from __future__ import annotations

import datetime as dt

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.dossiers.models import Dossier, DossierState

from .factories import at, decided, dossier_in_state, return_items

S = DossierState
DEADLINE = "2024-11-10T00:00:00+08:00"


def recommended_dossier(tree: dict, campaign, *, applicant=None, through_decision: bool = False,
                        when: str = "2024-10-20T10:00:00+08:00", **target) -> Dossier:
    """A dossier with the department (recommended); `through_decision` records the recommendation transition's
    audit event at `when` as the workflow would (the review-time clock starts there)."""
    dossier = dossier_in_state(applicant or tree["applicant"], campaign, S.RECOMMENDED, **target)
    instant = dt.datetime.fromisoformat(when)
    Dossier.objects.filter(pk=dossier.pk).update(state_changed_at=instant)
    dossier.state_changed_at = instant
    if through_decision:
        with at(when):
            audit_event_record(event_type=EventType.REVIEW_UNIT_RECOMMENDED, actor=tree["unit_leader"], obj=dossier,
                               organisation=dossier.organisation, data={"from": S.PUBLICITY_DONE, "to": S.RECOMMENDED})
    return dossier


def dept_passed_dossier(tree: dict, campaign, **kwargs) -> Dossier:
    """A dossier with the title office (dept_passed)."""
    dossier = dossier_in_state(kwargs.pop("applicant", None) or tree["applicant"], campaign, S.DEPARTMENT_PASSED,
                               **kwargs)
    return dossier


def department_return(tree: dict, dossier: Dossier, *, items=None, answer_deadline: str = DEADLINE) -> Dossier:
    """The department's clerk proposes a return, its leader confirms (at the current clock)."""
    return decided(dossier, "return", clerk=tree["department_clerk"], leader=tree["department_leader"],
                   reason="请补正材料", data={"items": items or return_items(), "answer_deadline": answer_deadline})


def unit_resend(tree: dict, dossier: Dossier) -> Dossier:
    """The unit answers the department's return itself and sends the dossier back."""
    return decided(dossier, "resend", clerk=tree["unit_clerk"], leader=tree["unit_leader"])
