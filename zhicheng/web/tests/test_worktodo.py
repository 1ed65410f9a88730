"""Work to do on the dashboards: counts that link to the filtered queue, and phases done only when nothing is left."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import login_verified, member
from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.dossiers.models import DossierState
from zhicheng.review.selectors import QueueFilters, queue_for
from zhicheng.review.services.decisions import decision_propose
from zhicheng.review.tests.factories import at, campaign_2024, dossier_in_state, review_people
from zhicheng.web.worktodo import campaign_phases

pytestmark = pytest.mark.django_db
S = DossierState
DURING_UNIT_REVIEW = "2024-10-15T09:00:00+08:00"


@pytest.fixture
def tree(db):
    return review_people()


@pytest.fixture
def campaign(db):
    return campaign_2024()


def _dossier(tree, campaign, state, org="unit"):
    return dossier_in_state(member(tree[org], Role.APPLICANT), campaign, state, filled=False,
                            submitted_at="2024-10-12T10:00:00+08:00")


@pytest.fixture
def work(tree, campaign):
    """The unit holds: two to act on, one proposal waiting for its leader, one returned to its applicant."""
    todo = [_dossier(tree, campaign, S.SUBMITTED), _dossier(tree, campaign, S.PUBLICITY_DONE)]
    proposed = _dossier(tree, campaign, S.SUBMITTED)
    with at("2024-10-13T10:00:00+08:00"):
        decision_propose(dossier=proposed, action="pass", actor=tree["unit_clerk"], reason="")
    returned = _dossier(tree, campaign, S.RETURNED)
    _dossier(tree, campaign, S.SUBMITTED, "other_unit")  # another unit's: never counted here
    return {"todo": todo, "proposed": proposed, "returned": returned}


def _counts(html: str) -> dict[str, tuple[int, str]]:
    """label -> (count, link) of each work count on the page."""
    found = re.findall(r'<a class="work-count[^"]*" href="([^"]+)"><span class="n">(\d+)</span>([^<]+)</a>', html)
    return {label: (int(n), href.replace("&amp;", "&")) for href, n, label in found}


def _dashboard(user) -> str:
    client = Client()
    login_verified(client, user)
    with at(DURING_UNIT_REVIEW):
        return client.get(reverse("web:dashboard")).content.decode()


def test_the_clerk_sees_what_waits_and_each_count_opens_the_queue_showing_exactly_those(tree, work):
    counts = _counts(_dashboard(tree["unit_clerk"]))
    assert counts["待本机构办理"][0] == 2
    assert counts["待领导确认"][0] == 1
    assert counts["退回待申报人答复"][0] == 1
    assert counts["已超期"][0] == 0 and counts["异议待处理"][0] == 0
    client = Client()
    login_verified(client, tree["unit_clerk"])
    expected = {"待本机构办理": {d.applicant.real_name for d in work["todo"]},
                "待领导确认": {work["proposed"].applicant.real_name},
                "退回待申报人答复": {work["returned"].applicant.real_name}}
    for label, names in expected.items():
        with at(DURING_UNIT_REVIEW):
            html = client.get(counts[label][1]).content.decode()
        listed = set(re.findall(r'<a href="/dossiers/\d+/">([^<]+)</a>', html))
        assert listed == names, label


def test_the_leader_is_told_what_waits_for_their_confirmation(tree, work):
    counts = _counts(_dashboard(tree["unit_leader"]))
    assert counts["待我确认"][0] == 1 and "待领导确认" not in counts


def test_the_queue_filters_by_pending_and_by_the_organisations_move(tree, work):
    unit = tree["unit"]
    assert {d.pk for d in queue_for(unit, QueueFilters(pending=True))} == {work["proposed"].pk}
    assert {d.pk for d in queue_for(unit, QueueFilters(pending=False))} == {
        *(d.pk for d in work["todo"]), work["returned"].pk}
    assert {d.pk for d in queue_for(unit, QueueFilters(todo=True))} == {d.pk for d in work["todo"]}


def test_the_api_queue_filters_the_same_way(tree, work):
    client = Client()
    login_verified(client, tree["unit_clerk"])
    with at(DURING_UNIT_REVIEW):
        pending = client.get("/api/v1/review/queue", {"pending": "true"}).json()
        todo = client.get("/api/v1/review/queue", {"todo": "true"}).json()
    assert [row["id"] for row in pending["items"]] == [work["proposed"].pk]
    assert {row["id"] for row in todo["items"]} == {d.pk for d in work["todo"]}


def test_the_dashboard_counts_in_a_bounded_number_of_queries(tree, work, django_assert_max_num_queries):
    client = Client()
    login_verified(client, tree["unit_clerk"])
    with at(DURING_UNIT_REVIEW), django_assert_max_num_queries(38):  # −2: session, user, device in one
        assert client.get(reverse("web:dashboard")).status_code == 200


class TestPhases:
    def _phase(self, campaign, label, when):
        with at(when):
            return next(p for p in campaign_phases(campaign, dt.datetime.fromisoformat(when)) if p.label == label)

    def test_a_past_phase_with_dossiers_still_in_it_is_late_not_done(self, tree, campaign):
        _dossier(tree, campaign, S.SUBMITTED)
        phase = self._phase(campaign, "单位审核推荐", "2024-11-05T10:00:00+08:00")
        assert (phase.state, phase.left, phase.state_label) == ("late", 1, "期限已过，未办结")

    def test_a_past_phase_with_nothing_left_is_done(self, tree, campaign):
        _dossier(tree, campaign, S.RECOMMENDED)
        phase = self._phase(campaign, "单位审核推荐", "2024-11-05T10:00:00+08:00")
        assert (phase.state, phase.left) == ("done", 0)

    def test_the_running_phase_is_current_even_with_work_left(self, tree, campaign):
        _dossier(tree, campaign, S.SUBMITTED)
        assert self._phase(campaign, "单位审核推荐", DURING_UNIT_REVIEW).state == "current"
        assert self._phase(campaign, "答辩与评审会议", DURING_UNIT_REVIEW).state == "upcoming"

    def test_the_office_dashboard_marks_the_current_phase(self, tree, campaign):
        html = _dashboard(tree["office_staff"])
        current = re.findall(
            r'<li class="phase phase-current" aria-current="step">\s*<span class="phase-label">([^<]+)', html)
        assert current == ["单位审核推荐"]

    def test_the_office_is_told_when_every_phase_is_past_but_the_campaign_still_runs(self, tree, campaign):
        for when, shown in (("2024-12-31T23:00:00+08:00", False), ("2025-01-01T00:00:00+08:00", True)):
            client = Client()
            with at(when):
                login_verified(client, tree["office_staff"])
                html = client.get(reverse("web:dashboard")).content.decode()
            assert ("各环节期限均已过" in html) is shown, when
