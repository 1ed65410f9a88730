"""Reading the review chain: each organisation's queue (held dossiers, filters, counts), timelines, review time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhicheng.accounts.models import Organisation, OrganisationKind
from zhicheng.audit.events import EventType, event_label
from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns.models import Route
from zhicheng.core.errors import NotFound, PermissionDenied
from zhicheng.dossiers.holders import HOLDER_LEVEL
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.permissions import reviewing_organisation_ids

from .models import ReturnRequest, ReviewDecision, ReviewLevel

S, K = DossierState, OrganisationKind

UNIT_STATES = tuple(s for s, level in HOLDER_LEVEL.items() if level == "unit")
# the unit also follows the dossiers it returned to the applicant: they come back to it
UNIT_QUEUE_STATES = (*UNIT_STATES, S.RETURNED)
_BEFORE_RECOMMENDATION = (S.SUBMITTED, S.UNIT_PASSED, S.IN_PUBLICITY, S.PUBLICITY_DONE)
SORTS = {
    "submitted_at": ("submitted_at", "pk"), "-submitted_at": ("-submitted_at", "-pk"),
    "state_changed_at": ("state_changed_at", "pk"), "-state_changed_at": ("-state_changed_at", "-pk"),
    "name": ("applicant__real_name", "pk"), "-name": ("-applicant__real_name", "-pk"),
    "unit": ("organisation__name", "pk"), "-unit": ("-organisation__name", "-pk"),
}
DEFAULT_SORT = "state_changed_at"
_MAX_TREE_DEPTH = 6


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    series: int | None = None
    level: int | None = None
    unit: int | None = None
    blocking: bool | None = None
    overdue: bool | None = None
    sort: str = DEFAULT_SORT


def queue_organisations_for(user) -> QuerySet[Organisation]:
    """The organisations whose queue the user works (where they hold a reviewing role)."""
    return Organisation.objects.filter(pk__in=reviewing_organisation_ids(user)).order_by("kind", "name")


def queue_organisation_get(user, organisation_id=None) -> Organisation:
    """The organisation whose queue is asked for, if the user reviews there; the first one if none is named."""
    organisations = list(queue_organisations_for(user))
    if not organisations:
        raise PermissionDenied("not_reviewer", "您没有审查角色，不能查看审核队列", "Only reviewers have a review queue")
    if organisation_id in (None, ""):
        return organisations[0]
    found = next((o for o in organisations if str(o.pk) == str(organisation_id)), None)
    if found is None:
        raise NotFound("not_found", "审核队列不存在或无权查看", "Queue not found")
    return found


def _office_area_ids(office: Organisation) -> list[int]:
    """Organisations whose title office is this one: its subtree, not entering another office's (a few queries)."""
    ids, frontier = {office.pk}, {office.pk}
    for _depth in range(_MAX_TREE_DEPTH):
        frontier = set(
            Organisation.objects.filter(parent_id__in=frontier).exclude(kind=K.OFFICE).values_list("pk", flat=True)
        ) - ids
        if not frontier:
            break
        ids |= frontier
    return sorted(ids)


def _as_department_q(org: Organisation) -> Q:
    """Units whose review department is `org` (the same answer as holders.review_department_of, as a query)."""
    if org.kind in (K.DEPARTMENT, K.AGENCY):
        q = Q(organisation__parent=org)
        if org.kind == K.AGENCY:
            q |= Q(organisation=org)  # an agency reviews its own clients as their department
    else:
        q = Q(organisation__parent=org) & ~Q(organisation__kind=K.AGENCY)
    if org.parent_id is None:
        q |= Q(organisation=org)
    return q


def held_by_q(org: Organisation) -> Q:
    """Dossiers the organisation acts on now: as unit, as review department, as title office."""
    q = Q(organisation=org, state__in=UNIT_QUEUE_STATES) | (Q(state=S.RECOMMENDED) & _as_department_q(org))
    if org.kind == K.OFFICE:
        q |= Q(state=S.DEPARTMENT_PASSED, organisation_id__in=_office_area_ids(org))
    return q


def _overdue_q(now: dt.datetime) -> Q:
    """Past the deadline of the step the dossier waits in: recommendation, department, or a return's answer."""
    before = Q(state__in=_BEFORE_RECOMMENDATION)
    return (
        (before & Q(route=Route.SELF_RUN, campaign__unit_recommendation_deadline__lte=now))
        | (before & Q(route=Route.ENTRUSTED, campaign__entrusted_recommendation_deadline__lte=now))
        | Q(state=S.RECOMMENDED, campaign__department_deadline__lte=now)
        | Q(state__in=(S.RETURNED, S.DEPARTMENT_RETURNED), open_return_deadline__lte=now)
    )


