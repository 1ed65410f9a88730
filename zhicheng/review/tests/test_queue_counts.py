"""The maintained queue counts (dossiers.QueueCount) stay equal to a fresh count of the dossiers, whoever writes them,
and the queue pages and dashboards read their counts from it; the applicant's name on the dossier follows a rename."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhicheng.dossiers.holders import holder_organisation
from zhicheng.dossiers.models import Dossier, DossierState, QueueCount
from zhicheng.review.selectors import QueueFilters, queue_count, queue_for, queue_state_counts, queue_summary
from zhicheng.review.services.decisions import decision_confirm, decision_propose

from .factories import at, decided, dossier_in_state, submitted_dossier

S = DossierState
STATES = [s for s in S.values if s != S.WITHDRAWN]  # withdrawn lifts the one-per-campaign constraint: kept simple
WHEN = "2024-10-18T10:00:00+08:00"


def fresh_counts() -> dict[tuple[int, str, int], int]:
    rows = Dossier.objects.values_list("held_by_id", "state", "organisation_id").annotate(n=Count("id")).order_by()
    return {(h or 0, s, u): n for h, s, u, n in rows}


def summary_counts() -> dict[tuple[int, str, int], int]:
    return {(h, s, u): n for h, s, u, n in QueueCount.objects.values_list("holder", "state", "unit_id", "n") if n}


def move(dossier: Dossier, state: str, how: str) -> None:
    """Put the dossier in `state` with its holder as dossier_transition keeps it, by one of the ORM's write paths."""
    dossier.state = state
    dossier.held_by = holder_organisation(dossier)
    if how == "update":
        Dossier.objects.filter(pk=dossier.pk).update(state=state, held_by=dossier.held_by)
    elif how == "save_fields":  # what dossier_transition does
        dossier.save(update_fields=["state", "held_by"])
    elif how == "save":  # a full save writes every column
        dossier.save()
    else:  # what dossier_transition_many does
        Dossier.objects.bulk_update([dossier], ["state", "held_by"])


@pytest.fixture
def dossiers(tree, campaign):
    return [submitted_dossier(tree[name], campaign) for name in ("applicant", "other_applicant", "agency_applicant")]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(STATES),
                                st.sampled_from(["update", "save_fields", "save", "bulk"])), max_size=12))
def test_after_random_moves_the_summary_equals_a_fresh_count(dossiers, steps):
    for index, state, how in steps:
        move(Dossier.objects.select_related("organisation").get(pk=dossiers[index].pk), state, how)
        assert summary_counts() == fresh_counts()


def test_the_rebuild_recounts_a_summary_gone_wrong(dossiers, tree):
    assert summary_counts() == fresh_counts()  # three created dossiers counted on insert
    QueueCount.objects.all().update(n=99)  # a summary gone wrong (a restore, a load without triggers)
    call_command("queue_counts_rebuild", stdout=None)
    assert summary_counts() == fresh_counts()
    assert queue_state_counts(tree["unit"]) == [(S.SUBMITTED, str(S.SUBMITTED.label), 2)]


def test_real_transitions_keep_the_counts_and_the_queue_reads_them(tree, campaign, django_assert_num_queries):
    dossier = submitted_dossier(tree["applicant"], campaign)
    submitted_dossier(tree["other_applicant"], campaign)
    with at(WHEN):
        decided(dossier, "pass", clerk=tree["unit_clerk"], leader=tree["unit_leader"])
    assert summary_counts() == fresh_counts()
    unit = tree["unit"]
    with django_assert_num_queries(1):  # one query on the summary, none on the dossiers
        counts = queue_state_counts(unit)
    assert counts == [(S.SUBMITTED, str(S.SUBMITTED.label), 1), (S.UNIT_PASSED, str(S.UNIT_PASSED.label), 1)]
    assert queue_summary(unit) == (counts, [(unit.pk, unit.name)])
    # a filtered count answers the same as counting the listed rows
    for filters in (QueueFilters(unit=unit.pk), QueueFilters(state=S.SUBMITTED, unit=unit.pk), QueueFilters(todo=True),
                    QueueFilters(unit=tree["other_unit"].pk), QueueFilters(overdue=True)):
        assert queue_count(unit, filters) == queue_for(unit, filters).count(), filters


def test_todo_count_leaves_out_the_dossiers_a_proposal_waits_in(tree, campaign):
    waiting = submitted_dossier(tree["applicant"], campaign)
    submitted_dossier(tree["other_applicant"], campaign)
    with at(WHEN):
        decision_propose(dossier=waiting, action="pass", actor=tree["unit_clerk"])
    assert queue_count(tree["unit"], QueueFilters(todo=True)) == 1
    assert queue_count(tree["unit"], QueueFilters(pending=True)) == 1


def test_nothing_overdue_for_a_queue_holding_no_lateable_state(tree, campaign, django_assert_max_num_queries):
    dossier_in_state(tree["applicant"], campaign, S.DEPARTMENT_PASSED)
    with django_assert_max_num_queries(1):  # the summary says no held state can be late: the rows are not counted
        assert queue_count(tree["office"], QueueFilters(overdue=True)) == 0


def test_the_applicant_name_is_stored_and_follows_a_rename(tree, campaign):
    dossier = submitted_dossier(tree["applicant"], campaign)
    assert Dossier.objects.get(pk=dossier.pk).applicant_name == tree["applicant"].real_name
    tree["applicant"].real_name = "改名后"
    tree["applicant"].save(update_fields=["real_name"])
    assert Dossier.objects.get(pk=dossier.pk).applicant_name == "改名后"
    stale = Dossier.objects.get(pk=dossier.pk)
    stale.applicant_name = "别人"  # a full save of an old copy cannot put a wrong name back
    stale.save()
    assert Dossier.objects.get(pk=dossier.pk).applicant_name == "改名后"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_transitions_at_once_both_count(audit_flushable, catalog_reseeded, tree, campaign):
    first = submitted_dossier(tree["applicant"], campaign)
    second = submitted_dossier(tree["other_applicant"], campaign)
    with at(WHEN):
        decisions = [decision_propose(dossier=d, action="pass", actor=tree["unit_clerk"]) for d in (first, second)]
    barrier, errors = threading.Barrier(2), []

    def confirm(decision, leader):
        try:
            barrier.wait()
            decision_confirm(decision=decision, actor=leader)
        except Exception as exc:  # any failure is reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(d, leader))
               for d, leader in zip(decisions, (tree["unit_leader"], tree["unit_leader2"]), strict=True)]
    with at(WHEN):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert summary_counts() == fresh_counts()
    assert QueueCount.objects.filter(holder=tree["unit"].pk, state=S.UNIT_PASSED).aggregate(n=Sum("n"))["n"] == 2
