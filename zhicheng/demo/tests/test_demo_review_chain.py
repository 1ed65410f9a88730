"""seed_demo's review chain: the submitted 2024 dossiers spread over the states of review, all through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.demo.dossiers import replayed_clock
from zhicheng.demo.people import demo_people
from zhicheng.demo.review_chain import PATHS, PENDING, PLAN, expected_states
from zhicheng.demo.seeding import seed_demo
from zhicheng.dossiers.models import Dossier, DossierState, DossierStateChange
from zhicheng.publicity.models import Objection, ObjectionStatus, PublicityBatch
from zhicheng.review.models import Recommendation, ReturnRequest, ReviewDecision, ReviewLevel

S = DossierState
USERNAMES = {p.case.code: p.username for p in demo_people() if p.case is not None}
# the audit event each state is entered with (dossiers/workflow.py)
ENTERED_WITH = {
    S.RETURNED: "review.unit_returned", S.UNIT_PASSED: "review.unit_passed",
    S.IN_PUBLICITY: "dossier.publicity_started", S.PUBLICITY_DONE: "dossier.publicity_done",
    S.NOT_RECOMMENDED: "dossier.objection_upheld", S.RECOMMENDED: "review.unit_recommended",
    S.DEPARTMENT_RETURNED: "review.department_returned", S.DEPARTMENT_PASSED: "review.department_passed",
    S.OFFICE_ACCEPTED: "review.office_accepted",
}
# the states entered by confirming a proposed decision (the others by publishing, closing, an objection)
BY_DECISION = {S.RETURNED, S.UNIT_PASSED, S.RECOMMENDED, S.DEPARTMENT_RETURNED, S.DEPARTMENT_PASSED,
               S.OFFICE_ACCEPTED}
START, END = dt.datetime(2024, 10, 11, tzinfo=dt.UTC) - dt.timedelta(hours=8), dt.datetime(2024, 11, 21, tzinfo=dt.UTC)


# A database test, so pytest-django runs it before the transactional tests, whose flush empties the catalog
pytestmark = pytest.mark.django_db

@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo without its last step (the results, demo/results.py, tested in test_results_demo.py), which
    moves office-accepted dossiers on: this module checks where the review chain leaves them."""
    from unittest import mock

    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic(), \
            mock.patch("zhicheng.demo.seeding.demo_results_seed", return_value=0):
        seed_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def dossiers(seeded, db) -> dict[str, Dossier]:
    rows = Dossier.objects.filter(campaign__year=2024).select_related("applicant")
    by_user = {d.applicant.username: d for d in rows}
    return {code: by_user[username] for code, username in USERNAMES.items()}


def _transitions(dossier: Dossier) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(object_type="dossiers.dossier", object_id=str(dossier.pk)).order_by("id")
    return [e for e in events if e.event_type in {*ENTERED_WITH.values(), "review.decision_proposed"}]


def chain_state(dossier: Dossier) -> str:
    """Where the review chain left the dossier: before the evaluation (demo/evaluation.py) took it further."""
    first = (DossierStateChange.objects.filter(dossier=dossier, transition__in=EVALUATION_STEPS)
             .order_by("at", "id").values_list("from_state", flat=True).first())
    return first or dossier.state


EVALUATION_STEPS = ("meeting_schedule", "entrusted_send")


class TestStates:
    def test_counts_per_state_are_what_the_module_says(self, dossiers):
        states = Counter(chain_state(d) for d in dossiers.values() if d.state != S.DRAFT)
        assert states == expected_states(41)
        assert states[S.SUBMITTED] == 41 - len(PLAN) + 1 == 19
        assert {s: states[s] for s in (S.RECOMMENDED, S.DEPARTMENT_PASSED, S.OFFICE_ACCEPTED)} == {
            S.RECOMMENDED: 6, S.DEPARTMENT_PASSED: 6, S.OFFICE_ACCEPTED: 6}
        for state in (S.RETURNED, S.PUBLICITY_DONE, S.NOT_RECOMMENDED, S.DEPARTMENT_RETURNED):
            assert states[state] == 1, state

    def test_each_planned_dossier_ends_where_the_plan_says(self, dossiers):
        for code, target in PLAN.items():
            assert chain_state(dossiers[code]) == (S.SUBMITTED if target == PENDING else target), code

    def test_the_pending_decision_waits_for_a_leader(self, dossiers):
        (code,) = [c for c, t in PLAN.items() if t == PENDING]
        decision = ReviewDecision.objects.select_related("proposed_by").get(dossier=dossiers[code])
        assert decision.is_open and decision.confirmed_by is None
        assert decision.proposed_by.username.endswith("_clerk")

    def test_the_returned_dossier_has_three_changes_and_a_2024_deadline(self, dossiers):
        (code,) = [c for c, t in PLAN.items() if t == S.RETURNED]
        request = ReturnRequest.objects.get(dossier=dossiers[code])
        assert request.level == ReviewLevel.UNIT and request.answered_at is None
        assert request.items.count() == 3
        assert request.answer_deadline.year == 2024 and request.answer_deadline > request.created_at

    def test_the_department_returned_one_once_to_the_unit(self, dossiers):
        (code,) = [c for c, t in PLAN.items() if t == S.DEPARTMENT_RETURNED]
        (request,) = ReturnRequest.objects.filter(dossier=dossiers[code])
        assert request.level == ReviewLevel.DEPARTMENT and request.items.count() == 2