def _annotated(qs: QuerySet[Dossier], now: dt.datetime) -> QuerySet[Dossier]:
    from zhicheng.eligibility.models import EligibilityCheck

    latest_check = EligibilityCheck.objects.filter(dossier=OuterRef("pk")).order_by("-computed_at", "-id")
    open_return = ReturnRequest.objects.filter(dossier=OuterRef("pk"), answered_at__isnull=True).order_by(
        "-created_at", "-id"
    )
    open_decisions = ReviewDecision.objects.filter(confirmed_at__isnull=True, cancelled_at__isnull=True)
    return (
        qs.select_related("applicant", "campaign", "organisation", "organisation__parent", "series", "level")
        .annotate(
            blocking_count=Subquery(latest_check.values("blocking_count")[:1]),
            open_return_deadline=Subquery(open_return.values("answer_deadline")[:1]),
        )
        .annotate(is_overdue=Case(When(_overdue_q(now), then=Value(True)), default=Value(False),
                                    output_field=BooleanField()))
        .prefetch_related(Prefetch("review_decisions", open_decisions.select_related("proposed_by"),
                                   to_attr="open_decisions"))
    )


def queue_base(org: Organisation, *, at: dt.datetime | None = None) -> QuerySet[Dossier]:
    """Every dossier the organisation holds, with what the queue shows (no filter, no order)."""
    return _annotated(Dossier.objects.filter(held_by_q(org)), at or timezone.now())


def queue_filter(qs: QuerySet[Dossier], filters: QueueFilters) -> QuerySet[Dossier]:
    """Apply the queue's filters and its sort (an unknown sort falls back to the oldest state change first)."""
    if filters.state:
        qs = qs.filter(state=filters.state)
    for name in ("series", "level"):
        if getattr(filters, name):
            qs = qs.filter(**{f"{name}_id": getattr(filters, name)})
    if filters.unit:
        qs = qs.filter(organisation_id=filters.unit)
    if filters.blocking is not None:
        qs = qs.filter(blocking_count__gt=0) if filters.blocking else qs.filter(
            Q(blocking_count__isnull=True) | Q(blocking_count=0)
        )
    if filters.overdue is not None:
        qs = qs.filter(is_overdue=filters.overdue)
    return qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def queue_for(org: Organisation, filters: QueueFilters | None = None, *, at: dt.datetime | None = None):
    return queue_filter(queue_base(org, at=at), filters or QueueFilters())


def queue_state_counts(org: Organisation) -> list[tuple[str, str, int]]:
    """(state, label, count) of the organisation's held dossiers, in workflow order (one query)."""
    counts = dict(Dossier.objects.filter(held_by_q(org)).values_list("state").annotate(n=Count("id")).values_list(
        "state", "n"
    ))
    return [(s, str(S(s).label), counts[s]) for s in S.values if s in counts]


def queue_units(org: Organisation) -> list[tuple[int, str]]:
    """(id, name) of the units whose dossiers are in the queue, for the unit filter (one query)."""
    return list(Dossier.objects.filter(held_by_q(org)).order_by("organisation__name")
                .values_list("organisation_id", "organisation__name").distinct())


def queue_dossiers_by_ids(org: Organisation, ids: list[int]) -> tuple[list[Dossier], list[int]]:
    """The selected dossiers that are in the organisation's queue, in the order given, and the ids that are not."""
    found = {d.pk: d for d in queue_base(org).filter(pk__in=ids)}
    return [found[i] for i in dict.fromkeys(ids) if i in found], [i for i in dict.fromkeys(ids) if i not in found]


@dataclass
class QueueRow:
    """What one queue line shows beyond the dossier: who holds it, since when, what waits for a leader."""

    dossier: Dossier
    holder: str
    waiting_days: int | None
    pending: ReviewDecision | None = None
    extra: dict = field(default_factory=dict)


_HOLDER_LABEL = {"applicant": _("申报人"), "unit": _("单位"), "department": _("审核部门"), "office": _("职改办")}


