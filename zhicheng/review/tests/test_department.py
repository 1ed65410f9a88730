"""Department review: pass, reject, return to the unit at most 3 times, the unit's answers, the supplement cut-off."""

import datetime as dt

import pytest

from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.review.models import ReturnRequest
from zhicheng.review.selectors import department_review_time
from zhicheng.review.services.decisions import decision_propose
from zhicheng.review.services.department import department_actions_offered

from .factories import at, decided, dossier_in_state, return_items
from .factories_chain import department_return, recommended_dossier, unit_resend

pytestmark = pytest.mark.django_db

S = DossierState
NOV = "2024-11-05T10:00:00+08:00"
DEADLINE = "2024-11-10T00:00:00+08:00"


@pytest.fixture
def dossier(tree, campaign):
    return recommended_dossier(tree, campaign)


def state_of(dossier) -> str:
    return Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)


@pytest.mark.parametrize(("action", "reason", "to"), [("pass", "", S.DEPARTMENT_PASSED),
                                                      ("reject", "业绩不符合条件", S.DEPARTMENT_REJECTED)])
def test_department_pass_and_reject_need_a_department_leader(tree, dossier, action, reason, to):
    with at(NOV):
        decision = decision_propose(dossier=dossier, action=action, actor=tree["department_clerk"], reason=reason)
        assert state_of(dossier) == S.RECOMMENDED
        with pytest.raises(PermissionDenied):  # the unit's leader is not the holder any more
            from zhicheng.review.services.decisions import decision_confirm

            decision_confirm(decision=decision, actor=tree["unit_leader"])
        decision_confirm(decision=decision, actor=tree["department_leader"])
    assert state_of(dossier) == to


def test_reject_needs_a_reason(tree, dossier):
    with at(NOV), pytest.raises(ApplicationError) as exc:
        decision_propose(dossier=dossier, action="reject", actor=tree["department_clerk"])
    assert exc.value.code == "reason_required"


def test_unit_staff_cannot_decide_for_the_department(tree, dossier):
    with at(NOV), pytest.raises(PermissionDenied):
        decision_propose(dossier=dossier, action="pass", actor=tree["unit_clerk"])


def test_return_reaches_the_unit_with_every_item_and_the_deadline(tree, dossier):
    with at(NOV):
        department_return(tree, dossier, items=return_items(4))
    assert state_of(dossier) == S.DEPARTMENT_RETURNED
    request = ReturnRequest.objects.get(dossier=dossier, level="department")
    assert request.addressee == "unit" and request.number == 1
    assert [i.message for i in request.items.all()] == [i["message"] for i in return_items(4)]
    assert request.answer_deadline == dt.datetime.fromisoformat(DEADLINE)
    assert request.created_at == dt.datetime.fromisoformat(NOV) and request.decision.confirmed_by == tree[
        "department_leader"]


def test_three_returns_allowed_the_fourth_refused_then_only_pass_or_reject(tree, dossier):
    for n in range(3):
        with at(f"2024-11-0{2 + 2 * n}T10:00:00+08:00"):
            assert "return" in department_actions_offered(dossier)
            department_return(tree, dossier)
        with at(f"2024-11-0{3 + 2 * n}T10:00:00+08:00"):
            unit_resend(tree, dossier)
        assert state_of(dossier) == S.RECOMMENDED
    assert ReturnRequest.objects.filter(dossier=dossier, level="department").count() == 3
    with at("2024-11-09T10:00:00+08:00"):
        assert department_actions_offered(dossier) == ["pass", "reject"]
        with pytest.raises(ApplicationError) as exc:
            decision_propose(dossier=dossier, action="return", actor=tree["department_clerk"], reason="再改",
                             data={"items": return_items(1), "answer_deadline": "2024-11-20T00:00:00+08:00"})
        assert exc.value.status == 409 and exc.value.code == "return_limit_reached"
        assert "3 次" in exc.value.message_zh
        decided(dossier, "pass", clerk=tree["department_clerk"], leader=tree["department_leader"])
    assert state_of(dossier) == S.DEPARTMENT_PASSED


