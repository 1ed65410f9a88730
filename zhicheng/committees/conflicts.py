"""Conflicts of interest (回避): found automatically, declared by the expert, flagged by the secretary.

Detection writes `Conflict` rows (`conflicts_detect`), and every path reads them: the expert's candidate list and
dossier page (selectors: 404), the ballot (services: no ballot, not counted), notifications (a recipient filter)
and the recusal predicate every review decision asks (`dossiers.recusal.RELATION_SOURCES`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from zhicheng.core.permissions import Decision, deny
from zhicheng.dossiers.models import Dossier, DossierStateChange, WorkHistoryEntry

from .models import Conflict, ConflictSource, Expert, ExpertRelation, RelationKind


def work_history_years() -> int:
    return int(getattr(settings, "ZHICHENG_CONFLICT_WORK_YEARS", 3))


def conflicts_found(expert: Expert, dossier: Dossier, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Automatic conflicts of the expert with the candidate: (source, note) pairs."""
    today = today or timezone.localdate()
    since = today.replace(year=today.year - work_history_years())
    found: list[tuple[str, str]] = []
    unit = dossier.organisation
    if expert.unit_id is not None and expert.unit_id == dossier.organisation_id:
        found.append((ConflictSource.SAME_UNIT, f"同在{unit.name}"))
    unit_names = {name for name in (expert.unit_name, getattr(expert.unit, "name", "")) if name}
    if unit_names:
        recent = WorkHistoryEntry.objects.filter(dossier=dossier, unit_name__in=unit_names).exclude(end__lt=since)
        if recent.exists() and not found:
            found.append((ConflictSource.WORK_HISTORY, f"申报人近{work_history_years()}年曾在专家单位工作"))
    for relation in ExpertRelation.objects.filter(expert=expert):
        if relation.kind == RelationKind.FORMER_UNIT:
            if relation.organisation_id == dossier.organisation_id and (relation.until is None
                                                                         or relation.until >= since):
                found.append((ConflictSource.WORK_HISTORY, f"专家近{work_history_years()}年曾在{unit.name}工作"))
        elif relation.person_id == dossier.applicant_id or (
            relation.person_id is None and relation.person_id_number
            and relation.person_id_number == (dossier.applicant.id_number or "")
        ):
            found.append((ConflictSource.RELATION, str(RelationKind(relation.kind).label)))
    if DossierStateChange.objects.filter(dossier=dossier, actor_id=expert.user_id).exists():
        found.append((ConflictSource.EARLIER_REVIEWER, "曾在审核环节办理该申报材料"))
    return found


def conflicts_detect(expert: Expert, dossier: Dossier) -> list[Conflict]:
    """Record the automatic conflicts (idempotent); return every conflict of the pair."""
    for source, note in conflicts_found(expert, dossier):
        Conflict.objects.get_or_create(expert=expert, dossier=dossier, source=source, defaults={"note": note})
    return list(Conflict.objects.filter(expert=expert, dossier=dossier))


def conflicted_dossier_ids(expert: Expert) -> set[int]:
    return set(Conflict.objects.filter(expert=expert).values_list("dossier_id", flat=True))


def is_conflicted(expert: Expert | None, dossier_id: int) -> bool:
    return expert is not None and Conflict.objects.filter(expert=expert, dossier_id=dossier_id).exists()


def _expert_of(user) -> Expert | None:
    """The user's expert record, read once per user object (per request): a page asks for recusal more than once
    (the decision panel, the checklist's override permission)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if "_expert_record" not in user.__dict__:
        user.__dict__["_expert_record"] = Expert.objects.filter(user_id=user.pk).first()
    return user.__dict__["_expert_record"]


def _conflict_mark(user_pk) -> str:
    return f"zc_conflicted_{int(user_pk)}"


def detail_read(qs, user):
    """For dossiers.hooks.DETAIL_READS: whether the viewer (as an expert) has a recorded conflict with the dossier,
    computed in the dossier page's one read of it (an EXISTS; Expert.user is one-to-one), under a name that carries
    the viewer's id so that it answers for nobody else."""
    if not getattr(user, "is_authenticated", False):
        return qs
    return qs.annotate(**{_conflict_mark(user.pk): Exists(
        Conflict.objects.filter(dossier_id=OuterRef("pk"), expert__user_id=user.pk))})


def relation_source(actor, dossier) -> Decision | None:
    """For dossiers.recusal: an expert with a recorded conflict must step aside from this dossier."""
    mark = _conflict_mark(actor.pk) if getattr(actor, "is_authenticated", False) else ""
    if mark and mark in dossier.__dict__:  # the page's read computed it for this actor
        conflicted = dossier.__dict__[mark]
    else:
        expert = _expert_of(actor)
        conflicted = expert is not None and is_conflicted(expert, dossier.pk)
    if conflicted:
        return deny("您与该申报人存在利害关系，须回避", "You have a conflict of interest with this candidate")
    return None


def recipient_allowed(user, obj, event_type: str) -> bool:
    """For notifications: a conflicted expert is never told about that candidate."""
    dossier_id = obj.pk if isinstance(obj, Dossier) else getattr(obj, "dossier_id", None)
    if dossier_id is None:
        return True
    expert = _expert_of(user)
    return not is_conflicted(expert, dossier_id)
