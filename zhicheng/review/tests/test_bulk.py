"""Bulk actions: the preview says what will happen and writes nothing; applying is one transaction per dossier."""

import pytest
from django.urls import reverse

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import login_verified, member
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.eligibility.models import EligibilityCheck
from zhicheng.review.models import ReviewDecision
from zhicheng.review.services.bulk import BULK_ACTIONS, BulkAction, bulk_apply, bulk_preview
from zhicheng.review.services.decisions import decision_propose

from .factories import at, dossier_in_state

pytestmark = pytest.mark.django_db

S = DossierState
WHEN = "2024-10-14T10:00:00+08:00"


def make(tree, campaign, state=S.SUBMITTED, org_key="unit"):
    return dossier_in_state(member(tree[org_key], Role.APPLICANT), campaign, state, filled=False)


@pytest.fixture
def selection(tree, campaign):
    """Three submitted dossiers of the unit and a bad one: a decision already waits on it."""
    good = [make(tree, campaign) for _ in range(3)]
    bad = make(tree, campaign)
    with at(WHEN):
        decision_propose(dossier=bad, action="not_accept", actor=tree["unit_clerk"], reason="不符合条件")
    return good, bad


def written() -> tuple[int, int, int]:
    return ReviewDecision.objects.count(), AuditEvent.objects.count(), EligibilityCheck.objects.count()


def test_preview_shows_each_outcome_and_writes_nothing(tree, selection):
    good, bad = selection
    before = written()
    with at(WHEN):
        result = bulk_preview(actor=tree["unit_clerk"], dossiers=[*good, bad], action=BULK_ACTIONS["propose_pass"])
    assert written() == before
    assert [line.ok for line in result.lines] == [True, True, True, False]
    assert "已提交 → 单位审核通过" in result.lines[0].message
    assert result.lines[3].code == "decision_pending" and "待确认" in result.lines[3].message
    assert all(Dossier.objects.get(pk=d.pk).state == S.SUBMITTED for d in good)


def test_apply_with_one_bad_dossier_processes_the_others(tree, selection):
    good, bad = selection
    with at(WHEN):
        result = bulk_apply(actor=tree["unit_clerk"], dossiers=[good[0], bad, *good[1:]],
                            action=BULK_ACTIONS["propose_pass"])
    assert [line.dossier.pk for line in result.done] == [good[0].pk, good[1].pk, good[2].pk]
    assert [line.dossier.pk for line in result.skipped] == [bad.pk]
    assert ReviewDecision.objects.filter(action="pass", dossier__in=good).count() == 3
    assert ReviewDecision.objects.get(dossier=bad).action == "not_accept"


def test_a_failure_after_writing_undoes_only_that_dossier(tree, selection):
    good, _bad = selection
    propose = BULK_ACTIONS["propose_pass"].run

    def run(*, dossier, actor, params, ip):
        propose(dossier=dossier, actor=actor, params=params, ip=ip)
        if dossier.pk == good[1].pk:
            raise ApplicationError("boom", "处理失败", "failed", status=409)

    action = BulkAction("test", "test", run, lambda d, p: "ok")
    with at(WHEN):
        result = bulk_apply(actor=tree["unit_clerk"], dossiers=good, action=action)
    assert [line.ok for line in result.lines] == [True, False, True]
    assert set(ReviewDecision.objects.filter(action="pass").values_list("dossier_id", flat=True)) == {
        good[0].pk, good[2].pk}


def test_leader_confirms_pending_decisions_in_bulk(tree, campaign, selection):
    good, bad = selection
    with at(WHEN):
        for dossier in good[:2]:
            decision_propose(dossier=dossier, action="pass", actor=tree["unit_clerk"])
        decision_propose(dossier=good[2], action="pass", actor=tree["unit_leader"])  # the leader's own proposal
        preview = bulk_preview(actor=tree["unit_leader"], dossiers=[*good, bad], action=BULK_ACTIONS["confirm"])
        assert [line.ok for line in preview.lines] == [True, True, False, True]
        assert preview.lines[0].message == "确认“审核通过”意见：已提交 → 单位审核通过"
        result = bulk_apply(actor=tree["unit_leader"], dossiers=[*good, bad], action=BULK_ACTIONS["confirm"])
    states = {d.pk: d.state for d in Dossier.objects.filter(pk__in=[*(g.pk for g in good), bad.pk])}
    assert states == {good[0].pk: S.UNIT_PASSED, good[1].pk: S.UNIT_PASSED, good[2].pk: S.SUBMITTED,
                      bad.pk: S.NOT_ACCEPTED}
    assert len(result.done) == 3 and result.skipped[0].dossier.pk == good[2].pk


