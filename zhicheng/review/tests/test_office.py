"""Office review: qualification check, route confirmation (audited), accept for evaluation or reject."""

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.review.services.decisions import decision_confirm, decision_propose

from .factories import at, decided
from .factories_chain import dept_passed_dossier

pytestmark = pytest.mark.django_db

S = DossierState
DEC = "2024-11-20T10:00:00+08:00"


@pytest.fixture
def dossier(tree, campaign):
    return dept_passed_dossier(tree, campaign)


@pytest.fixture(autouse=True)
def qualified(request):
    """The factory's dossier lacks evidence files (blocking findings): most tests here are about the route."""
    if request.node.name.startswith("test_blocking_findings"):
        yield
        return
    from zhicheng.dossiers.guards import guard_overridden

    with guard_overridden("eligibility_clear"):
        yield


def test_office_accepts_and_keeps_the_route(tree, dossier):
    assert dossier.route == "self"
    with at(DEC):
        decided(dossier, "pass", clerk=tree["office_staff"], leader=tree["office_leader"])
    dossier.refresh_from_db()
    assert dossier.state == S.OFFICE_ACCEPTED and dossier.route == "self"
    decision = dossier.review_decisions.get()
    assert decision.data["route"] == "self" and decision.level == "office"
    assert not AuditEvent.objects.filter(event_type="dossier.route_changed").exists()


def test_office_confirms_a_different_route_and_records_it(tree, dossier):
    with at(DEC):
        decided(dossier, "pass", clerk=tree["office_staff"], leader=tree["office_leader"],
                data={"route": "entrusted"})
    dossier.refresh_from_db()
    assert dossier.route == "entrusted"
    event = AuditEvent.objects.get(event_type="dossier.route_changed", object_id=str(dossier.pk))
    assert event.data["from"] == "self" and event.data["to"] == "entrusted"
    assert event.actor_id == tree["office_leader"].pk


def test_unknown_route_refused(tree, dossier):
    with at(DEC), pytest.raises(ApplicationError) as exc:
        decision_propose(dossier=dossier, action="pass", actor=tree["office_staff"], data={"route": "moon"})
    assert exc.value.code == "route_invalid"


def test_office_rejects_with_a_reason(tree, dossier):
    with at(DEC):
        decided(dossier, "reject", clerk=tree["office_staff"], leader=tree["office_leader"], reason="资格不符")
    assert Dossier.objects.get(pk=dossier.pk).state == S.OFFICE_REJECTED


def test_blocking_findings_refuse_acceptance_until_set_aside(tree, dossier):
    from zhicheng.eligibility.models import EligibilityCheck

    check = EligibilityCheck.objects.filter(dossier=dossier).first()
    assert check is not None and check.blocking_count > 0  # the factory's dossier has no evidence files
    with at(DEC), pytest.raises(ApplicationError) as exc:
        decision_propose(dossier=dossier, action="pass", actor=tree["office_staff"])
    from zhicheng.eligibility.rules import REGISTRY

    name = REGISTRY[check.blocking[0]["rule"]].title_zh  # named as the checklist names it
    assert exc.value.code == "qualification_blocked" and name in exc.value.message_zh
    with at(DEC):  # rejecting stays possible
        decision_propose(dossier=dossier, action="reject", actor=tree["office_staff"], reason="资格不符")


@pytest.mark.parametrize("who", ["department_clerk", "unit_clerk", "other_clerk", "applicant"])
def test_only_the_office_decides(tree, dossier, who):
    with at(DEC), pytest.raises(PermissionDenied):
        decision_propose(dossier=dossier, action="pass", actor=tree[who])


def test_department_leader_cannot_confirm_for_the_office(tree, dossier):
    with at(DEC):
        decision = decision_propose(dossier=dossier, action="pass", actor=tree["office_staff"])
        with pytest.raises(PermissionDenied):
            decision_confirm(decision=decision, actor=tree["department_clerk"])


def test_office_cannot_return(tree, dossier):
    with at(DEC), pytest.raises(ApplicationError) as exc:
        decision_propose(dossier=dossier, action="return", actor=tree["office_staff"], reason="补材料",
                         data={"items": [{"section": "", "message": "x"}]})
    assert exc.value.code == "decision_not_allowed"


def test_office_route_through_the_api_and_the_page(client, tree, dossier):
    from django.urls import reverse

    from zhicheng.accounts.tests.factories import login_verified

    login_verified(client, tree["office_staff"])
    with at(DEC):
        page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
        assert 'name="route"' in page
        response = client.post(f"/api/v1/review/dossiers/{dossier.pk}/decisions",
                               {"action": "pass", "route": "entrusted"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["data"]["route"] == "entrusted"
    login_verified(client, tree["office_leader"])
    with at(DEC):
        confirmed = client.post(f"/api/v1/review/decisions/{response.json()['id']}/confirm")
    assert confirmed.status_code == 200
    dossier.refresh_from_db()
    assert dossier.state == S.OFFICE_ACCEPTED and dossier.route == "entrusted"


def test_other_offices_and_departments_get_404_on_the_api(client, tree, dossier):
    from zhicheng.accounts.tests.factories import login_verified

    login_verified(client, tree["other_clerk"])
    response = client.post(f"/api/v1/review/dossiers/{dossier.pk}/decisions", {"action": "pass"},
                           content_type="application/json")
    assert response.status_code == 404


def test_the_holder_and_since_when_are_kept_by_each_transition(tree, dossier):
    """Queues read Dossier.held_by/held_since: the department's pass hands it to the office at that instant."""
    from zhicheng.dossiers.holders import title_office_of

    assert dossier.held_by == title_office_of(dossier.organisation)
    assert dossier.held_since == dossier.state_changed_at
    with at(DEC):
        decided(dossier, "reject", clerk=tree["office_staff"], leader=tree["office_leader"], reason="不符合条件")
    dossier.refresh_from_db()
    assert dossier.state == S.OFFICE_REJECTED and dossier.held_by is None
