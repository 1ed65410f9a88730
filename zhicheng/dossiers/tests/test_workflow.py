"""The workflow table: each transition allowed and denied, its guards by name, its history row, the one writer."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.core.permissions import deny
from zhicheng.dossiers import guards, workflow
from zhicheng.dossiers.checks import workflow_guards_registered
from zhicheng.dossiers.models import Dossier, DossierState, DossierStateChange
from zhicheng.dossiers.services import dossier_submit

from .factories import at, signed

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_table_has_the_states_of_this_issue():
    assert set(workflow.TRANSITIONS) >= {
        (DossierState.DRAFT, DossierState.SUBMITTED), (DossierState.SUBMITTED, DossierState.WITHDRAWN)
    }


class TestDossierTransition:
    def test_allowed_transition_sets_state_records_the_event_and_the_change(self, dossier, applicant):
        signed(dossier, applicant)
        result = dossier_submit(dossier=dossier, actor=applicant, ip="10.1.2.3")
        assert result.state == "submitted" and Dossier.objects.get(pk=dossier.pk).state == "submitted"
        event = AuditEvent.objects.get(event_type="dossier.submitted")
        assert event.data["from"] == "draft" and event.data["to"] == "submitted"
        assert event.organisation_id == dossier.organisation_id
        change = DossierStateChange.objects.get(dossier=dossier)
        assert (change.from_state, change.to_state, change.transition) == ("draft", "submitted", "submit")
        assert change.actor == applicant and change.organisation_id == dossier.organisation_id
        assert change.at == result.state_changed_at and change.decision_id is None

    def test_unknown_pair_is_409(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            workflow.dossier_transition(dossier=dossier, to="withdrawn", actor=applicant)
        assert exc.value.status == 409 and exc.value.message_zh.startswith("当前状态")
        assert Dossier.objects.get(pk=dossier.pk).state == "draft"
        assert not DossierStateChange.objects.exists()

    def test_unknown_state_is_409(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            workflow.dossier_transition(dossier=dossier, to="approved", actor=applicant)
        assert exc.value.status == 409

    def test_who_is_checked(self, dossier, tree):
        with pytest.raises(PermissionDenied):
            workflow.dossier_transition(dossier=dossier, to="submitted", actor=tree["unit_clerk"])
        assert not AuditEvent.objects.filter(event_type="dossier.submitted").exists()

    def test_window_guard_uses_the_server_clock(self, dossier, applicant):
        signed(dossier, applicant)
        with at("2024-10-11T00:00:00+08:00"), pytest.raises(ApplicationError) as exc:
            dossier_submit(dossier=dossier, actor=applicant)
        assert exc.value.code == "submission_closed" and exc.value.details["guard"] == "window_open"
        assert not dossier.versions.exists() and not DossierStateChange.objects.exists()  # nothing half-saved

    def test_submitting_without_a_frozen_version_is_refused(self, dossier, applicant):
        """Only dossier_submit, which freezes the version with its pledge, submits: a bare transition cannot."""
        with pytest.raises(ApplicationError) as exc:
            workflow.dossier_transition(dossier=dossier, to="submitted", actor=applicant)
        assert exc.value.code == "pledge_required"

    def test_withdraw_guard_needs_a_reason(self, dossier, applicant):
        signed(dossier, applicant)
        dossier_submit(dossier=dossier, actor=applicant)
        with pytest.raises(ApplicationError) as exc:
            workflow.dossier_transition(dossier=dossier, to="draft", actor=applicant, data={"reason": " "})
        assert exc.value.code == "reason_required" and exc.value.status == 400
        result = workflow.dossier_transition(dossier=dossier, to="draft", actor=applicant, data={"reason": "x"})
        assert result.state == "draft"
        assert list(DossierStateChange.objects.filter(dossier=dossier).values_list("transition", "reason")) == [
            ("submit", ""), ("withdraw_to_draft", "x")]


class TestGuardRegistry:
    def test_every_guard_a_row_names_is_registered(self):
        named = {name for t in workflow.TRANSITIONS.values() for name in t.guards}
        assert guards.guards_missing(named) == []
        assert workflow_guards_registered() == []

    def test_a_row_naming_an_unregistered_guard_fails_the_start_up_check_and_refuses(self, dossier, applicant):
        row = workflow.TRANSITIONS[("draft", "submitted")]
        bad = workflow.Transition(row.name, row.who, ("no_such_guard",), row.event)
        original = dict(workflow.TRANSITIONS)
        workflow.TRANSITIONS[("draft", "submitted")] = bad
        try:
            assert [e.id for e in workflow_guards_registered()] == ["dossiers.E001"]
            with pytest.raises(ApplicationError) as exc:
                workflow.dossier_transition(dossier=dossier, to="submitted", actor=applicant)
            assert exc.value.code == "guard_missing" and exc.value.status == 500
        finally:
            workflow.TRANSITIONS.clear()
            workflow.TRANSITIONS.update(original)
        assert Dossier.objects.get(pk=dossier.pk).state == "draft"

    def test_a_second_guard_under_a_taken_name_is_an_error(self):
        with pytest.raises(ValueError):
            guards.guard_register("window_open")(lambda ctx: deny("x", "x"))

    def test_an_overridden_guard_answers_and_is_restored(self, dossier, applicant):
        signed(dossier, applicant)
        refusal = guards.refuse("closed_for_test", "测试关闭", "Closed for the test")
        with guards.guard_overridden("window_open", refusal), pytest.raises(ApplicationError) as exc:
            dossier_submit(dossier=dossier, actor=applicant)
        assert exc.value.code == "closed_for_test"
        assert guards.GUARDS["window_open"] is guards.window_open
        assert dossier_submit(dossier=dossier, actor=applicant).state == "submitted"

    def test_transition_allowed_answers_without_moving(self, dossier, applicant):
        assert not workflow.transition_allowed(dossier=dossier, to="submitted", actor=applicant)  # no version yet
        assert not workflow.transition_allowed(dossier=dossier, to="recommended")  # no such row
        assert Dossier.objects.get(pk=dossier.pk).state == "draft"


# -- only dossier_transition writes Dossier.state, anywhere in the tree --------------------------------------


def _names_state(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "state"


def _receiver(node: ast.AST) -> str:
    """What a write acts on: `declaration` in `declaration.state = …` or `declaration.save(…)`."""
    value = getattr(node, "value", None)
    return ast.unparse(value) if value is not None else ""


def _call_writes_state(node: ast.Call) -> bool:
    func = getattr(node.func, "attr", getattr(node.func, "id", ""))
    keywords = {k.arg: k.value for k in node.keywords}
    if func in ("update", "update_or_create", "bulk_update") and "state" in keywords:
        return True
    defaults = [keywords.get(k) for k in ("defaults", "create_defaults")]
    if any(isinstance(d, ast.Dict) and any(_names_state(key) for key in d.keys) for d in defaults):
        return True
    if "update_fields" in keywords and any(_names_state(n) for n in ast.walk(keywords["update_fields"])):
        return True
    if func == "setattr" and len(node.args) > 1 and _names_state(node.args[1]):
        return True
    fields = keywords.get("fields") or (node.args[1] if len(node.args) > 1 else None)
    return func == "bulk_update" and fields is not None and any(_names_state(n) for n in ast.walk(fields))


def _state_writes(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, receiver) of each assignment to `.state`, `state=` given to update()/update_or_create(), `state`
    in update_fields, bulk_update's fields or an update_or_create's defaults, and setattr(obj, "state", …)."""
    writes = []
    for node in ast.walk(tree):
        targets = getattr(node, "targets", None) or ([node.target] if isinstance(node, (ast.AugAssign,
                                                                                         ast.AnnAssign)) else [])
        writes += [(node.lineno, _receiver(t)) for t in targets if isinstance(t, ast.Attribute) and t.attr == "state"]
        if isinstance(node, ast.Call) and _call_writes_state(node):
            writes.append((node.lineno, _receiver(node.func) if isinstance(node.func, ast.Attribute) else ""))
    return writes


