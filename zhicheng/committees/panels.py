"""The evaluation panel on the reviewer's dossier page: meeting, entrustment, and the final result."""

from __future__ import annotations

from django.http import HttpRequest

from zhicheng.core.panels import Panel
from zhicheng.dossiers.hooks import joined
from zhicheng.dossiers.models import Dossier

from .models import AgendaItem, Entrustment, EvaluationResult, MeetingStatus

EVALUATION_STATES = frozenset({"office_accepted", "scheduled", "in_meeting", "entrusted_sent", "passed", "failed"})


def detail_read(qs, user):
    """For dossiers.hooks.DETAIL_READS: the evaluation result (one-to-one) joined to the dossier page's read."""
    return qs.select_related("evaluation_result")


def evaluation_panel(request: HttpRequest, dossier: Dossier) -> Panel | None:
    """For staff who may open the dossier, once it is in evaluation: where it is evaluated and the signed result.

    Totals appear only once the meeting's chair signed (sealed until then); never for the applicant here."""
    if dossier.applicant_id == request.user.pk:
        return None
    found, result = joined(dossier, "evaluation_result")  # the dossier page's read joins it (conflicts.detail_read)
    if not found:
        result = EvaluationResult.objects.filter(dossier=dossier).first()
    if dossier.state not in EVALUATION_STATES and result is None:
        return None
    item = (AgendaItem.objects.select_related("meeting", "meeting__committee").filter(dossier=dossier)
            .order_by("-meeting_id").first())
    return Panel("committees/panel.html", {
        "dossier": dossier, "result": result, "item": item,
        "signed": item is not None and item.meeting.status == MeetingStatus.SIGNED,
        "entrustment": Entrustment.objects.filter(dossier=dossier).first(),
    })


def defence_slot_panel(request: HttpRequest, dossier: Dossier) -> Panel | None:
    """For the applicant: when and where their defence (答辩) is, and their place in the order — nothing else of
    the meeting (not its experts, not its votes)."""
    from .selectors import defence_slot_of

    if dossier.applicant_id != request.user.pk or dossier.state not in ("scheduled", "in_meeting"):
        return None  # a slot exists only on a meeting's agenda (and no query is spent on other dossiers' pages)
    item = defence_slot_of(dossier)
    if item is None or item.meeting.status == MeetingStatus.SIGNED:
        return None
    return Panel("committees/defence_panel.html", {"item": item})
