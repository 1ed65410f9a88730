"""The unit review API: same permission checks as the pages; hidden dossiers and decisions are 404."""

import pytest

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.audit.testing import AUDITED_READ_QUERIES
from zhicheng.dossiers.models import Dossier
from zhicheng.review.models import ReviewDecision

from .factories import (
    at,
    dossier_in_state,
    recommendation_papers,
    return_items,
    returned_dossier,
    signed,
    submitted_dossier,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/review"
WHEN = "2024-10-12T10:00:00+08:00"


@pytest.fixture
def dossier(tree, campaign):
    return submitted_dossier(tree["applicant"], campaign)


def as_(client, user):
    client.logout()
    login_verified(client, user)
    return client


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def state_of(dossier):
    return Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)


def test_propose_then_confirm(client, tree, dossier):
    with at(WHEN):
        r = post(as_(client, tree["unit_clerk"]), f"{API}/dossiers/{dossier.pk}/decisions",
                 {"action": "return", "reason": "材料不全", "items": return_items(),
                  "answer_deadline": "2024-10-18T18:00:00+08:00"})
        assert r.status_code == 201, r.content
        decision_id = r.json()["id"]
        assert len(r.json()["data"]["items"]) == 3 and state_of(dossier) == "submitted"
        r = post(client, f"{API}/decisions/{decision_id}/confirm")
        assert r.status_code == 403 and state_of(dossier) == "submitted"  # a clerk cannot confirm
        r = post(as_(client, tree["unit_leader"]), f"{API}/decisions/{decision_id}/confirm")
        assert r.status_code == 200 and r.json()["state"] == "returned"
        # the dossier is now with the applicant: the unit's leaders hold nothing to confirm
        r = post(as_(client, tree["unit_leader2"]), f"{API}/decisions/{decision_id}/confirm")
        assert r.status_code in (403, 409) and state_of(dossier) == "returned"


def test_second_leader_confirming_a_pass_gets_409(client, tree, dossier):
    with at(WHEN):
        r = post(as_(client, tree["unit_clerk"]), f"{API}/dossiers/{dossier.pk}/decisions", {"action": "pass"})
        decision_id = r.json()["id"]
        assert post(as_(client, tree["unit_leader"]), f"{API}/decisions/{decision_id}/confirm").status_code == 200
        r = post(as_(client, tree["unit_leader2"]), f"{API}/decisions/{decision_id}/confirm")
    assert r.status_code == 409 and r.json()["code"] == "decision_stale"


def test_proposer_cannot_confirm_own(client, tree, dossier):
    with at(WHEN):
        r = post(as_(client, tree["unit_leader"]), f"{API}/dossiers/{dossier.pk}/decisions", {"action": "pass"})
        r = post(client, f"{API}/decisions/{r.json()['id']}/confirm")
    assert r.status_code == 403 and state_of(dossier) == "submitted"


def test_second_open_proposal_is_409(client, tree, dossier):
    with at(WHEN):
        post(as_(client, tree["unit_clerk"]), f"{API}/dossiers/{dossier.pk}/decisions", {"action": "pass"})
        r = post(client, f"{API}/dossiers/{dossier.pk}/decisions", {"action": "pass"})
    assert r.status_code == 409 and r.json()["code"] == "decision_pending"


@pytest.mark.parametrize("who", ["other_clerk", "other_leader"])
def test_another_units_reviewer_gets_404(client, tree, dossier, who):
    with at(WHEN):
        r = post(as_(client, tree["unit_clerk"]), f"{API}/dossiers/{dossier.pk}/decisions", {"action": "pass"})
        decision_id = r.json()["id"]
        as_(client, tree[who])
        for response in (
            post(client, f"{API}/dossiers/{dossier.pk}/decisions", {"action": "pass"}),
            post(client, f"{API}/decisions/{decision_id}/confirm"),
            post(client, f"{API}/decisions/{decision_id}/cancel", {"reason": "x"}),
            client.get(f"{API}/dossiers/{dossier.pk}/decisions"),
            client.get(f"{API}/dossiers/{dossier.pk}/returns"),
            post(client, f"{API}/dossiers/{dossier.pk}/answer"),
            client.get(f"{API}/dossiers/{dossier.pk}/recommendation"),
        ):
            assert response.status_code == 404, response.content
    assert ReviewDecision.objects.get().is_open


def test_anonymous_refused(client, dossier):
    with at(WHEN):
        assert post(client, f"{API}/dossiers/{dossier.pk}/decisions", {"action": "pass"}).status_code == 401
        assert client.get(f"{API}/dossiers/{dossier.pk}/returns").status_code == 401
    assert not ReviewDecision.objects.exists()


