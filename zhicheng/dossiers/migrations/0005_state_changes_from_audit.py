"""Backfill DossierStateChange from the audit log: one row per transition event, oldest first.

The audit rows are only read (never changed). The event types, the transition names and who held each state are
copied here as they were when this migration was written, so later changes to the code do not change history.
"""

from django.db import migrations

TRANSITION_EVENTS = (
    "dossier.submitted", "dossier.withdrawn", "dossier.return_answered", "review.unit_passed", "review.unit_returned",
    "review.unit_not_accepted", "review.unit_recommended", "review.department_passed", "review.department_returned",
    "review.department_rejected", "review.unit_passed_back", "review.unit_resent", "review.office_accepted",
    "review.office_rejected", "dossier.publicity_started", "dossier.publicity_done", "dossier.objection_upheld",
)
NAMES = {
    ("draft", "submitted"): "submit", ("submitted", "withdrawn"): "withdraw",
    ("returned", "submitted"): "answer_return", ("returned", "dept_returned"): "answer_department_return",
    ("submitted", "unit_passed"): "unit_pass", ("submitted", "returned"): "unit_return",
    ("submitted", "not_accepted"): "unit_not_accept", ("publicity_done", "recommended"): "unit_recommend",
    ("recommended", "dept_passed"): "department_pass", ("recommended", "dept_returned"): "department_return",
    ("recommended", "dept_rejected"): "department_reject", ("dept_returned", "returned"): "unit_pass_back",
    ("dept_returned", "recommended"): "unit_resend", ("dept_passed", "office_accepted"): "office_accept",
    ("dept_passed", "office_rejected"): "office_reject", ("unit_passed", "in_publicity"): "publicity_publish",
    ("in_publicity", "publicity_done"): "publicity_close", ("in_publicity", "not_recommended"): "publicity_stop",
}
DEPARTMENT_HELD, OFFICE_HELD = ("recommended",), ("dept_passed",)


def _review_department(unit):
    parent = unit.parent
    if parent is not None and parent.kind in ("department", "agency"):
        return parent
    return unit if unit.kind == "agency" or parent is None else parent


def _title_office(unit):
    node, seen = unit, set()
    while node is not None and node.pk not in seen:
        if node.kind == "office":
            return node
        seen.add(node.pk)
        node = node.parent
    return None


def _acting(unit, from_state):
    """The organisation that held the dossier before the step (the unit for the applicant's own steps)."""
    if from_state in DEPARTMENT_HELD:
        return _review_department(unit)
    if from_state in OFFICE_HELD:
        return _title_office(unit) or unit
    return unit


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierStateChange = apps.get_model("dossiers", "DossierStateChange")
    User = apps.get_model("accounts", "User")
    events = (AuditEvent.objects.filter(object_type="dossiers.dossier", event_type__in=TRANSITION_EVENTS)
              .order_by("seq").values_list("object_id", "actor_id", "occurred_at", "data"))
    dossiers, users, rows = {}, set(User.objects.values_list("pk", flat=True)), []
    for object_id, actor_id, occurred_at, data in events.iterator():
        data = data or {}
        before, after = data.get("from"), data.get("to")
        if not str(object_id).isdigit() or (before, after) not in NAMES:
            continue
        pk = int(object_id)
        if pk not in dossiers:
            dossiers[pk] = Dossier.objects.select_related("organisation__parent").filter(pk=pk).first()
        dossier = dossiers[pk]
        if dossier is None:
            continue
        decision = data.get("decision")
        rows.append(DossierStateChange(
            dossier_id=pk, from_state=before, to_state=after, transition=NAMES[(before, after)],
            actor_id=actor_id if actor_id in users else None, organisation=_acting(dossier.organisation, before),
            at=occurred_at, reason=str(data.get("reason") or "").strip(),
            decision_id=decision if isinstance(decision, int) else None,
        ))
        if len(rows) >= 500:
            DossierStateChange.objects.bulk_create(rows)
            rows = []
    DossierStateChange.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_append_only_triggers"),
        ("dossiers", "0004_state_changes"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
