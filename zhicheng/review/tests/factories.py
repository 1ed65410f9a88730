"""Shared set-up for review tests: people around a unit (two clerks' leaders …), dossiers in a review state.

The department and office tests import these too: keep the names and signatures stable (add, never rename).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import member
from zhicheng.dossiers.holders import holder_organisation
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.tests.factories import PASSWORD, at, campaign_2024, dossier_for, fill, people, signed

__all__ = [
    "INSIDE",
    "PASSWORD",
    "at",
    "campaign_2024",
    "decided",
    "dossier_in_state",
    "fill",
    "pdf_upload",
    "recommendation_papers",
    "return_items",
    "returned_dossier",
    "review_people",
    "signed",
    "submitted_dossier",
]

INSIDE = "2024-10-01T10:00:00+08:00"  # inside the 2024 submission window
RETURN_ITEMS = [
    {"section": "education", "item_id": None, "message": "请补充学历证书扫描件"},
    {"section": "achievement", "item_id": None, "message": "论文检索证明不清晰，请重新上传"},
    {"section": "", "item_id": None, "message": "诚信承诺书须重新签署"},
]


def review_people() -> dict:
    """`people()` plus a second unit leader, the other unit's leader and the department's and office's leaders.

    Keys from people(): office, department, unit, other_unit, agency, applicant, other_applicant, agency_applicant,
    unit_clerk, unit_leader, unit_admin, other_clerk, agency_clerk, department_clerk, office_staff, observer.
    """
    tree = people()
    tree["unit_leader2"] = member(tree["unit"], Role.REVIEW_LEADER)
    tree["other_leader"] = member(tree["other_unit"], Role.REVIEW_LEADER)
    tree["department_leader"] = member(tree["department"], Role.REVIEW_LEADER)
    tree["office_leader"] = member(tree["office"], Role.REVIEW_LEADER)
    tree["agency_leader"] = member(tree["agency"], Role.REVIEW_LEADER)
    return tree


def dossier_in_state(applicant, campaign, state: str = DossierState.SUBMITTED, *, filled: bool = True,
                     submitted_at: str = INSIDE, **target) -> Dossier:
    """A dossier (filled unless told) put straight into `state` — test set-up only, bypassing the eligibility gate.

    `target` goes to dossier_create (series, level, scope, category, specialty).
    """
    with at(INSIDE):
        dossier = dossier_for(applicant, campaign, **target)
        if filled:
            fill(dossier, applicant)
    when = dt.datetime.fromisoformat(submitted_at)
    dossier.state = state
    held_by = holder_organisation(dossier)  # as dossier_transition would have kept it
    Dossier.objects.filter(pk=dossier.pk).update(
        state=state, submitted_at=None if state == DossierState.DRAFT else when, state_changed_at=when,
        held_by=held_by, held_since=when,
    )
    dossier.refresh_from_db()
    return dossier


def submitted_dossier(applicant, campaign, **kwargs) -> Dossier:
    """A filled dossier submitted to the applicant's unit (state `submitted`)."""
    return dossier_in_state(applicant, campaign, DossierState.SUBMITTED, **kwargs)


def return_items(n: int | None = None) -> list[dict]:
    """Requested changes for a return decision (`decision.data["items"]`); three unless told."""
    items = [dict(item) for item in RETURN_ITEMS]
    return items if n is None else (items * (n // len(items) + 1))[:n]


def decided(dossier: Dossier, action: str, *, clerk, leader, reason: str = "", data: dict | None = None) -> Dossier:
    """Propose (clerk) and confirm (leader) a decision at the current clock; returns the moved dossier."""
    from zhicheng.review.services.decisions import decision_confirm, decision_propose

    decision = decision_propose(dossier=dossier, action=action, actor=clerk, reason=reason, data=data or {})
    return decision_confirm(decision=decision, actor=leader)


def returned_dossier(tree: dict, campaign, *, items: list[dict] | None = None, answer_deadline: str | None = None,
                     when: str = "2024-10-12T10:00:00+08:00") -> Dossier:
    """A submitted dossier of tree["applicant"] returned by its unit (clerk proposes, leader confirms at `when`)."""
    dossier = submitted_dossier(tree["applicant"], campaign)
    data = {"items": items if items is not None else return_items()}
    if answer_deadline:
        data["answer_deadline"] = answer_deadline
    with at(when):
        return decided(dossier, "return", clerk=tree["unit_clerk"], leader=tree["unit_leader"],
                       reason="材料不完整", data=data)


def pdf_upload(name: str = "品德考核情况说明.pdf"):
    """A real one-page PDF as an upload (for the sealed conduct statement)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhicheng.files.tests.samples import pdf_bytes

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def recommendation_papers(dossier: Dossier, clerk, *, upload=True):
    """The discipline office's opinion and the sealed conduct statement, recorded by the unit's clerk."""
    from zhicheng.review.services.recommendation import recommendation_record

    return recommendation_record(dossier=dossier, actor=clerk, discipline_opinion="经查，未发现违纪违法问题",
                                 conduct_statement="该同志遵纪守法，品德考核合格",
                                 upload=pdf_upload() if upload else None)


def staff_meeting(dossier: Dossier, clerk, *, result: str = "agreed", held_on: str = "2024-10-15", upload=True):
    """The staff meeting's appraisal of a 破格/基层有效 candidate, recorded by the unit's clerk (minutes as a PDF)."""
    from zhicheng.review.services.meetings import staff_meeting_record

    minutes = pdf_upload("职工大会会议纪要.pdf") if upload else None
    return staff_meeting_record(dossier=dossier, actor=clerk, held_on=held_on, staff_total=40, attended=36,
                                votes_for=30, result=result, upload=minutes)


def now_iso() -> str:
    return timezone.now().isoformat()
