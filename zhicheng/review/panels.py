"""Review's panels on the reviewer's dossier page: the decision panel and the dossier's history."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zhicheng.core.panels import Panel
from zhicheng.dossiers.holders import holder_level
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.permissions import is_holder_leader, is_holder_staff
from zhicheng.dossiers.recusal import Recused, is_impartial

from .models import DecisionAction
from .return_editor import return_targets
from .selectors import dossier_returns_read
from .selectors_unit import decisions_visible_read, dossier_decisions_read, recommendation_of, staff_meeting_of
from .services.decisions import EFFECTS, can_confirm
from .services.meetings import staff_meeting_required
from .services.recommendation import PAPERS_STATES
from .services.returns import default_answer_deadline


def _actions(dossier) -> list[tuple[str, str]]:
    """The decisions the holding level may take on the dossier in its state (every level's registered effects)."""
    level = holder_level(dossier)
    actions = [(action, str(DecisionAction(action).label)) for (lvl, action), effect in EFFECTS.items()
               if lvl == level and dossier.state in effect.from_states]
    if level == "department":  # no return after the campaign's maximum, nor from the supplement cut-off
        from .services.department import department_actions_offered

        offered = set(department_actions_offered(dossier))
        actions = [(action, label) for action, label in actions if action in offered]
    return actions


def panel_context(request, dossier) -> dict:
    user = request.user
    impartial = is_impartial(user, dossier)
    staff = bool(is_holder_staff(user, dossier)) and bool(impartial)  # a recused reviewer gets no decision form
    submitted = dossier.was_submitted
    # decisions and returns exist only once the dossier was submitted: a draft never submitted reads neither; the
    # open decision and the history come from one read of the decisions (issue 11's query budget)
    decisions = dossier_decisions_read(dossier) if submitted else []
    open_decision = next((d for d in decisions if d.is_open), None) if staff else None
    default_deadline = default_answer_deadline(dossier.campaign, timezone.now())
    actions = _actions(dossier) if staff and open_decision is None else []
    editor = request.session.pop(f"review:return_editor:{dossier.pk}", None) if staff else None
    return {
        "dossier": dossier, "is_staff": staff, "open_decision": open_decision,
        "can_confirm": bool(open_decision and can_confirm(user, open_decision, dossier)),
        "can_cancel": bool(open_decision and (open_decision.proposed_by_id == user.pk
                                              or is_holder_leader(user, dossier))),
        "actions": actions, "editor": editor or {},
        "return_targets": return_targets(dossier, editor) if any(a == DecisionAction.RETURN for a, _ in actions)
        else [],
        "default_deadline": timezone.localtime(default_deadline),
        # a return is made when its decision is confirmed (ReturnRequest.decision): no decision, no return to read
        "returns": list(reversed(dossier_returns_read(dossier))) if decisions else [],  # newest first
        "history": decisions_visible_read(user, dossier)[:10] if submitted else [],
        "papers": recommendation_of(dossier) if staff else None,
        "papers_open": staff and dossier.state in PAPERS_STATES,
        "meeting_required": staff and staff_meeting_required(dossier),
        "meeting": staff_meeting_of(dossier) if staff else None,
        "is_owner": dossier.applicant_id == user.pk,
        "recusal": "" if impartial else Recused(impartial, actor=user, dossier=dossier, step="").message,
        "open_deadline": parse_datetime(open_decision.data.get("answer_deadline") or "") if open_decision else None,
    }


def decision_panel(request: HttpRequest, dossier: Dossier) -> Panel:
    """Propose / confirm a decision (holding staff), the returns and the decisions the viewer may see."""
    return Panel("review/decision_panel.html", panel_context(request, dossier))


def timeline_panel(request: HttpRequest, dossier: Dossier) -> Panel | None:
    """The dossier's history, for reviewers only (the applicant follows their dossier on its own pages).

    Loaded when its tab is opened (htmx, `intersect once`: a hidden tab never intersects), from the timeline's own
    page, which answers an htmx request with the section alone: its five reads leave the dossier page (issue 11's
    query budget). Without JavaScript the placeholder links to that page."""
    if dossier.applicant_id == request.user.pk:
        return None
    return Panel("review/timeline_lazy.html", {"dossier": dossier})
