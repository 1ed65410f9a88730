"""The event vocabulary: every recorded event type is a member, passed as a member, labelled in both languages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from zhicheng.audit.events import AREA_PREFIXES, EventArea, EventType, event_label

SOURCE = Path(__file__).resolve().parents[2]  # the zhicheng package
# Calls whose argument names the event: the keyword, or the position when passed positionally
EVENT_ARGUMENTS = {"audit_event_record": ("event_type", None), "Transition": ("event", 2), "_audit": ("event", 0),
                   "dossier_content_changed": ("event", None), "_campaign_create": ("event_type", None)}
PREFIXES = "|".join(p for prefixes in AREA_PREFIXES.values() for p in prefixes)
CODE_HEAD = re.compile(rf"^({PREFIXES})\.[a-z_]*$")  # the literal start of an f-string that builds a code


def _modules() -> list[Path]:
    return [path for path in SOURCE.rglob("*.py")
            if not {"tests", "migrations"} & set(path.relative_to(SOURCE).parts) and path.name != "events.py"]


def _is_text(node: ast.AST) -> bool:
    """A string built in place: a literal, an f-string, `"..." % x`, `"...".format(x)`, or a choice between them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_text(node.func.value)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return False


def _callee(call: ast.Call) -> str:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", "")


def _event_arguments(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) in EVENT_ARGUMENTS:
            keyword, position = EVENT_ARGUMENTS[_callee(node)]
            yield from (k.value for k in node.keywords if k.arg == keyword)
            if position is not None and len(node.args) > position:
                yield node.args[position]
        elif isinstance(node, ast.arguments):  # a default value of a parameter named event / event_type
            named = node.posonlyargs + node.args
            pairs = list(zip(named[len(named) - len(node.defaults):], node.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(node.kwonlyargs, node.kw_defaults, strict=True) if d is not None]
            empty = (ast.Constant(""), ast.Constant(None))  # a filter's "no type", not an event being named
            yield from (default for arg, default in pairs
                        if arg.arg in ("event", "event_type") and ast.dump(default) not in map(ast.dump, empty))


def _offences(text: str, where: str) -> list[str]:
    tree = ast.parse(text, filename=where)
    found = [f"{where}:{node.lineno} event type built from text" for node in _event_arguments(tree) if _is_text(node)]
    for node in ast.walk(tree):  # a code kept in a variable first, or assembled from a prefix
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in EventType.values:
            found.append(f"{where}:{node.lineno} event type written as text {node.value!r}")
        head = node.values[0] if isinstance(node, ast.JoinedStr) and node.values else None
        if isinstance(head, ast.Constant) and CODE_HEAD.match(str(head.value)):
            found.append(f"{where}:{node.lineno} event type built by an f-string")
    return found


def test_no_audit_call_names_its_event_with_text():
    modules = _modules()
    assert len(modules) > 50 and any(path.name == "workflow.py" for path in modules)  # the walk reads the tree
    offences = [offence for path in modules
                for offence in _offences(path.read_text(encoding="utf-8"), str(path.relative_to(SOURCE)))]
    assert offences == []


@pytest.mark.parametrize(
    "source",
    [
        'audit_event_record(event_type="dossier.submitted")',
        'audit_event_record(event_type=f"roster.{outcome}")',
        'audit_event_record(event_type="roster.%s" % outcome)',
        'audit_event_record(event_type="roster.{}".format(outcome))',
        'audit_event_record(event_type="a.b" if x else EventType.AUTH_LOGIN)',
        'Transition(who, guard, "dossier.withdrawn")',
        'event = "user.reactivated"',
        'event = f"roster.{outcome}"',
        'kind = f"eligibility.exemption_{state}"',
        '_audit(f"eligibility.exemption_{state}", actor=a)',
        'def _create(*, event_type="campaign.created"): ...',
    ],
)
def test_the_source_walk_catches_each_way_of_writing_a_code(source):
    assert _offences(source, "scratch.py")


def test_the_source_walk_accepts_members():
    tree = ast.parse('audit_event_record(event_type=EventType.AUTH_LOGIN)\nTransition(w, g, Event.DOSSIER_SUBMITTED)')
    assert not [node for node in _event_arguments(tree) if _is_text(node)]


def test_every_member_and_area_has_a_chinese_label_and_an_english_translation():
    """The compiled catalogue leaves out empty and fuzzy entries, so a missing translation shows the Chinese."""
    han = re.compile(r"[\u4e00-\u9fff]")
    for choice in [*EventType, *EventArea]:
        chinese = str(choice.label)
        assert han.search(chinese), choice
        with translation.override("en"):
            english = str(choice.label)
        assert english.strip() and not han.search(english), (choice, english)
    assert all(EventType.area_of(member.value) is not None for member in EventType)


def test_english_labels_come_from_the_compiled_catalogue():
    with translation.override("en"):
        assert event_label(EventType.DOSSIER_SECTION_CHANGED) == "Dossier content changed"
        assert event_label("dossier.not_yet_named") == "Dossier: other action"


def test_labels_never_show_the_code():
    assert event_label("dossier.section_changed") == "修改申报材料内容"
    assert event_label(EventType.AUTH_LOGIN) == "登录"
    assert event_label("dossier.not_yet_named") == "申报材料：其他操作"  # a stored value the vocabulary lacks
    assert event_label("nothing.known") == "其他操作"
    assert event_label("") == "其他操作"


def test_values_are_unique_and_area_follows_the_prefix():
    assert len(set(EventType.values)) == len(EventType)
    assert EventType.area_of("review.unit_passed") == EventArea.REVIEW
    assert EventType.area_of("roster.added") == EventArea.ACCOUNTS
    assert EventType.area_of("socialsecurity.import_failed") == EventArea.SOCIAL_SECURITY
    assert EventType.area_of("unknown.thing") is None
    assert EventType.DOSSIER_SUBMITTED in EventType.in_area(EventArea.DOSSIER)
    assert EventType.REVIEW_UNIT_PASSED not in EventType.in_area(EventArea.DOSSIER)


def test_stored_values_are_kept_exactly():
    # Stored rows are hash-chained: these strings were written before the vocabulary and must not change
    assert EventType.REVIEW_UNIT_PASSED == "review.unit_passed"
    assert EventType.CALENDAR_OVERRIDE_CREATE == "calendar.override_create"
    assert EventType.ROSTER_ADDED == "roster.added" and EventType.ROSTER_REACTIVATED == "roster.reactivated"
    assert EventType.ELIGIBILITY_EXEMPTION_CONFIRMED == "eligibility.exemption_confirmed"
    assert EventType.ELIGIBILITY_EXEMPTION_REFUSED == "eligibility.exemption_refused"