def test_resend_closes_the_return_with_the_answer_time(tree, dossier):
    with at(NOV):
        department_return(tree, dossier)
    with at("2024-11-07T09:00:00+08:00"):
        unit_resend(tree, dossier)
    request = ReturnRequest.objects.get(dossier=dossier, level="department")
    assert request.answered_at == dt.datetime.fromisoformat("2024-11-07T09:00:00+08:00")
    assert request.answered_by == tree["unit_leader"]


def test_pass_back_hands_the_department_items_to_the_applicant(tree, dossier):
    with at(NOV):
        department_return(tree, dossier, items=return_items(2))
    extra = [{"section": "identity", "item_id": None, "message": "单位补充：请核对联系电话"}]
    with at("2024-11-06T10:00:00+08:00"):
        decided(dossier, "pass_back", clerk=tree["unit_clerk"], leader=tree["unit_leader"],
                data={"items": extra, "answer_deadline": "2024-11-09T00:00:00+08:00"})
    assert state_of(dossier) == S.RETURNED
    to_applicant = ReturnRequest.objects.get(dossier=dossier, addressee="applicant")
    messages = [i.message for i in to_applicant.items.all()]
    assert messages == [i["message"] for i in return_items(2)] + ["单位补充：请核对联系电话"]
    from zhicheng.dossiers.guards import return_origin

    assert return_origin(dossier) == S.DEPARTMENT_RETURNED


def test_pass_back_deadline_cannot_exceed_the_departments(tree, dossier):
    with at(NOV):
        department_return(tree, dossier)
    with at("2024-11-06T10:00:00+08:00"), pytest.raises(ApplicationError) as exc:
        decision_propose(dossier=dossier, action="pass_back", actor=tree["unit_clerk"],
                         data={"answer_deadline": "2024-11-10T00:00:01+08:00"})
    assert exc.value.code == "answer_deadline_after_department"


def test_pass_back_without_a_deadline_takes_the_departments(tree, dossier):
    with at(NOV):
        department_return(tree, dossier)
    with at("2024-11-06T10:00:00+08:00"):
        decided(dossier, "pass_back", clerk=tree["unit_clerk"], leader=tree["unit_leader"])
    request = ReturnRequest.objects.get(dossier=dossier, addressee="applicant")
    assert request.answer_deadline <= dt.datetime.fromisoformat(DEADLINE)


def test_resend_and_pass_back_only_from_a_department_return(tree, campaign):
    dossier = dossier_in_state(tree["applicant"], campaign, S.SUBMITTED)
    for action in ("resend", "pass_back"):
        with at("2024-10-12T10:00:00+08:00"), pytest.raises(ApplicationError) as exc:
            decision_propose(dossier=dossier, action=action, actor=tree["unit_clerk"])
        assert exc.value.code == "decision_not_allowed"


@pytest.mark.parametrize(("now", "deadline", "code"), [
    ("2024-11-30T23:59:00+08:00", "2024-12-01T00:00:00+08:00", None),
    ("2024-11-30T23:59:00+08:00", "2024-12-01T00:00:01+08:00", "invalid_return"),
    ("2024-12-01T00:00:00+08:00", "2024-12-05T00:00:00+08:00", "supplement_closed"),
])
def test_supplement_cutoff_for_department_returns(tree, dossier, now, deadline, code):
    with at(now):
        if code is None:
            department_return(tree, dossier, answer_deadline=deadline)
            assert state_of(dossier) == S.DEPARTMENT_RETURNED
            return
        with pytest.raises(ApplicationError) as exc:
            department_return(tree, dossier, answer_deadline=deadline)
    assert exc.value.code == code


def test_no_return_offered_from_the_cutoff(dossier):
    with at("2024-11-30T23:59:59+08:00"):
        assert "return" in department_actions_offered(dossier)
    with at("2024-12-01T00:00:00+08:00"):
        assert department_actions_offered(dossier) == ["pass", "reject"]