def test_department_bulk_pass(tree, campaign):
    dossiers = [make(tree, campaign, S.RECOMMENDED) for _ in range(2)]
    with at("2024-11-05T10:00:00+08:00"):
        result = bulk_apply(actor=tree["department_clerk"], dossiers=dossiers, action=BULK_ACTIONS["propose_pass"])
    assert len(result.done) == 2
    assert set(ReviewDecision.objects.values_list("level", flat=True)) == {"department"}


def test_empty_and_oversized_selections_refused(tree):
    with pytest.raises(ApplicationError):
        bulk_preview(actor=tree["unit_clerk"], dossiers=[], action=BULK_ACTIONS["propose_pass"])


def test_bulk_pages_preview_then_apply(client, tree, selection):
    good, bad = selection
    login_verified(client, tree["unit_clerk"])
    data = {"organisation": tree["unit"].pk, "action": "propose_pass", "ids": [*(d.pk for d in good), bad.pk]}
    with at(WHEN):
        preview = client.post(reverse("review:bulk"), data)
    page = preview.content.decode()
    assert preview.status_code == 200 and "将处理 3 份，跳过 1 份" in page and "将跳过" in page
    assert not ReviewDecision.objects.filter(action="pass").exists()
    with at(WHEN):
        applied = client.post(reverse("review:bulk"), {**data, "apply": "1"})
    assert "已完成 3 份，未完成 1 份" in applied.content.decode()
    assert ReviewDecision.objects.filter(action="pass").count() == 3


def test_bulk_api_preview_and_apply(client, tree, selection):
    good, bad = selection
    login_verified(client, tree["unit_clerk"])
    payload = {"organisation": tree["unit"].pk, "action": "propose_pass", "ids": [good[0].pk, bad.pk, 999999]}
    with at(WHEN):
        body = client.post("/api/v1/review/bulk/preview", payload, content_type="application/json").json()
    assert [(line["dossier_id"], line["ok"]) for line in body["lines"]] == [(good[0].pk, True), (bad.pk, False)]
    assert body["missing"] == [999999] and body["applied"] is False
    with at(WHEN):
        body = client.post("/api/v1/review/bulk/apply", payload, content_type="application/json").json()
    assert body["applied"] and [line["ok"] for line in body["lines"]] == [True, False]


def test_bulk_on_another_units_dossiers_finds_nothing(client, tree, selection):
    good, _bad = selection
    login_verified(client, tree["other_clerk"])
    payload = {"action": "propose_pass", "ids": [good[0].pk]}
    body = client.post("/api/v1/review/bulk/preview", payload, content_type="application/json")
    assert body.status_code == 400 and body.json()["code"] == "bulk_empty"
    payload["organisation"] = tree["unit"].pk
    assert client.post("/api/v1/review/bulk/apply", payload, content_type="application/json").status_code == 404
    assert client.post(reverse("review:bulk"), payload).status_code == 404


def test_applicant_and_anonymous_cannot_bulk(client, tree, selection):
    payload = {"action": "propose_pass", "ids": [selection[0][0].pk]}
    assert client.post("/api/v1/review/bulk/apply", payload, content_type="application/json").status_code == 401
    client.force_login(tree["applicant"])
    assert client.post("/api/v1/review/bulk/apply", payload, content_type="application/json").status_code == 403
    assert client.post(reverse("review:bulk"), payload).status_code == 403


@pytest.mark.skipif("publish" not in BULK_ACTIONS, reason="the publicity app is not installed")
def test_publish_batch_preview_and_apply(tree, campaign):
    ready = [make(tree, campaign, S.UNIT_PASSED) for _ in range(2)]
    not_ready = make(tree, campaign, S.SUBMITTED)
    params = {"starts_on": "2024-10-15"}
    with at(WHEN):
        preview = bulk_preview(actor=tree["unit_clerk"], dossiers=[*ready, not_ready], action=BULK_ACTIONS["publish"],
                               params=params)
        assert [line.ok for line in preview.lines] == [True, True, False]
        assert not Dossier.objects.filter(state=S.IN_PUBLICITY).exists()
        result = bulk_apply(actor=tree["unit_clerk"], dossiers=[*ready, not_ready], action=BULK_ACTIONS["publish"],
                            params=params)
    assert [line.ok for line in result.lines] == [True, True, False]
    assert set(Dossier.objects.filter(state=S.IN_PUBLICITY).values_list("pk", flat=True)) == {d.pk for d in ready}