class TestHistory:
    def test_each_moved_dossier_went_step_by_step_each_decision_confirmed_by_another_person(self, dossiers):
        for code, target in PLAN.items():
            events = _transitions(dossiers[code])
            expected = []
            for state in PATHS[target]:
                expected += ["review.decision_proposed"] * (state in BY_DECISION) + [ENTERED_WITH[state]]
            if target == PENDING:
                expected = ["review.decision_proposed"]
            assert [e.event_type for e in events] == expected, code
            times = [e.occurred_at for e in events]
            assert times == sorted(times) and times[0] >= START and times[-1] < END, code
            for proposed, entered in itertools.pairwise(events):
                if proposed.event_type == "review.decision_proposed" and entered.event_type in ENTERED_WITH.values():
                    assert proposed.actor_id != entered.actor_id, code

    def test_recommendations_were_made_before_the_route_deadline_with_the_sealed_statement(self, dossiers):
        recommended = [d for c, d in dossiers.items() if c in PLAN and S.RECOMMENDED in PATHS[PLAN[c]]]
        papers = Recommendation.objects.filter(dossier__in=recommended).select_related("dossier__campaign")
        assert len(papers) == len(recommended) == 19
        for paper in papers:
            assert paper.conduct_file and paper.conduct_file_kind == "pdf"
            assert paper.recommended_at < paper.dossier.campaign.unit_recommendation_deadline


class TestObjections:
    def test_the_not_recommended_dossier_has_an_upheld_objection(self, dossiers):
        (code,) = [c for c, t in PLAN.items() if t == S.NOT_RECOMMENDED]
        objection = Objection.objects.get(entry__dossier=dossiers[code])
        assert objection.status == ObjectionStatus.UPHELD and objection.outcome

    def test_the_publicity_done_dossier_survived_a_dismissed_objection(self, dossiers):
        (code,) = [c for c, t in PLAN.items() if t == S.PUBLICITY_DONE]
        objection = Objection.objects.get(entry__dossier=dossiers[code])
        assert objection.status == ObjectionStatus.DISMISSED

    def test_every_batch_is_closed(self, seeded, db):
        batches = PublicityBatch.objects.filter(campaign__year=2024)
        assert batches.count() == 6 and not batches.filter(closed_at=None).exists()


class TestPublic:
    def test_public_list_and_api_show_names_but_no_id_numbers(self, seeded, client):
        id_numbers = [p.id_number for p in demo_people()]
        with replayed_clock(dt.datetime(2024, 10, 14, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
            page = client.get("/public/publicity/")
            api = client.get("/api/v1/public/publicity/")
        assert page.status_code == 200 and api.status_code == 200
        assert api.json()["count"] >= len([t for t in PLAN.values() if t not in (PENDING, S.RETURNED)]) - 1
        for body in (page.content.decode(), api.content.decode()):
            assert not [n for n in id_numbers if n in body or n[-6:] + n[:6] in body]


class TestRunningAgain:
    def test_a_second_seed_changes_nothing(self, seeded, db):
        def counts():
            return (sorted(Dossier.objects.values_list("pk", "state")), ReviewDecision.objects.count(),
                    PublicityBatch.objects.count(), Objection.objects.count(), AuditEvent.objects.count())

        before = counts()
        seed_demo()
        assert counts() == before


class TestNotices:
    def test_the_office_board_lists_the_demo_notices_with_their_pdfs(self, seeded, client):
        from zhicheng.demo.notices import NOTICES
        from zhicheng.noticeboard.models import Notice

        page = client.get("/notices/").content.decode()
        assert all(title in page for _w, _c, title, *_rest in NOTICES)
        notice = Notice.objects.get(title="职称申报评审系统申报人操作手册")
        attachment = notice.attachments.get()
        download = client.get(f"/notices/{notice.pk}/files/{attachment.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