# Other models with a `state` of their own, written by their own services: (module, the variable that holds them)
OTHER_STATES = {("zhicheng/eligibility/services.py", "declaration")}  # ExemptionDeclaration.state


def test_the_state_write_finder_sees_every_spelling():
    source = '''
d.state = "x"
Dossier.objects.filter(pk=1).update(state="x")
d.save(update_fields=["state", "updated_at"])
Dossier.objects.bulk_update(rows, ["state"])
Dossier.objects.update_or_create(pk=1, defaults={"state": "x"})
setattr(d, "state", "x")
'''
    assert [line for line, _ in _state_writes(ast.parse(source))] == [2, 3, 4, 5, 6, 7]
    harmless = "if d.state == 'x':\n    y = d.state\nd.refresh_from_db(fields=['state'])\nIndex(fields=['state'])\n"
    assert _state_writes(ast.parse(harmless)) == []


def test_dossier_transition_is_the_only_writer_of_state():
    """No module under zhicheng/ but workflow.py writes a dossier's state (tests and migrations set rows up
    directly, so they are skipped; other models' own `state` fields are listed in OTHER_STATES)."""
    offenders = {}
    for path in sorted((ROOT / "zhicheng").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if {"tests", "migrations"} & set(path.parts) or relative == "zhicheng/dossiers/workflow.py":
            continue
        lines = [line for line, receiver in _state_writes(ast.parse(path.read_text(encoding="utf-8")))
                 if (relative, receiver) not in OTHER_STATES]
        if lines:
            offenders[relative] = lines
    assert offenders == {}


# -- docs/workflow.md is the table ---------------------------------------------------------------------------


def _doc() -> str:
    return (ROOT / "docs" / "workflow.md").read_text(encoding="utf-8")


def test_the_state_diagram_in_the_docs_is_the_table():
    """docs/workflow.md draws every row of TRANSITIONS and nothing else."""
    drawn = set(re.findall(r"^\s+(\w+) --> (\w+):", _doc(), flags=re.MULTILINE))
    assert drawn == {(str(a), str(b)) for a, b in workflow.TRANSITIONS}


def test_the_docs_name_each_rows_guards_and_explain_each_guard():
    """The table in docs/workflow.md gives each row's name and guards, in order; every guard has a line."""
    rows = {}
    for before, after, name, _who, names in re.findall(
            r"^\|\s*`(\w+)` → `(\w+)`\s*\|\s*(\w+)\s*\|([^|]*)\|([^|]*)\|", _doc(), flags=re.MULTILINE):
        rows[(before, after)] = (name, tuple(re.findall(r"`(\w+)`", names)))
    assert rows == {(str(a), str(b)): (t.name, t.guards) for (a, b), t in workflow.TRANSITIONS.items()}
    explained = set(re.findall(r"^- `(\w+)`", _doc(), flags=re.MULTILINE))
    named = {name for t in workflow.TRANSITIONS.values() for name in t.guards}
    assert named <= explained and guards.guards_missing(explained) == []
