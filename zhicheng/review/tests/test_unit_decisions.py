"""Unit decisions: nothing happens until a leader (not the proposer) confirms; other units and anonymous refused."""

import pytest
from django.contrib.auth.models import AnonymousUser

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.dossiers.models import Dossier
from zhicheng.review.models import ReturnRequest, ReviewDecision
from zhicheng.review.services.decisions import decision_cancel, decision_confirm, decision_propose

from .factories import at, decided, return_items, submitted_dossier

pytestmark = pytest.mark.django_db

WHEN = "2024-10-12T10:00:00+08:00"


@pytest.fixture
def dossier(tree, campaign):
    return submitted_dossier(tree["applicant"], campaign)


def state_of(dossier) -> str:
    return Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)


@pytest.mark.parametrize(("action", "reason", "to"), [
    ("pass", "", "unit_passed"), ("not_accept", "不符合申报条件", "not_accepted"),
])
def test_clerk_proposal_has_no_effect_until_a_leader_confirms(tree, dossier, action, reason, to):
    with at(WHEN):
        decision = decision_propose(dossier=dossier, action=action, actor=tree["unit_clerk"], reason=reason)
        assert state_of(dossier) == "submitted" and decision.is_open
        decision_confirm(decision=decision, actor=tree["unit_leader"])
    assert state_of(dossier) == to
    decision.refresh_from_db()
    assert decision.confirmed_by == tree["unit_leader"] and not decision.is_open
    event = AuditEvent.objects.filter(event_type=f"review.unit_{to.replace('unit_', '')}").get()
    assert event.actor_id == tree["unit_leader"].pk


def test_proposer_cannot_confirm_their_own_decision(tree, dossier):
    with at(WHEN):
        decision = decision_propose(dossier=dossier, action="pass", actor=tree["unit_leader"])
        with pytest.raises(PermissionDenied):
            decision_confirm(decision=decision, actor=tree["unit_leader"])
        decision_confirm(decision=decision, actor=tree["unit_leader2"])  # another leader may
    assert state_of(dossier) == "unit_passed"


def test_a_clerk_cannot_confirm(tree, dossier):
    other_clerk_same_unit = tree["unit_clerk"]
    with at(WHEN):
        decision = decision_propose(dossier=dossier, action="pass", actor=tree["unit_leader"])
        with pytest.raises(PermissionDenied):
            decision_confirm(decision=decision, actor=other_clerk_same_unit)
    assert state_of(dossier) == "submitted"


@pytest.mark.parametrize("who", ["other_clerk", "other_leader", "department_clerk", "applicant"])
def test_others_cannot_propose(tree, dossier, who):
    with at(WHEN), pytest.raises(PermissionDenied):
        decision_propose(dossier=dossier, action="pass", actor=tree[who])
    assert not ReviewDecision.objects.exists()


def test_anonymous_cannot_propose(dossier):
    with at(WHEN), pytest.raises(PermissionDenied):
        decision_propose(dossier=dossier, action="pass", actor=AnonymousUser())


def test_other_units_leader_cannot_confirm(tree, dossier):
    with at(WHEN):
        decision = decision_propose(dossier=dossier, action="pass", actor=tree["unit_clerk"])
        with pytest.raises(PermissionDenied):
            decision_confirm(decision=decision, actor=tree["other_leader"])
    assert state_of(dossier) == "submitted"


def test_not_accept_needs_a_reason(tree, dossier):
    with at(WHEN), pytest.raises(ApplicationError) as exc:
        decision_propose(dossier=dossier, action="not_accept", actor=tree["unit_clerk"], reason="  ")
    assert exc.value.code == "reason_required"


def test_cancelled_decision_cannot_be_confirmed(tree, dossier):
    with at(WHEN):
        decision = decision_propose(dossier=dossier, action="pass", actor=tree["unit_clerk"])
        decision_cancel(decision=decision, actor=tree["unit_leader"], reason="再核实")
        with pytest.raises(ApplicationError) as exc:
            decision_confirm(decision=decision, actor=tree["unit_leader"])
    assert exc.value.status == 409 and state_of(dossier) == "submitted"


