"""Who is told about what along the review chain (the outbox rows; delivery is test_delivery's)."""

from __future__ import annotations

import pytest

from zhicheng.audit.events import EventType
from zhicheng.dossiers.guards import guard_overridden
from zhicheng.notifications.models import Notification
from zhicheng.notifications.recipients import RECIPIENT_FILTERS, recipient_filter_register
from zhicheng.publicity.models import PublicityEntry
from zhicheng.publicity.services import objection_file
from zhicheng.publicity.tests.factories import passed_dossier, published
from zhicheng.review.services.decisions import decision_cancel, decision_propose
from zhicheng.review.tests.factories import at, decided, return_items, submitted_dossier
from zhicheng.review.tests.factories_chain import department_return, dept_passed_dossier, recommended_dossier

pytestmark = pytest.mark.django_db
E = EventType


def told(event: str) -> set[int]:
    return set(Notification.objects.filter(event_type=event).values_list("recipient", flat=True))


class TestDecisionWaiting:
    def test_the_leaders_but_not_the_proposer_nor_the_applicant_are_told(self, tree, campaign):
        dossier = submitted_dossier(tree["applicant"], campaign)
        with at("2024-10-12T10:00:00+08:00"):
            decision_propose(dossier=dossier, action="return", actor=tree["unit_clerk"], reason="材料不完整",
                             data={"items": return_items()})
        assert told(E.REVIEW_DECISION_PROPOSED) == {tree["unit_leader"].pk, tree["unit_leader2"].pk}
        assert not Notification.objects.filter(recipient=tree["applicant"]).exists()  # an unconfirmed proposal
        assert not Notification.objects.filter(recipient=tree["other_leader"]).exists()  # another unit's leader

    def test_a_leader_who_proposes_is_not_told_about_their_own_proposal(self, tree, campaign):
        dossier = submitted_dossier(tree["applicant"], campaign)
        with at("2024-10-12T10:00:00+08:00"):
            decision_propose(dossier=dossier, action="pass", actor=tree["unit_leader"])
        assert told(E.REVIEW_DECISION_PROPOSED) == {tree["unit_leader2"].pk}

    def test_a_cancelled_proposal_never_reaches_the_applicant(self, tree, campaign):
        dossier = submitted_dossier(tree["applicant"], campaign)
        with at("2024-10-12T10:00:00+08:00"):
            decision = decision_propose(dossier=dossier, action="return", actor=tree["unit_clerk"], reason="缺件",
                                        data={"items": return_items()})
            decision_cancel(decision=decision, actor=tree["unit_leader"], reason="不退回")
        assert not Notification.objects.filter(recipient=tree["applicant"]).exists()


class TestReturns:
    def test_a_department_return_tells_the_units_clerks(self, tree, campaign):
        dossier = recommended_dossier(tree, campaign)
        with at("2024-11-01T10:00:00+08:00"):
            department_return(tree, dossier)
        assert told(E.REVIEW_DEPARTMENT_RETURNED) == {tree["unit_clerk"].pk}
        assert not Notification.objects.filter(recipient=tree["applicant"]).exists()
        note = Notification.objects.get(event_type=E.REVIEW_DEPARTMENT_RETURNED)
        assert note.context["deadline"] == "2024-11-09"  # due 11-10 00:00: the 9th is the last day

    def test_passed_back_to_the_applicant_tells_the_applicant(self, tree, campaign):
        dossier = recommended_dossier(tree, campaign)
        with at("2024-11-01T10:00:00+08:00"):
            dossier = department_return(tree, dossier)
            decided(dossier, "pass_back", clerk=tree["unit_clerk"], leader=tree["unit_leader"])
        assert told(E.REVIEW_UNIT_PASSED_BACK) == {tree["applicant"].pk}


class TestOfficeResult:
    @pytest.fixture(autouse=True)
    def qualified(self):
        with guard_overridden("eligibility_clear"):
            yield

    def test_accepted(self, tree, campaign):
        dossier = dept_passed_dossier(tree, campaign)
        with at("2024-11-20T10:00:00+08:00"):
            decided(dossier, "pass", clerk=tree["office_staff"], leader=tree["office_leader"])
        assert told(E.REVIEW_OFFICE_ACCEPTED) == {tree["applicant"].pk}

    def test_rejected_with_the_reason(self, tree, campaign):
        dossier = dept_passed_dossier(tree, campaign)
        with at("2024-11-20T10:00:00+08:00"):
            decided(dossier, "reject", clerk=tree["office_staff"], leader=tree["office_leader"], reason="资格不符")
        note = Notification.objects.get(event_type=E.REVIEW_OFFICE_REJECTED)
        assert note.recipient == tree["applicant"] and note.context["reason"] == "资格不符"


def test_an_objection_tells_the_units_clerks(tree, campaign):
    dossier = passed_dossier(tree["applicant"], campaign)
    published(tree["unit_clerk"], [dossier], "2024-09-27")
    entry = PublicityEntry.objects.select_related("batch", "dossier").get(dossier=dossier)
    with at("2024-10-08T10:00:00+08:00"):
        objection_file(entry=entry, name="王五", contact="13700000000", text="业绩材料不实", ip="10.9.9.9")
    assert told(E.PUBLICITY_OBJECTION_FILED) == {tree["unit_clerk"].pk}
    assert not Notification.objects.filter(recipient=tree["applicant"]).exists()


def test_a_registered_recipient_filter_drops_a_recipient(tree, campaign):
    """The hook the committee's recusal predicate plugs into: a filtered person is never told."""
    def not_leader2(user, obj, event_type):
        return user.pk != tree["unit_leader2"].pk

    recipient_filter_register(not_leader2)
    try:
        dossier = submitted_dossier(tree["applicant"], campaign)
        with at("2024-10-12T10:00:00+08:00"):
            decision_propose(dossier=dossier, action="pass", actor=tree["unit_clerk"])
    finally:
        RECIPIENT_FILTERS.remove(not_leader2)
    assert told(E.REVIEW_DECISION_PROPOSED) == {tree["unit_leader"].pk}
