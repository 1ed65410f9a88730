"""Answering a return: edit, re-sign, answer before the return's deadline and the supplement cut-off (12-01 00:00)."""

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.dossiers import services
from zhicheng.dossiers.guards import return_origin
from zhicheng.dossiers.models import Dossier, DossierStateChange, DossierVersion
from zhicheng.review.guards import return_answer_open_at
from zhicheng.review.models import ReturnRequest, ReviewDecision
from zhicheng.review.services.returns import return_open_for

from .factories import at, returned_dossier, signed, submitted_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_eligibility_gate")]

LAST = "2024-12-01T00:00:00+08:00"


def answer(dossier, applicant, instant):
    with at(instant):
        signed(dossier, applicant)
        return services.dossier_submit(dossier=dossier, actor=applicant)


@pytest.mark.parametrize(("instant", "accepted"), [
    ("2024-11-30T23:59:00+08:00", True),
    ("2024-11-30T23:59:59.999999+08:00", True),
    ("2024-12-01T00:00:00+08:00", False),  # the supplement cut-off: 12-01 0时
    ("2024-11-30T16:00:00+00:00", False),  # the same instant in UTC
])
def test_answer_until_the_supplement_cutoff(tree, campaign, instant, accepted):
    dossier = returned_dossier(tree, campaign, answer_deadline=LAST)
    applicant = tree["applicant"]
    with at("2024-11-30T10:00:00+08:00"):
        services.section_item_create(dossier=dossier, actor=applicant, section="continuing_education",
                                     data={"year": "2022", "general_hours": "30", "specialty_hours": "60"})
    if accepted:
        assert answer(dossier, applicant, instant).state == "submitted"
    else:
        with pytest.raises(ApplicationError) as exc:
            answer(dossier, applicant, instant)
        assert exc.value.code == "answer_closed" and exc.value.status == 409
    dossier.refresh_from_db()
    assert dossier.state == ("submitted" if accepted else "returned")
    request = ReturnRequest.objects.get(dossier=dossier)
    assert (request.answered_at is not None) is accepted
    assert DossierVersion.objects.filter(dossier=dossier).count() == int(accepted)


@pytest.mark.parametrize(("instant", "accepted"), [
    ("2024-10-15T23:59:59+08:00", True), ("2024-10-16T00:00:00+08:00", False),
])
def test_answer_until_the_returns_own_deadline(tree, campaign, instant, accepted):
    dossier = returned_dossier(tree, campaign, answer_deadline="2024-10-16T00:00:00+08:00")
    if accepted:
        assert answer(dossier, tree["applicant"], instant).state == "submitted"
    else:
        with pytest.raises(ApplicationError) as exc:
            answer(dossier, tree["applicant"], instant)
        assert exc.value.code == "answer_closed"


def test_open_submission_window_does_not_extend_a_returns_deadline(tree, campaign):
    """Returned on 10-05 with a deadline of 10-08 24:00: on 10-09 the campaign window is open, the answer is late."""
    dossier = returned_dossier(tree, campaign, when="2024-10-05T10:00:00+08:00",
                               answer_deadline="2024-10-09T00:00:00+08:00")
    with pytest.raises(ApplicationError) as exc:
        answer(dossier, tree["applicant"], "2024-10-09T09:00:00+08:00")
    assert exc.value.code == "answer_closed"


def test_answer_needs_a_pledge_signed_after_the_return(tree, campaign):
    applicant = tree["applicant"]
    dossier = submitted_dossier(applicant, campaign)
    Dossier.objects.filter(pk=dossier.pk).update(state="draft")
    with at("2024-10-02T10:00:00+08:00"):
        signed(dossier, applicant)  # the pledge of the first submission, still valid for an unchanged dossier
    Dossier.objects.filter(pk=dossier.pk).update(state="submitted")
    from .factories import decided, return_items

    with at("2024-10-12T10:00:00+08:00"):
        decided(dossier, "return", clerk=tree["unit_clerk"], leader=tree["unit_leader"], reason="改",
                data={"items": return_items(1)})
    with at("2024-10-13T10:00:00+08:00"), pytest.raises(ApplicationError) as exc:
        services.dossier_submit(dossier=dossier, actor=applicant)
    assert exc.value.code == "pledge_required"
    assert Dossier.objects.get(pk=dossier.pk).state == "returned"
    assert answer(dossier, applicant, "2024-10-13T10:00:00+08:00").state == "submitted"


def test_answer_freezes_a_new_version_and_records_the_answer(tree, campaign):
    applicant = tree["applicant"]
    dossier = returned_dossier(tree, campaign)
    moved = answer(dossier, applicant, "2024-10-13T10:00:00+08:00")
    request = ReturnRequest.objects.get(dossier=dossier)
    assert moved.state == "submitted" and request.answered_by == applicant
    assert request.answered_at.isoformat() == "2024-10-13T02:00:00+00:00"
    assert AuditEvent.objects.filter(event_type="dossier.return_answered", object_id=str(dossier.pk)).exists()
    assert return_open_for(dossier) is None
    assert not return_answer_open_at(Dossier.objects.get(pk=dossier.pk), moved.state_changed_at)


def test_only_the_applicant_answers(tree, campaign):
    dossier = returned_dossier(tree, campaign)
    with at("2024-10-13T10:00:00+08:00"), pytest.raises(PermissionDenied):
        services.dossier_submit(dossier=dossier, actor=tree["other_applicant"])
    with at("2024-10-13T10:00:00+08:00"), pytest.raises(PermissionDenied):
        services.dossier_submit(dossier=dossier, actor=tree["unit_clerk"])


def test_returned_dossier_is_editable_by_its_applicant_only(tree, campaign):
    dossier = returned_dossier(tree, campaign)
    with at("2024-10-13T10:00:00+08:00"):
        services.section_item_create(dossier=dossier, actor=tree["applicant"], section="continuing_education",
                                     data={"year": "2022", "general_hours": "30", "specialty_hours": "60"})
        with pytest.raises(PermissionDenied):
            services.section_item_create(dossier=dossier, actor=tree["other_applicant"], section="continuing_education",
                                         data={"year": "2021", "general_hours": "30", "specialty_hours": "60"})


def test_a_passed_back_department_return_goes_back_to_dept_returned(tree, campaign):
    """The unit's pass_back: the decision came from dept_returned, so the answer leads back there."""
    applicant = tree["applicant"]
    dossier = submitted_dossier(applicant, campaign)
    Dossier.objects.filter(pk=dossier.pk).update(state="returned")
    with at("2024-10-25T10:00:00+08:00") as now:
        decision = ReviewDecision.objects.create(
            dossier=dossier, level="unit", organisation=tree["unit"], action="pass_back", from_state="dept_returned",
            proposed_by=tree["unit_clerk"], proposed_at=now, confirmed_by=tree["unit_leader"], confirmed_at=now,
        )
        ReturnRequest.objects.create(decision=decision, dossier=dossier, level="unit", addressee="applicant",
                                     number=1, answer_deadline=campaign.supplement_cutoff, created_at=now)
        DossierStateChange.objects.create(dossier=dossier, from_state="dept_returned", to_state="returned",
                                          transition="unit_pass_back", actor=tree["unit_leader"], at=now,
                                          decision_id=decision.pk)
    assert return_origin(dossier) == "dept_returned"
    assert answer(dossier, applicant, "2024-10-26T10:00:00+08:00").state == "dept_returned"