def test_review_time_is_net_of_the_units_answer_time(tree, campaign):
    dossier = recommended_dossier(tree, campaign, through_decision=True, when="2024-11-01T10:00:00+08:00")
    with at("2024-11-02T10:00:00+08:00"):
        department_return(tree, dossier)
    with at("2024-11-05T10:00:00+08:00"):  # the unit took 3 days to answer
        unit_resend(tree, dossier)
    with at("2024-11-06T10:00:00+08:00"):
        decided(dossier, "pass", clerk=tree["department_clerk"], leader=tree["department_leader"])
    review = department_review_time(dossier)
    assert review.gross == dt.timedelta(days=5)
    assert review.answering == dt.timedelta(days=3)
    assert review.net == dt.timedelta(days=2) and review.finished


def test_applicants_answer_to_a_passed_back_return_goes_back_to_the_unit(tree, dossier, no_eligibility_gate):
    from zhicheng.dossiers.services import dossier_submit

    from .factories import signed

    with at(NOV):
        department_return(tree, dossier)
    with at("2024-11-06T10:00:00+08:00"):
        decided(dossier, "pass_back", clerk=tree["unit_clerk"], leader=tree["unit_leader"])
    with at("2024-11-07T10:00:00+08:00"):
        signed(dossier, tree["applicant"])
        dossier_submit(dossier=dossier, actor=tree["applicant"])
    assert state_of(dossier) == S.DEPARTMENT_RETURNED
    applicant_return = ReturnRequest.objects.get(dossier=dossier, addressee="applicant")
    assert applicant_return.answered_at == dt.datetime.fromisoformat("2024-11-07T10:00:00+08:00")
    with at("2024-11-08T10:00:00+08:00"):
        unit_resend(tree, dossier)
    assert state_of(dossier) == S.RECOMMENDED
    assert ReturnRequest.objects.get(dossier=dossier, level="department").answered_at is not None


def test_after_three_returns_the_page_offers_only_pass_and_reject(client, tree, dossier):
    from django.urls import reverse

    from zhicheng.accounts.tests.factories import login_verified

    login_verified(client, tree["department_clerk"])
    url = reverse("dossiers:detail", args=[dossier.pk])
    with at(NOV):
        assert 'name="action" value="return"' in client.get(url).content.decode()
    for n in range(3):
        with at(f"2024-11-0{2 + 2 * n}T10:00:00+08:00"):
            department_return(tree, dossier)
        with at(f"2024-11-0{3 + 2 * n}T10:00:00+08:00"):
            unit_resend(tree, dossier)
    login_verified(client, tree["department_clerk"])  # days passed: a fresh session (idle time-out)
    with at("2024-11-09T10:00:00+08:00"):
        response = client.get(url)
    assert response.status_code == 200, response
    page = response.content.decode()
    assert 'name="action" value="return"' not in page
    assert 'name="action" value="pass"' in page and 'name="action" value="reject"' in page


def test_fourth_return_refused_through_the_api(client, tree, dossier):
    from zhicheng.accounts.tests.factories import login_verified

    for n in range(3):
        with at(f"2024-11-0{2 + 2 * n}T10:00:00+08:00"):
            department_return(tree, dossier)
        with at(f"2024-11-0{3 + 2 * n}T10:00:00+08:00"):
            unit_resend(tree, dossier)
    login_verified(client, tree["department_clerk"])
    payload = {"action": "return", "reason": "再改", "items": return_items(1),
               "answer_deadline": "2024-11-20T00:00:00+08:00"}
    with at("2024-11-09T10:00:00+08:00"):
        response = client.post(f"/api/v1/review/dossiers/{dossier.pk}/decisions", payload,
                               content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "return_limit_reached"
    assert "3 次" in response.json()["message"]


def test_an_agency_reviews_its_clients_as_their_department(tree, campaign):
    dossier = recommended_dossier(tree, campaign, applicant=tree["agency_applicant"])
    with at(NOV):
        with pytest.raises(PermissionDenied):
            decision_propose(dossier=dossier, action="pass", actor=tree["department_clerk"])
        decided(dossier, "pass", clerk=tree["agency_clerk"], leader=tree["agency_leader"])
    assert state_of(dossier) == S.DEPARTMENT_PASSED
