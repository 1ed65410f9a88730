"""The state-change history: one DossierStateChange per transition, with the person who made it, in every path
(the applicant's own steps, a decision confirmed singly or in bulk, publicity published, closed or stopped)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import member
from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import DossierState, DossierStateChange
from zhicheng.dossiers.services import dossier_submit
from zhicheng.publicity.models import PublicityEntry
from zhicheng.publicity.services import objection_decide, objection_file, publicity_close
from zhicheng.review.models import ReviewDecision
from zhicheng.review.services.bulk import BULK_ACTIONS, bulk_apply

from .factories import at, decided, dossier_in_state, signed
from .factories_chain import department_return, recommended_dossier, unit_resend

pytestmark = pytest.mark.django_db
S = DossierState


def history(dossier) -> list[tuple[str, str, int | None]]:
    return list(DossierStateChange.objects.filter(dossier=dossier).order_by("at", "id")
                .values_list("transition", "to_state", "actor_id"))


def test_submit_and_a_bulk_confirmed_pass_record_one_row_each_with_who(tree, campaign, no_eligibility_gate):
    draft = dossier_in_state(tree["applicant"], campaign, S.DRAFT)
    others = [dossier_in_state(member(tree["unit"], Role.APPLICANT), campaign, filled=False) for _ in range(2)]
    with at("2024-10-02T10:00:00+08:00"):
        signed(draft, tree["applicant"])
        dossier_submit(dossier=draft, actor=tree["applicant"])
    selection = [draft, *others]
    with at("2024-10-14T10:00:00+08:00"):
        bulk_apply(actor=tree["unit_clerk"], dossiers=selection, action=BULK_ACTIONS["propose_pass"])
        result = bulk_apply(actor=tree["unit_leader"], dossiers=selection, action=BULK_ACTIONS["confirm"])
    assert len(result.done) == 3
    assert history(draft) == [("submit", S.SUBMITTED, tree["applicant"].pk),
                              ("unit_pass", S.UNIT_PASSED, tree["unit_leader"].pk)]
    for dossier in others:
        [change] = DossierStateChange.objects.filter(dossier=dossier)
        assert (change.transition, change.actor, change.organisation) == (
            "unit_pass", tree["unit_leader"], tree["unit"])
        assert change.decision_id == ReviewDecision.objects.get(dossier=dossier).pk
        assert change.at == dt.datetime.fromisoformat("2024-10-14T10:00:00+08:00")


def test_a_refused_step_leaves_no_row(tree, campaign):
    dossier = dossier_in_state(tree["applicant"], campaign, S.DRAFT)
    with at("2024-10-02T10:00:00+08:00"), pytest.raises(ApplicationError) as exc:
        dossier_submit(dossier=dossier, actor=tree["applicant"])
    assert exc.value.code == "pledge_required"
    assert not DossierStateChange.objects.exists()


def test_publicity_publish_close_and_stop_are_recorded_with_the_unit_staff_who_acted(tree, campaign):
    kept, stopped = (dossier_in_state(a, campaign, S.UNIT_PASSED, filled=False)
                     for a in (tree["applicant"], tree["other_applicant"]))
    with at("2024-09-27T08:00:00+08:00"):
        bulk_apply(actor=tree["unit_clerk"], dossiers=[kept, stopped], action=BULK_ACTIONS["publish"],
                   params={"starts_on": "2024-09-27"})
    entry = PublicityEntry.objects.get(dossier=stopped)
    with at("2024-10-08T10:00:00+08:00"):
        objection, _code = objection_file(entry=entry, name="王五", contact="13700000000", text="业绩材料不实",
                                          ip="10.9.9.9")
        objection_decide(objection=objection, actor=tree["unit_leader"], outcome="upheld", note="论文不实")
    with at("2024-10-10T09:00:00+08:00"):
        publicity_close(actor=tree["unit_leader2"], batch=entry.batch)
    assert history(kept) == [("publicity_publish", S.IN_PUBLICITY, tree["unit_clerk"].pk),
                             ("publicity_close", S.PUBLICITY_DONE, tree["unit_leader2"].pk)]
    assert history(stopped) == [("publicity_publish", S.IN_PUBLICITY, tree["unit_clerk"].pk),
                                ("publicity_stop", S.NOT_RECOMMENDED, tree["unit_leader"].pk)]


def test_department_return_answer_and_pass_are_recorded_with_their_leaders(tree, campaign):
    dossier = recommended_dossier(tree, campaign, through_decision=True, when="2024-11-01T10:00:00+08:00")
    with at("2024-11-02T10:00:00+08:00"):
        department_return(tree, dossier)
    with at("2024-11-05T10:00:00+08:00"):
        unit_resend(tree, dossier)
    with at("2024-11-06T10:00:00+08:00"):
        decided(dossier, "pass", clerk=tree["department_clerk"], leader=tree["department_leader"])
    rows = list(DossierStateChange.objects.filter(dossier=dossier).order_by("at", "id"))
    assert [(r.transition, r.actor, r.organisation) for r in rows] == [
        ("unit_recommend", tree["unit_leader"], tree["unit"]),
        ("department_return", tree["department_leader"], tree["department"]),
        ("unit_resend", tree["unit_leader"], tree["unit"]),
        ("department_pass", tree["department_leader"], tree["department"]),
    ]
    assert rows[1].reason == "请补正材料" and rows[1].decision_id == ReviewDecision.objects.get(action="return").pk


def test_the_migration_backfills_from_the_audit_log_without_touching_it(tree, campaign):
    """Transition events become rows (oldest first, the event's actor and time); other events are ignored."""
    dossier = dossier_in_state(tree["applicant"], campaign, S.UNIT_PASSED, filled=False)
    with at("2024-10-02T10:00:00+08:00"):
        audit_event_record(event_type=EventType.DOSSIER_SUBMITTED, actor=tree["applicant"], obj=dossier,
                           organisation=dossier.organisation, data={"from": "draft", "to": "submitted", "version": 1})
    with at("2024-10-03T10:00:00+08:00"):
        audit_event_record(event_type=EventType.DOSSIER_ROUTE_CHANGED, actor=tree["office_staff"], obj=dossier,
                           data={"from": "self", "to": "entrusted"})  # from/to, but not a state
        audit_event_record(event_type=EventType.REVIEW_UNIT_PASSED, actor=tree["unit_leader"], obj=dossier,
                           organisation=dossier.organisation,
                           data={"from": "submitted", "to": "unit_passed", "decision": 7, "reason": " 符合 "})
    chain = list(AuditEvent.objects.order_by("seq").values_list("seq", "hash"))
    migration = importlib.import_module("zhicheng.dossiers.migrations.0005_state_changes_from_audit")
    migration.backfill(apps, None)
    rows = list(DossierStateChange.objects.filter(dossier=dossier).order_by("at", "id"))
    assert [(r.transition, r.actor, r.organisation, r.reason, r.decision_id) for r in rows] == [
        ("submit", tree["applicant"], tree["unit"], "", None),
        ("unit_pass", tree["unit_leader"], tree["unit"], "符合", 7),
    ]
    assert rows[0].at == dt.datetime.fromisoformat("2024-10-02T10:00:00+08:00")
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "hash")) == chain
