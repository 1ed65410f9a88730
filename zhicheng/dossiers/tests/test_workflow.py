"""The workflow table: each transition allowed and denied, the audit event, and the one writer of state."""

import ast
from pathlib import Path

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.dossiers import workflow
from zhicheng.dossiers.models import Dossier, DossierState

from .factories import at

pytestmark = pytest.mark.django_db
APP = Path(workflow.__file__).resolve().parent


def test_table_has_the_states_of_this_issue():
    # the review and publicity apps add their rows to the same table (issue 5)
    assert set(workflow.TRANSITIONS) >= {
        (DossierState.DRAFT, DossierState.SUBMITTED), (DossierState.SUBMITTED, DossierState.WITHDRAWN)
    }


class TestDossierTransition:
    def test_allowed_transition_sets_state_and_records_the_event(self, dossier, applicant):
        result = workflow.dossier_transition(dossier=dossier, to="submitted", actor=applicant, ip="10.1.2.3")
        assert result.state == "submitted" and Dossier.objects.get(pk=dossier.pk).state == "submitted"
        event = AuditEvent.objects.get(event_type="dossier.submitted")
        assert event.data["from"] == "draft" and event.data["to"] == "submitted"
        assert event.organisation_id == dossier.organisation_id

    def test_unknown_pair_is_409(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            workflow.dossier_transition(dossier=dossier, to="withdrawn", actor=applicant)
        assert exc.value.status == 409 and exc.value.message_zh.startswith("当前状态")
        assert Dossier.objects.get(pk=dossier.pk).state == "draft"

    def test_unknown_state_is_409(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            workflow.dossier_transition(dossier=dossier, to="approved", actor=applicant)
        assert exc.value.status == 409

    def test_who_is_checked(self, dossier, tree):
        with pytest.raises(PermissionDenied):
            workflow.dossier_transition(dossier=dossier, to="submitted", actor=tree["unit_clerk"])
        assert not AuditEvent.objects.filter(event_type="dossier.submitted").exists()

    def test_guard_is_checked_with_the_server_clock(self, dossier, applicant):
        with at("2024-10-11T00:00:00+08:00"), pytest.raises(ApplicationError) as exc:
            workflow.dossier_transition(dossier=dossier, to="submitted", actor=applicant)
        assert exc.value.code == "submission_closed"

    def test_formal_return_hook_opens_the_guard(self, dossier, applicant, monkeypatch):
        monkeypatch.setattr(workflow, "formal_return_answer_open", lambda d, at: True)
        with at("2024-11-05T10:00:00+08:00"):
            assert workflow.dossier_transition(dossier=dossier, to="submitted", actor=applicant).state == "submitted"

    def test_withdraw_guard_needs_a_reason(self, dossier, applicant):
        workflow.dossier_transition(dossier=dossier, to="submitted", actor=applicant)
        with pytest.raises(ApplicationError):
            workflow.dossier_transition(dossier=dossier, to="withdrawn", actor=applicant, data={"reason": ""})
        result = workflow.dossier_transition(dossier=dossier, to="withdrawn", actor=applicant, data={"reason": "x"})
        assert result.state == "withdrawn"


def _state_writes(tree: ast.AST) -> list[int]:
    """Lines that assign `.state`, pass `state=` to update(), or name `state` in update_fields."""
    lines = []
    for node in ast.walk(tree):
        targets = getattr(node, "targets", None) or ([node.target] if isinstance(node, ast.AugAssign) else [])
        if any(isinstance(t, ast.Attribute) and t.attr == "state" for t in targets):
            lines.append(node.lineno)
        updates = isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("update", "bulk_update")
        if updates and any(k.arg == "state" for k in node.keywords):
            lines.append(node.lineno)
    return lines


def test_dossier_transition_is_the_only_writer_of_state():
    """No module of any app but dossiers/workflow.py writes a `.state` (tests set rows up directly: skipped)."""
    offenders = {}
    for path in APP.parent.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path == APP / "workflow.py":
            continue
        lines = _state_writes(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            offenders[str(path.relative_to(APP.parent))] = lines
    assert offenders == {}


def test_the_state_scan_sees_a_write_in_another_app():
    """The scan above would catch a higher app setting the state itself."""
    assert _state_writes(ast.parse("def f(d):\n    d.state = 'recommended'\n    Dossier.objects.update(state='x')\n")) \
        == [2, 3]


def test_the_state_diagram_in_the_docs_is_the_table():
    """docs/workflow.md draws every row of TRANSITIONS and nothing else."""
    import re
    from pathlib import Path

    from django.conf import settings

    from zhicheng.dossiers.workflow import TRANSITIONS

    text = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8")
    drawn = set(re.findall(r"^\s+(\w+) --> (\w+):", text, flags=re.MULTILINE))
    assert drawn == {(str(a), str(b)) for a, b in TRANSITIONS}
