"""Recusal (回避): an applicant who is also a clerk or leader of their own unit never decides on their own dossier.

Each path is attacked the way an insider would try it — the service, the page, the API, the bulk action, the
eligibility override, publishing and deciding an objection — and each refusal carries its reason and is audited.
"""

import datetime as dt

import pytest

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import grant, login_verified
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import PermissionDenied
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.recusal import is_impartial
from zhicheng.review.models import ReviewDecision
from zhicheng.review.services.bulk import bulk_action_get, bulk_apply, bulk_preview
from zhicheng.review.services.decisions import decision_cancel, decision_confirm, decision_propose

from .factories import at, dossier_in_state, submitted_dossier

pytestmark = pytest.mark.django_db
WHEN = "2024-10-12T10:00:00+08:00"
API = "/api/v1/review"


@pytest.fixture
def own(tree, campaign):
    """The applicant's dossier; the applicant is also a clerk and a review leader of the unit."""
    grant(tree["applicant"], tree["unit"], Role.REVIEW_CLERK)
    grant(tree["applicant"], tree["unit"], Role.REVIEW_LEADER)
    return submitted_dossier(tree["applicant"], campaign)


def state_of(dossier):
    return Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)


def refusals(dossier, step):
    return AuditEvent.objects.filter(event_type="dossier.recusal_refused", object_id=str(dossier.pk),
                                     data__step=step)


def test_recused_applicant_cannot_propose_on_own_dossier(tree, own):
    with at(WHEN), pytest.raises(PermissionDenied) as refused:
        decision_propose(dossier=own, action="pass", actor=tree["applicant"], ip="10.0.0.9")
    assert refused.value.code == "recused" and "回避" in refused.value.message_zh
    assert not ReviewDecision.objects.exists() and state_of(own) == "submitted"
    event = refusals(own, "decision_propose").get()
    assert event.actor_id == tree["applicant"].pk and event.ip == "10.0.0.9" and "回避" in event.data["reason"]


def test_recused_applicant_cannot_confirm_a_clerks_proposal_on_own_dossier(tree, own):
    with at(WHEN):
        decision = decision_propose(dossier=own, action="pass", actor=tree["unit_clerk"])
        with pytest.raises(PermissionDenied):
            decision_confirm(decision=decision, actor=tree["applicant"])
        assert state_of(own) == "submitted" and refusals(own, "decision_confirm").count() == 1
        with pytest.raises(PermissionDenied):
            decision_cancel(decision=decision, actor=tree["applicant"], reason="不同意")
        decision.refresh_from_db()
        assert decision.is_open and refusals(own, "decision_cancel").count() == 1
        decision_confirm(decision=decision, actor=tree["unit_leader"])  # an impartial leader still may
    assert state_of(own) == "unit_passed"


def test_the_same_person_still_reviews_colleagues(tree, own, campaign):
    colleague = submitted_dossier(tree["other_applicant"], campaign)  # same unit, someone else's dossier
    with at(WHEN):
        decision = decision_propose(dossier=colleague, action="pass", actor=tree["applicant"])
    assert decision.is_open and is_impartial(tree["applicant"], colleague)


def test_page_refuses_with_the_reason_and_offers_no_form(client, tree, own):
    login_verified(client, tree["applicant"])
    with at(WHEN):
        page = client.get(f"/dossiers/{own.pk}/").content.decode()
        assert 'id="recusal"' in page and f"/review/dossiers/{own.pk}/decisions/" not in page
        response = client.post(f"/review/dossiers/{own.pk}/decisions/", {"action": "pass"}, follow=True)
    assert "回避" in response.content.decode() and not ReviewDecision.objects.exists()
    assert refusals(own, "decision_propose").count() == 1


def test_api_refuses_propose_and_confirm_with_403_and_reason(client, tree, own):
    login_verified(client, tree["applicant"])
    with at(WHEN):
        r = client.post(f"{API}/dossiers/{own.pk}/decisions", {"action": "pass"}, content_type="application/json")
        assert r.status_code == 403 and r.json()["code"] == "recused" and "回避" in r.json()["message"]
        decision = decision_propose(dossier=own, action="pass", actor=tree["unit_clerk"])
        r = client.post(f"{API}/decisions/{decision.pk}/confirm", {}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "recused" and state_of(own) == "submitted"
    assert refusals(own, "decision_propose").count() == 1 and refusals(own, "decision_confirm").count() == 1


def test_bulk_preview_and_apply_skip_own_dossier(tree, own):
    with at(WHEN):
        action = bulk_action_get("propose_pass")
        preview = bulk_preview(actor=tree["applicant"], dossiers=[own], action=action)
        assert not preview.lines[0].ok and preview.lines[0].code == "recused"
        assert refusals(own, "decision_propose").count() == 0  # a preview writes nothing
        result = bulk_apply(actor=tree["applicant"], dossiers=[own], action=action)
    assert result.skipped[0].code == "recused" and not ReviewDecision.objects.exists()
    assert refusals(own, "decision_propose").count() == 1


def test_declared_relation_plugs_in(tree, campaign, monkeypatch):
    """A later source (the committee's declared relatives) recuses through the same predicate."""
    from zhicheng.core.permissions import deny

    dossier = submitted_dossier(tree["applicant"], campaign)
    relative = tree["unit_clerk"]
    sources = [lambda actor, d: deny("亲属须回避", "Relatives recuse") if actor == relative else None]
    monkeypatch.setattr("zhicheng.dossiers.recusal.RELATION_SOURCES", sources)
    with at(WHEN), pytest.raises(PermissionDenied) as refused:
        decision_propose(dossier=dossier, action="pass", actor=relative)
    assert refused.value.message_zh == "亲属须回避" and refusals(dossier, "decision_propose").count() == 1
    with at(WHEN):
        assert decision_propose(dossier=dossier, action="pass", actor=tree["unit_leader"]).is_open  # not related


def test_publishing_own_dossier_is_skipped_and_audited(tree, campaign):
    from zhicheng.publicity.services.batches import publicity_publish

    grant(tree["applicant"], tree["unit"], Role.REVIEW_CLERK)
    with at(WHEN):
        own = dossier_in_state(tree["applicant"], campaign, "unit_passed")
        result = publicity_publish(actor=tree["applicant"], dossiers=[own], starts_on=dt.date(2024, 10, 14))
    assert not result.published and result.skipped[0].refusal.code == "recused"
    assert state_of(own) == "unit_passed" and refusals(own, "publicity_publish").count() == 1
