"""Two leaders at once (PostgreSQL row locks): one confirmation wins; the last place under the cap goes once."""

import threading

import pytest
from django.db import connection

from zhicheng.accounts.models import Organisation, Role
from zhicheng.accounts.tests.factories import member
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier
from zhicheng.review.models import ReviewDecision
from zhicheng.review.services.decisions import decision_confirm, decision_propose
from zhicheng.review.services.recommendation import unit_post_count_record

from .factories import at, dossier_in_state, recommendation_papers, staff_meeting, submitted_dossier

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
WHEN = "2024-10-18T10:00:00+08:00"


def run_at_once(*calls):
    """Start every call behind one barrier; each outcome is "ok" or the refusal's code.

    The clock is patched once, here: patching inside each thread would let one thread's exit restore the real
    clock under the other.
    """
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    with at(WHEN):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return sorted(outcomes)


def test_two_leaders_confirm_the_same_decision(audit_flushable, catalog_reseeded, tree, campaign):
    dossier = submitted_dossier(tree["applicant"], campaign)
    with at(WHEN):
        decision = decision_propose(dossier=dossier, action="pass", actor=tree["unit_clerk"])

    def confirm_by(leader):
        return lambda: decision_confirm(decision=ReviewDecision.objects.get(pk=decision.pk), actor=leader)

    outcomes = run_at_once(confirm_by(tree["unit_leader"]), confirm_by(tree["unit_leader2"]))
    assert outcomes == ["decision_stale", "ok"]
    assert Dossier.objects.get(pk=dossier.pk).state == "unit_passed"
    assert AuditEvent.objects.filter(event_type="review.unit_passed").count() == 1


def test_the_last_place_under_the_cap_is_taken_once(audit_flushable, catalog_reseeded, tree, campaign):
    Organisation.objects.filter(pk=tree["unit"].pk).update(professional_posts=10)  # 10 %: one place
    dossiers = [dossier_in_state(member(tree["unit"], Role.APPLICANT), campaign, "publicity_done", scope="grassroots")
                for _ in range(2)]
    decisions = []
    with at(WHEN):
        unit_post_count_record(dossier=dossiers[0], actor=tree["unit_clerk"], senior_held=0, grassroots_senior_held=0)
        for dossier in dossiers:
            recommendation_papers(dossier, tree["unit_clerk"])
            staff_meeting(dossier, tree["unit_clerk"])  # 基层有效: the staff meeting's appraisal first (§六(四))
            decisions.append(decision_propose(dossier=dossier, action="recommend", actor=tree["unit_clerk"]))
    outcomes = run_at_once(
        lambda: decision_confirm(decision=decisions[0], actor=tree["unit_leader"]),
        lambda: decision_confirm(decision=decisions[1], actor=tree["unit_leader2"]),
    )
    assert outcomes == ["ok", "posts_exceeded"]
    assert Dossier.objects.filter(pk__in=[d.pk for d in dossiers], state="recommended").count() == 1