def test_second_confirmation_is_stale(tree, dossier):
    """Two leaders confirming the same decision: the first wins, the second gets a 409."""
    with at(WHEN):
        decision = decision_propose(dossier=dossier, action="pass", actor=tree["unit_clerk"])
        stale_copy = ReviewDecision.objects.get(pk=decision.pk)
        decision_confirm(decision=decision, actor=tree["unit_leader"])
        with pytest.raises(ApplicationError) as exc:
            decision_confirm(decision=stale_copy, actor=tree["unit_leader2"])
    assert exc.value.code == "decision_stale" and exc.value.status == 409
    assert AuditEvent.objects.filter(event_type="review.unit_passed").count() == 1


@pytest.mark.parametrize(("action", "data"), [("pass", {}), ("return", {"items": return_items(1)})])
def test_each_step_rechecks_eligibility(tree, dossier, monkeypatch, action, data):
    from zhicheng.review.services import decisions

    calls = []
    monkeypatch.setattr(decisions, "eligibility_before_review_step", lambda d: calls.append(d.pk))
    with at(WHEN):
        decided(dossier, action, clerk=tree["unit_clerk"], leader=tree["unit_leader"], reason="理由", data=data)
    assert calls == [dossier.pk, dossier.pk]  # at proposal and again at confirmation


def test_return_carries_every_item_and_a_default_deadline(tree, dossier):
    # Fri 10-11; Sat 10-12/2024 is a make-up working day: Sat, Mon, Tue → Tue 10-15 24:00 = 10-16 00:00+08:00
    with at("2024-10-11T10:00:00+08:00"):
        decided(dossier, "return", clerk=tree["unit_clerk"], leader=tree["unit_leader"], reason="材料不全",
                data={"items": return_items()})
    request = ReturnRequest.objects.get(dossier=dossier)
    assert [i.message for i in request.items.all()] == [i["message"] for i in return_items()]
    assert request.answer_deadline.isoformat() == "2024-10-15T16:00:00+00:00"
    assert request.number == 1 and request.addressee == "applicant" and request.level == "unit"
    assert state_of(dossier) == "returned"


def test_default_deadline_never_after_the_supplement_cutoff(tree, dossier):
    from zhicheng.dossiers.guards import guard_overridden

    # about the cap, not the unit's close (10-20): a unit return this late is otherwise refused
    with at("2024-11-29T10:00:00+08:00"), guard_overridden("unit_recommendation_open"):
        decided(dossier, "return", clerk=tree["unit_clerk"], leader=tree["unit_leader"], reason="材料不全",
                data={"items": return_items(1)})
    assert ReturnRequest.objects.get().answer_deadline == dossier.campaign.supplement_cutoff


@pytest.mark.parametrize(("deadline", "ok"), [
    ("2024-12-01T00:00:00+08:00", True), ("2024-12-01T00:00:01+08:00", False), ("2024-10-12T10:00:00+08:00", False),
])
def test_clerk_set_deadline_limits(tree, dossier, deadline, ok):
    with at(WHEN):
        if ok:
            decision_propose(dossier=dossier, action="return", actor=tree["unit_clerk"], reason="改",
                             data={"items": return_items(1), "answer_deadline": deadline})
        else:
            with pytest.raises(ApplicationError) as exc:
                decision_propose(dossier=dossier, action="return", actor=tree["unit_clerk"], reason="改",
                                 data={"items": return_items(1), "answer_deadline": deadline})
            assert exc.value.code == "invalid_return"
    assert ReviewDecision.objects.exists() is ok


@pytest.mark.parametrize("items", [
    [], [{"section": "education", "message": ""}], [{"section": "nope", "message": "x"}], "not a list",
])
def test_return_needs_valid_items(tree, dossier, items):
    with at(WHEN), pytest.raises(ApplicationError) as exc:
        decision_propose(dossier=dossier, action="return", actor=tree["unit_clerk"], reason="改", data={"items": items})
    assert exc.value.code == "invalid_return"


def test_pass_not_allowed_from_draft_states(tree, campaign):
    from .factories import dossier_in_state

    dossier = dossier_in_state(tree["applicant"], campaign, "unit_passed")
    with at(WHEN), pytest.raises(ApplicationError) as exc:
        decision_propose(dossier=dossier, action="pass", actor=tree["unit_clerk"])
    assert exc.value.code == "decision_not_allowed"