def test_applicant_sees_all_changes_and_answers(client, tree, campaign, no_eligibility_gate,
                                                django_assert_max_num_queries):
    dossier = returned_dossier(tree, campaign)
    with at("2024-10-13T10:00:00+08:00"):
        as_(client, tree["applicant"])
        with django_assert_max_num_queries(10):  # −2: session, user, device in one
            r = client.get(f"{API}/dossiers/{dossier.pk}/returns")
        assert r.status_code == 200
        returned = r.json()["items"]
        assert len(returned) == 1 and returned[0]["reason"] == "材料不完整"
        assert [i["message"] for i in returned[0]["items"]] == [i["message"] for i in return_items()]
        assert returned[0]["answer_deadline"].startswith("2024-10-1")
        decisions = client.get(f"{API}/dossiers/{dossier.pk}/decisions").json()["items"]
        assert [d["action"] for d in decisions] == ["return"]
        r = post(client, f"{API}/dossiers/{dossier.pk}/answer")
        assert r.status_code == 409 and r.json()["code"] == "pledge_required"  # the pledge must be signed again
        signed(dossier, tree["applicant"])
        r = post(client, f"{API}/dossiers/{dossier.pk}/answer")
        assert r.status_code == 200 and r.json()["state"] == "submitted"
        assert client.get(f"{API}/dossiers/{dossier.pk}/returns").json()["items"][0]["answered_at"]


def test_applicant_does_not_see_pending_proposals(client, tree, dossier):
    with at(WHEN):
        post(as_(client, tree["unit_clerk"]), f"{API}/dossiers/{dossier.pk}/decisions", {"action": "pass"})
        assert client.get(f"{API}/dossiers/{dossier.pk}/decisions").json()["count"] == 1
        assert as_(client, tree["applicant"]).get(f"{API}/dossiers/{dossier.pk}/decisions").json()["count"] == 0


def test_returns_list_query_count_does_not_grow(client, tree, campaign, django_assert_max_num_queries):
    dossier = returned_dossier(tree, campaign, items=return_items(20))
    as_(client, tree["unit_clerk"])
    with django_assert_max_num_queries(10 + AUDITED_READ_QUERIES):  # −2: session, user, device in one
        r = client.get(f"{API}/dossiers/{dossier.pk}/returns")
    assert len(r.json()["items"][0]["items"]) == 20


def test_recommend_through_the_api(client, tree, campaign):
    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    with at("2024-10-20T23:59:59+08:00"):
        recommendation_papers(dossier, tree["unit_clerk"])
        r = client.put(f"{API}/dossiers/{dossier.pk}/recommendation", {
            "discipline_opinion": "未发现问题", "conduct_statement": "合格", "senior_held": 1,
            "grassroots_senior_held": 0}, content_type="application/json")
        assert r.status_code == 401
        as_(client, tree["unit_clerk"])
        r = client.put(f"{API}/dossiers/{dossier.pk}/recommendation", {
            "discipline_opinion": "未发现问题", "conduct_statement": "合格", "senior_held": 1,
            "grassroots_senior_held": 0}, content_type="application/json")
        assert r.status_code == 200 and r.json()["conduct_file_kind"] == "pdf"  # the sealed file is kept
        r = post(client, f"{API}/dossiers/{dossier.pk}/decisions", {"action": "recommend"})
        assert r.status_code == 201, r.content
        r = post(as_(client, tree["unit_leader"]), f"{API}/decisions/{r.json()['id']}/confirm")
        assert r.json()["state"] == "recommended"
    with at("2024-11-01T00:00:00+08:00"):
        other = dossier_in_state(tree["other_applicant"], campaign, "publicity_done")
        recommendation_papers(other, tree["unit_clerk"])
        r = post(as_(client, tree["unit_clerk"]), f"{API}/dossiers/{other.pk}/decisions", {"action": "recommend"})
    assert r.status_code == 409 and r.json()["code"] == "handover_closed"


def test_decision_list_query_count_does_not_grow(client, tree, dossier, django_assert_max_num_queries):
    with at(WHEN):
        for _ in range(15):
            r = post(as_(client, tree["unit_clerk"]), f"{API}/dossiers/{dossier.pk}/decisions", {"action": "pass"})
            post(client, f"{API}/decisions/{r.json()['id']}/cancel", {"reason": "重来"})
        with django_assert_max_num_queries(10 + AUDITED_READ_QUERIES):  # −2: session, user, device in one
            r = client.get(f"{API}/dossiers/{dossier.pk}/decisions")
    assert r.json()["count"] == 15