def queue_rows(dossiers, org: Organisation, *, at: dt.datetime | None = None) -> list[QueueRow]:
    """Decorate a page of queue dossiers (no queries: everything was selected or prefetched)."""
    now = at or timezone.now()
    rows = []
    for d in dossiers:
        level = HOLDER_LEVEL.get(d.state)
        name = d.organisation.name if level == "unit" else ("" if level == "applicant" else org.name)
        holder = f"{_HOLDER_LABEL.get(level, '')} {name}".strip() if level else "—"
        if level == "applicant":
            holder = f"{_HOLDER_LABEL[level]} {d.applicant.real_name or d.applicant.username}"
        waiting = (now - d.state_changed_at).days if d.state_changed_at else None
        pending = (getattr(d, "open_decisions", None) or [None])[0]
        rows.append(QueueRow(d, holder, waiting, pending))
    return rows


# -- timeline and review time ---------------------------------------------------------------------------------


def dossier_audit_events(dossier: Dossier) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=dossier._meta.label_lower, object_id=str(dossier.pk)).order_by("seq")


def dossier_returns(dossier: Dossier) -> QuerySet[ReturnRequest]:
    """Every return of the dossier with its items, who decided it and who answered (three queries)."""
    return (ReturnRequest.objects.filter(dossier=dossier)
            .select_related("decision__proposed_by", "decision__confirmed_by", "answered_by")
            .prefetch_related("items").order_by("created_at", "id"))


def dossier_decisions(dossier: Dossier) -> QuerySet[ReviewDecision]:
    return (ReviewDecision.objects.filter(dossier=dossier)
            .select_related("proposed_by", "confirmed_by", "cancelled_by", "organisation")
            .order_by("proposed_at", "id"))


@dataclass(frozen=True)
class ReviewTime:
    """Time with the department, net of the unit's and applicant's answers to its returns (§七(二))."""

    started_at: dt.datetime
    ended_at: dt.datetime
    gross: dt.timedelta
    answering: dt.timedelta
    net: dt.timedelta
    finished: bool


def department_review_time(dossier: Dossier, *, at: dt.datetime | None = None) -> ReviewTime | None:
    """From the recommendation to the department's decision (or now), minus the time its returns were out."""
    events = dossier_audit_events(dossier)
    start = events.filter(data__to=S.RECOMMENDED).values_list("occurred_at", flat=True).first()
    if start is None:
        return None
    end = (events.filter(data__from=S.RECOMMENDED, data__to__in=[S.DEPARTMENT_PASSED, S.DEPARTMENT_REJECTED])
           .order_by("-seq").values_list("occurred_at", flat=True).first())
    finished, end = end is not None, end or at or timezone.now()
    answering = dt.timedelta()
    for created, answered in ReturnRequest.objects.filter(
        dossier=dossier, level=ReviewLevel.DEPARTMENT, created_at__gte=start
    ).values_list("created_at", "answered_at"):
        answering += max(min(answered or end, end) - created, dt.timedelta())
    gross = end - start
    return ReviewTime(start, end, gross, answering, max(gross - answering, dt.timedelta()), finished)


@dataclass
class TimelineEntry:
    when: dt.datetime
    who: str
    what: str
    detail: str = ""
    decision: ReviewDecision | None = None
    return_request: ReturnRequest | None = None


def _event_what(event: AuditEvent) -> str:
    """The event's label; a state change the vocabulary lacks says the state it reached (never the code)."""
    to = (event.data or {}).get("to")
    if event.event_type not in EventType.values and to in S.values:
        return _("状态变为“%(state)s”") % {"state": S(to).label}
    return event_label(event.event_type)


def dossier_timeline(dossier: Dossier) -> list[TimelineEntry]:
    """The dossier's whole history from its audit events, with the decisions and returns they refer to (4 queries)."""
    decisions = {d.pk: d for d in dossier_decisions(dossier)}
    returns = {r.pk: r for r in dossier_returns(dossier)}
    entries = []
    for event in dossier_audit_events(dossier):
        data = event.data or {}
        decision = decisions.get(data.get("decision"))
        entry = TimelineEntry(event.occurred_at, event.actor_label or str(_("系统")), _event_what(event),
                              decision=decision, return_request=returns.get(data.get("return")))
        if event.event_type == EventType.REVIEW_DECISION_PROPOSED and decision is not None:
            entry.what = f"{entry.what}：{decision.get_action_display()}"
        entry.detail = str(data.get("reason") or "")
        entries.append(entry)
    return entries


def timeline_context(dossier: Dossier) -> dict:
    """What the timeline section shows: the events, the returns with their items, the department's review time."""
    return {"timeline": dossier_timeline(dossier), "returns": list(dossier_returns(dossier)),
            "review_time": department_review_time(dossier)}
