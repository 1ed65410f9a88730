"""The applicant's view of the history: what was decided, never a reviewer's unconfirmed proposal or its author.

The attack: a clerk writes an internal proposal with a reason; the applicant reads their own dossier's timeline
through the page and the API and must find neither the reason nor the clerk's name until a leader confirms.
"""

import json

import pytest

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.review.services.decisions import decision_cancel, decision_confirm, decision_propose

from .factories import at, submitted_dossier

pytestmark = pytest.mark.django_db
WHEN = "2024-10-12T10:00:00+08:00"
SECRET = "内部意见：论文疑似代写，暂缓"


@pytest.fixture
def proposed(tree, campaign):
    """A clerk's open not_accept proposal with an internal reason, and a withdrawn one before it."""
    dossier = submitted_dossier(tree["applicant"], campaign)
    with at(WHEN):
        first = decision_propose(dossier=dossier, action="not_accept", actor=tree["unit_leader"], reason="草稿意见甲")
        decision_cancel(decision=first, actor=tree["unit_leader"])
        decision = decision_propose(dossier=dossier, action="not_accept", actor=tree["unit_clerk"], reason=SECRET)
    return dossier, decision


def _api_timeline(client, user, dossier):
    client.logout()
    login_verified(client, user)
    response = client.get(f"/api/v1/review/dossiers/{dossier.pk}/timeline")
    assert response.status_code == 200
    return json.dumps(response.json(), ensure_ascii=False)


def _page_timeline(client, user, dossier):
    client.logout()
    login_verified(client, user)
    response = client.get(f"/review/dossiers/{dossier.pk}/timeline/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("read", [_api_timeline, _page_timeline], ids=["api", "page"])
def test_applicant_does_not_see_an_unconfirmed_proposal(client, tree, proposed, read):
    dossier, _ = proposed
    seen = read(client, tree["applicant"], dossier)
    clerk = tree["unit_clerk"].real_name
    assert SECRET not in seen and clerk not in seen and "草稿意见甲" not in seen and "提出审核意见" not in seen
    assert "创建申报材料" in seen  # the applicant still sees their own steps
    reviewer_view = read(client, tree["unit_leader"], dossier)
    assert SECRET in reviewer_view and clerk in reviewer_view  # the reviewers see everything


@pytest.mark.parametrize("read", [_api_timeline, _page_timeline], ids=["api", "page"])
def test_applicant_sees_the_decision_once_confirmed_but_not_the_proposer(client, tree, proposed, read):
    dossier, decision = proposed
    with at(WHEN):
        decision_confirm(decision=decision, actor=tree["unit_leader"])
    seen = read(client, tree["applicant"], dossier)
    assert "不予受理" in seen and SECRET in seen  # the confirmed reason is the decision's, given to the applicant
    assert tree["unit_clerk"].real_name not in seen and "草稿意见甲" not in seen
