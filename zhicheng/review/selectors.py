"""Reading the review chain: each organisation's queue (held dossiers, filters, counts), timelines, review time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhicheng.accounts.models import Organisation, OrganisationKind
from zhicheng.accounts.selectors import user_active_memberships
from zhicheng.audit.events import EventArea, EventType, event_label
from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns.models import Route
from zhicheng.core.errors import NotFound, PermissionDenied
from zhicheng.dossiers.holders import HOLDER_LEVEL
from zhicheng.dossiers.models import Dossier, DossierState, DossierStateChange, QueueCount
from zhicheng.dossiers.permissions import reviewing_organisation_ids
from zhicheng.dossiers.selectors import dossier_state_changes
from zhicheng.dossiers.workflow import TRANSITIONS

from .models import ReturnRequest, ReviewDecision, ReviewLevel

S, K = DossierState, OrganisationKind

UNIT_STATES = tuple(s for s, level in HOLDER_LEVEL.items() if level == "unit")
# the unit also follows the dossiers it returned to the applicant: they come back to it
UNIT_QUEUE_STATES = (*UNIT_STATES, S.RETURNED)
# The review chain's states: after the office accepts, a dossier is the office's evaluation work (committees app,
# results), not review work, so the review queues and their "waiting for me" counts stop at acceptance
REVIEW_HELD_STATES = (*UNIT_STATES, S.RECOMMENDED, S.DEPARTMENT_PASSED)
_BEFORE_RECOMMENDATION = (S.SUBMITTED, S.UNIT_PASSED, S.IN_PUBLICITY, S.PUBLICITY_DONE)
SORTS = {
    "submitted_at": ("submitted_at", "pk"), "-submitted_at": ("-submitted_at", "-pk"),
    "state_changed_at": ("state_changed_at", "pk"), "-state_changed_at": ("-state_changed_at", "-pk"),
    "name": ("applicant_name", "pk"), "-name": ("-applicant_name", "-pk"),
    "unit": ("organisation__name", "pk"), "-unit": ("-organisation__name", "-pk"),
}
DEFAULT_SORT = "state_changed_at"
# sorts on the dossier's own columns, served by the (held_by, column, id) indexes: these pages go by keyset
KEYSET_SORTS = frozenset({"submitted_at", "-submitted_at", "state_changed_at", "-state_changed_at"})


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    series: int | None = None
    level: int | None = None
    unit: int | None = None
    blocking: bool | None = None
    overdue: bool | None = None
    sort: str = DEFAULT_SORT
    pending: bool | None = None  # a proposal waits for a leader's confirmation
    todo: bool = False  # the organisation's move: no proposal waiting, not with the applicant


def queue_organisations_for(user) -> list[Organisation]:
    """The organisations whose queue the user works (where they hold a reviewing role), by kind and name.

    Taken from the request's memberships (read once, with their organisations): no query of its own."""
    ids = reviewing_organisation_ids(user)
    found = {m.organisation_id: m.organisation for m in user_active_memberships(user) if m.organisation_id in ids}
    return sorted(found.values(), key=lambda o: (o.kind, o.name))


def queue_organisation_get(user, organisation_id=None, organisations: list[Organisation] | None = None) -> Organisation:
    """The organisation whose queue is asked for, if the user reviews there; the first one if none is named."""
    organisations = list(queue_organisations_for(user)) if organisations is None else organisations
    if not organisations:
        raise PermissionDenied("not_reviewer", "您没有审查角色，不能查看审核队列", "Only reviewers have a review queue")
    if organisation_id in (None, ""):
        return organisations[0]
    found = next((o for o in organisations if str(o.pk) == str(organisation_id)), None)
    if found is None:
        raise NotFound("not_found", "审核队列不存在或无权查看", "Queue not found")
    return found


def held_by_q(org: Organisation) -> Q:
    """Dossiers the organisation acts on now (as unit, review department or title office), from the stored holder.

    `Dossier.held_by` is kept by dossier_transition (holders.py), so a queue reads only its own rows through the
    (held_by, …) indexes instead of testing every recommended dossier's unit against the organisation tree. A unit
    also follows the dossiers it returned to the applicant (held by nobody then): they come back to it.
    """
    q = Q(held_by=org, state__in=REVIEW_HELD_STATES)
    if org.kind != K.OFFICE:  # an office never has applicants of its own
        q |= Q(organisation=org, state=S.RETURNED)
    return q


def _department_units_q(org: Organisation) -> Q:
    """The units whose review department is `org` (the same answer as holders.review_department_of, as a query on
    the organisation table): only for the hand-over lists, which look at dossiers the department does not hold yet."""
    if org.kind in (K.DEPARTMENT, K.AGENCY):
        q = Q(parent=org)
        if org.kind == K.AGENCY:
            q |= Q(pk=org.pk)
    else:
        q = Q(parent=org) & ~Q(kind=K.AGENCY)
    if org.parent_id is None:
        q |= Q(pk=org.pk)
    return q


def _handover_passed_q(now: dt.datetime) -> Q:
    """The hand-over instant of the dossier's route has come (§四(三): 10-31 24:00; entrusted series 10-30 24:00)."""
    return (Q(route=Route.ENTRUSTED, campaign__entrusted_recommendation_deadline__lte=now)
            | Q(campaign__department_deadline__lte=now))


def _overdue_q(now: dt.datetime) -> Q:
    """Past the instant of the step the dossier waits in: the unit's verdict (the system's close of unit
    recommendation, §二), the hand-over to the department (§四(三)), or a return's answer. With the department a
    dossier is not overdue at the hand-over instant: that is the units' deadline, not the department's."""
    return (
        Q(state=S.SUBMITTED, campaign__unit_recommendation_deadline__lte=now)
        | (Q(state__in=_BEFORE_RECOMMENDATION) & _handover_passed_q(now))
        | Q(state__in=(S.RETURNED, S.DEPARTMENT_RETURNED), open_return_deadline__lte=now)
    )


# the states _overdue_q can call late: a queue holding none of them has nothing overdue
OVERDUE_STATES = (*_BEFORE_RECOMMENDATION, S.RETURNED, S.DEPARTMENT_RETURNED)


def _first_handover() -> Subquery:
    """When the unit first handed the dossier to its department (a resend after a return is not a hand-over)."""
    first = DossierStateChange.objects.filter(dossier=OuterRef("pk"), from_state=S.PUBLICITY_DONE,
                                              to_state=S.RECOMMENDED).order_by("at", "id")
    return Subquery(first.values("at")[:1])


def _blocking_q(blocking: bool) -> Q:
    """Dossiers whose latest eligibility check has a blocking finding (or, False, none: never checked counts as
    none), from the count the eligibility app keeps on the row (`Dossier.blocking_findings`, partial index)."""
    return Q(blocking_findings__gt=0) if blocking else Q(blocking_findings__isnull=True) | Q(blocking_findings=0)


def _annotated(qs: QuerySet[Dossier], now: dt.datetime) -> QuerySet[Dossier]:
    open_return = ReturnRequest.objects.filter(dossier=OuterRef("pk"), answered_at__isnull=True).order_by(
        "-created_at", "-id"
    )
    open_decisions = ReviewDecision.objects.filter(confirmed_at__isnull=True, cancelled_at__isnull=True)
    return (
        qs.select_related("applicant", "campaign", "organisation", "organisation__parent", "series", "level")
        .annotate(
            blocking_count=F("blocking_findings"),  # the latest check's count, kept on the row (None: unchecked)
            open_return_deadline=Subquery(open_return.values("answer_deadline")[:1]),
            handed_over_at=_first_handover(),
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
        qs = qs.filter(_blocking_q(filters.blocking))
    if filters.overdue is not None:
        qs = qs.filter(is_overdue=filters.overdue)
    if filters.pending is not None or filters.todo:
        open_decision = Exists(ReviewDecision.objects.filter(dossier=OuterRef("pk"), confirmed_at__isnull=True,
                                                             cancelled_at__isnull=True))
        qs = qs.filter(open_decision) if filters.pending else qs.exclude(open_decision)
    if filters.todo:
        qs = qs.exclude(state=S.RETURNED)
    return qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def queue_for(org: Organisation, filters: QueueFilters | None = None, *, at: dt.datetime | None = None):
    return queue_filter(queue_base(org, at=at), filters or QueueFilters())


def _plain_filters(filters: QueueFilters) -> bool:
    """No filter the maintained summary cannot answer: blocking (a column of the row), overdue (the annotated query)
    or the open decisions (pending, todo)."""
    return filters.blocking is None and _row_filters(filters)


def _row_filters(filters: QueueFilters) -> bool:
    """No filter that needs the annotated query (overdue) or the open decisions (pending, todo): one COUNT on the
    dossier table answers (the blocking filter reads `blocking_findings` on the row)."""
    return filters.overdue is None and filters.pending is None and not filters.todo


def _open_decision_dossiers() -> QuerySet[ReviewDecision]:
    return ReviewDecision.objects.filter(confirmed_at__isnull=True, cancelled_at__isnull=True).values("dossier_id")


def queue_count(org: Organisation, filters: QueueFilters, counts: list[tuple[str, str, int]] | None = None, *,
                at: dt.datetime | None = None) -> int:
    """How many dossiers the filtered queue has: from the per-state counts when only the state is filtered (no
    query), from the maintained summary when the unit is filtered too, otherwise one indexed COUNT on the dossier
    table (blocking included: a column of the row, partial index); the annotated query only for overdue/pending."""
    if counts is not None and not (filters.series or filters.level or filters.unit) and _plain_filters(filters):
        return sum(n for s, _label, n in counts if not filters.state or s == filters.state)
    if not (filters.series or filters.level) and _plain_filters(filters):
        rows = _summary_rows(org)
        if filters.state:
            rows = rows.filter(state=filters.state)
        if filters.unit:
            rows = rows.filter(unit_id=filters.unit)
        return rows.aggregate(total=Sum("n"))["total"] or 0
    if filters.overdue and not _summary_rows(org).filter(state__in=OVERDUE_STATES).exists():
        return 0  # none of its held states can be late (a department's or the office's queue): no count of rows
    if filters == QueueFilters(todo=True, sort=filters.sort):
        # the organisation's move = what it holds (summary) less the returned ones less those a proposal waits in:
        # the open proposals are few, the held rows many, so count from the proposals' side
        held = _summary_rows(org).exclude(state=S.RETURNED).aggregate(total=Sum("n"))["total"] or 0
        waiting = (Dossier.objects.filter(held_by_q(org), pk__in=_open_decision_dossiers())
                   .exclude(state=S.RETURNED).count())
        return held - waiting
    if not _row_filters(filters):
        return queue_for(org, filters, at=at).count()
    qs = Dossier.objects.filter(held_by_q(org))
    if filters.state:
        qs = qs.filter(state=filters.state)
    for name in ("series", "level"):
        if getattr(filters, name):
            qs = qs.filter(**{f"{name}_id": getattr(filters, name)})
    if filters.unit:
        qs = qs.filter(organisation_id=filters.unit)
    if filters.blocking is not None:
        qs = qs.filter(_blocking_q(filters.blocking))
    return qs.count()


def keyset_cursor(dossier: Dossier, sort: str) -> str | None:
    """The cursor after this row for a keyset sort: "<ISO time>|<id>"; None when the sort has no keyset or no value."""
    if sort not in KEYSET_SORTS:
        return None
    value = getattr(dossier, sort.lstrip("-"))
    return f"{value.isoformat()}|{dossier.pk}" if value is not None else None


def keyset_after(qs: QuerySet[Dossier], sort: str, cursor: str) -> QuerySet[Dossier]:
    """The rows after `cursor` in the sort's order (no OFFSET: the index is entered at the cursor).

    ValueError when the sort has no keyset or the cursor does not parse (the caller answers 400).
    """
    if sort not in KEYSET_SORTS:
        raise ValueError("sort has no keyset")
    value, _sep, pk = cursor.partition("|")
    when, last = dt.datetime.fromisoformat(value), int(pk)
    if timezone.is_naive(when):
        raise ValueError("cursor without a time zone")
    name = sort.lstrip("-")
    if sort.startswith("-"):
        return qs.filter(Q(**{f"{name}__lt": when}) | Q(**{name: when, "pk__lt": last}))
    # ascending: PostgreSQL puts rows without a value last, so they still follow any cursor
    return qs.filter(Q(**{f"{name}__gt": when}) | Q(**{name: when, "pk__gt": last}) | Q(**{f"{name}__isnull": True}))


def _summary_rows(org: Organisation) -> QuerySet[QueueCount]:
    """The organisation's rows of the maintained queue counts: what `held_by_q(org)` selects, counted per state and
    unit (models.QueueCount; a few rows per unit instead of every held dossier)."""
    q = Q(holder=org.pk, state__in=REVIEW_HELD_STATES)
    if org.kind != K.OFFICE:
        q |= Q(holder=0, unit=org, state=S.RETURNED)
    return QueueCount.objects.filter(q, n__gt=0)


def queue_state_counts(org: Organisation) -> list[tuple[str, str, int]]:
    """(state, label, count) of the organisation's held dossiers, in workflow order (one query on the summary)."""
    counts = dict(_summary_rows(org).values_list("state").annotate(total=Sum("n")).values_list("state", "total")
                  .order_by())
    return [(s, str(S(s).label), counts[s]) for s in S.values if counts.get(s)]


def queue_summary(org: Organisation) -> tuple[list[tuple[str, str, int]], list[tuple[int, str]]]:
    """The per-state counts and the units of the queue together, from one query on the maintained summary."""
    counts: dict[str, int] = {}
    units: dict[int, str] = {}
    for state, unit_id, unit_name, n in _summary_rows(org).values_list("state", "unit_id", "unit__name", "n"):
        counts[state] = counts.get(state, 0) + n
        units[unit_id] = unit_name
    return ([(s, str(S(s).label), counts[s]) for s in S.values if s in counts],
            sorted(units.items(), key=lambda item: (item[1], item[0])))


def queue_unit_named(unit_id: str) -> list[tuple[int, str]]:
    """[(id, name)] of the unit a queue is filtered by (for the filter's chosen option), or [] (none, or no such)."""
    if not str(unit_id).isdigit():
        return []
    return list(Organisation.objects.filter(pk=int(unit_id)).values_list("pk", "name"))


def queue_dossiers_by_ids(org: Organisation, ids: list[int]) -> tuple[list[Dossier], list[int]]:
    """The selected dossiers that are in the organisation's queue, in the order given, and the ids that are not."""
    found = {d.pk: d for d in queue_base(org).filter(pk__in=ids)}
    return [found[i] for i in dict.fromkeys(ids) if i in found], [i for i in dict.fromkeys(ids) if i not in found]


HANDOVER_WHY = {
    S.SUBMITTED: _("单位未在系统单位推荐截止前审核"),
    S.UNIT_PASSED: _("单位审核通过后未公示"),
    S.IN_PUBLICITY: _("仍在公示（或有待处理的异议）"),
    S.PUBLICITY_DONE: _("公示结束，单位未推荐报送"),
}


@dataclass(frozen=True)
class LateHandover:
    dossier: Dossier
    due: dt.datetime
    why: str
    arrived_at: dt.datetime | None = None


def handover_due(dossier: Dossier) -> dt.datetime:
    """The hand-over instant of the dossier's route (campaign selected with the dossier)."""
    c = dossier.campaign
    if dossier.route == Route.ENTRUSTED:
        return min(c.entrusted_recommendation_deadline, c.department_deadline)
    return c.department_deadline


# Every matching row's count beside each of the first rows (a window over the whole result, taken before LIMIT)
_TOTAL = Window(Count("pk"))


def handover_missing(org: Organisation, *, at: dt.datetime | None = None, limit: int = 50):
    """For a review department: its units' dossiers that did not reach it by their hand-over instant, and why
    (count, the first `limit` as LateHandover; one query). After the instant the unit can no longer send them."""
    now = at or timezone.now()
    if org.kind not in (K.DEPARTMENT, K.AGENCY, K.OFFICE):
        return 0, []
    # the units first, as a subquery: joined the other way round, PostgreSQL walked every dossier in unit-name order
    # for the office (7.5 s at 1 M) to find the few units directly under it
    units = Organisation.objects.filter(_department_units_q(org)).values("pk")
    qs = (Dossier.objects.filter(organisation__in=units, state__in=_BEFORE_RECOMMENDATION)
          .filter(_handover_passed_q(now))
          .select_related("applicant", "organisation", "campaign", "series", "level")
          .order_by("organisation__name", "pk"))
    found = list(qs.annotate(total=_TOTAL)[:limit])  # the count rides on the rows: one query
    count = found[0].total if found else 0
    return count, [LateHandover(d, handover_due(d), str(HANDOVER_WHY.get(d.state, ""))) for d in found]


def _handover_due_expr():
    entrusted = Least(F("campaign__entrusted_recommendation_deadline"), F("campaign__department_deadline"))
    return Case(When(route=Route.ENTRUSTED, then=entrusted), default=F("campaign__department_deadline"))


def handover_late_arrivals(org: Organisation, *, limit: int = 50) -> tuple[int, list[LateHandover]]:
    """Dossiers with this department that their unit first handed over at or after their route's instant (only
    when the office moved the instant earlier afterwards, or for records from before it was enforced); one query."""
    if org.kind not in (K.DEPARTMENT, K.AGENCY, K.OFFICE):
        return 0, []
    qs = (Dossier.objects.filter(held_by=org, state=S.RECOMMENDED)
          .annotate(handed_over_at=_first_handover(), handover_due_at=_handover_due_expr())
          .filter(handed_over_at__gte=F("handover_due_at"))
          .select_related("applicant", "organisation", "campaign", "series", "level").order_by("pk"))
    found, why = list(qs.annotate(total=_TOTAL)[:limit]), str(_("晚于报送截止时间到达"))
    return (found[0].total if found else 0), [LateHandover(d, d.handover_due_at, why, d.handed_over_at) for d in found]


@dataclass
class QueueRow:
    """What one queue line shows beyond the dossier: who holds it, since when, what waits for a leader."""

    dossier: Dossier
    holder: str
    waiting_days: int | None
    pending: ReviewDecision | None = None
    since: dt.datetime | None = None
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
        since = d.held_since or d.state_changed_at  # rows from before the holder was stored: the state
        waiting = (now - since).days if since else None
        pending = (getattr(d, "open_decisions", None) or [None])[0]
        row = QueueRow(d, holder, waiting, pending, since)
        arrived = getattr(d, "handed_over_at", None)
        if d.state == S.RECOMMENDED and arrived is not None and arrived >= handover_due(d):
            row.extra["late_handover"] = {"arrived_at": arrived, "due": handover_due(d)}
        rows.append(row)
    return rows


# -- timeline and review time: state changes from their history and review's own tables, never the audit JSON --


def dossier_audit_events(dossier: Dossier) -> QuerySet[AuditEvent]:
    """What was done to the dossier, in order (one dossier's writes are ordered by its row lock, so by id);
    who merely read it (access.*) is for the audit trail, not the timeline."""
    return (AuditEvent.objects.filter(object_type=dossier._meta.label_lower, object_id=str(dossier.pk))
            .exclude(event_type__in=EventType.in_area(EventArea.ACCESS)).order_by("id"))


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
    changes = DossierStateChange.objects.filter(dossier_id=dossier.pk)
    start = changes.filter(to_state=S.RECOMMENDED).order_by("at", "id").values_list("at", flat=True).first()
    if start is None:
        return None
    end = (changes.filter(from_state=S.RECOMMENDED, to_state__in=[S.DEPARTMENT_PASSED, S.DEPARTMENT_REJECTED])
           .order_by("-at", "-id").values_list("at", flat=True).first())
    finished, end = end is not None, end or at or timezone.now()
    answering = dt.timedelta()
    for created, answered in ReturnRequest.objects.filter(
        dossier=dossier, level=ReviewLevel.DEPARTMENT, created_at__gte=start
    ).values_list("created_at", "answered_at"):
        answering += max(min(answered or end, end) - created, dt.timedelta())
    gross = end - start
    return ReviewTime(start, end, gross, answering, max(gross - answering, dt.timedelta()), finished)


# at one instant (a frozen clock, or one request): other activity, proposed, the step, then its return request
_OTHER, _PROPOSED, _CHANGED, _RETURNED = range(4)
# read from review's own tables or the state-change history, so not taken from the audit log a second time
_FROM_TABLES = frozenset({EventType.REVIEW_DECISION_PROPOSED, EventType.REVIEW_DECISION_CANCELLED,
                          EventType.REVIEW_RETURN_CREATED})
E = EventType
# What the applicant sees of their own dossier's history: their own steps and the decisions once taken. Proposals,
# their withdrawal, recusal refusals and the reviewers' papers are the reviewers' own working steps.
APPLICANT_EVENTS = frozenset({
    E.DOSSIER_CREATED, E.DOSSIER_SUBMITTED, E.DOSSIER_WITHDRAWN, E.DOSSIER_RETURN_ANSWERED, E.DOSSIER_ROUTE_CHANGED,
    E.DOSSIER_PUBLICITY_STARTED, E.DOSSIER_PUBLICITY_DONE, E.DOSSIER_OBJECTION_UPHELD, E.REVIEW_RETURN_CREATED,
    E.REVIEW_RETURN_ANSWERED, E.REVIEW_UNIT_PASSED, E.REVIEW_UNIT_RETURNED, E.REVIEW_UNIT_NOT_ACCEPTED,
    E.REVIEW_UNIT_RECOMMENDED, E.REVIEW_UNIT_PASSED_BACK, E.REVIEW_UNIT_RESENT, E.REVIEW_DEPARTMENT_PASSED,
    E.REVIEW_DEPARTMENT_RETURNED, E.REVIEW_DEPARTMENT_REJECTED, E.REVIEW_OFFICE_ACCEPTED, E.REVIEW_OFFICE_REJECTED,
})
INTERNAL_EVENTS = frozenset({E.REVIEW_DECISION_PROPOSED, E.REVIEW_DECISION_CANCELLED, E.DOSSIER_RECUSAL_REFUSED})



@dataclass
class TimelineEntry:
    when: dt.datetime
    who: str
    what: str
    detail: str = ""
    decision: ReviewDecision | None = None
    return_request: ReturnRequest | None = None
    order: int = _CHANGED


def _name(user) -> str:
    return (user.real_name or user.username) if user is not None else str(_("系统"))


def _change_what(change, events: dict[str, str]) -> str:
    """The label of the workflow row's event (one vocabulary with the audit pages)."""
    event = events.get(change.transition)
    return event_label(event) if event else _("状态变为“%(state)s”") % {"state": S(change.to_state).label}


def _decision_entries(decisions: dict[int, ReviewDecision]) -> list[TimelineEntry]:
    entries = []
    for d in decisions.values():
        entries.append(TimelineEntry(d.proposed_at, _name(d.proposed_by),
                                     f"{event_label(EventType.REVIEW_DECISION_PROPOSED)}：{d.get_action_display()}",
                                     d.reason, d, order=_PROPOSED))
        if d.cancelled_at:
            entries.append(TimelineEntry(d.cancelled_at, _name(d.cancelled_by),
                                         event_label(EventType.REVIEW_DECISION_CANCELLED), d.cancel_reason, d,
                                         order=_PROPOSED))
    return entries


def _other_entries(dossier: Dossier, skip: set[str], *, only: frozenset[str] | None = None) -> list[TimelineEntry]:
    """What else happened to the dossier (created, edited, eligibility decisions …), labelled, from the audit log."""
    events = dossier_audit_events(dossier).exclude(event_type__in=skip)
    if only is not None:
        events = events.filter(event_type__in=only)
    return [TimelineEntry(e.occurred_at, e.actor_label or str(_("系统")), event_label(e.event_type),
                          str((e.data or {}).get("reason") or ""), order=_OTHER) for e in events]


def dossier_returns_read(dossier: Dossier) -> list[ReturnRequest]:
    """`dossier_returns` as a list, read once per request (kept on the request's dossier instance): the decision
    panel and the timeline show the same returns (issue 11's query budget). For pages only, never a write path."""
    if "_returns_read" not in dossier.__dict__:
        dossier.__dict__["_returns_read"] = list(dossier_returns(dossier))
    return dossier.__dict__["_returns_read"]


def dossier_timeline(dossier: Dossier, *, viewer=None,
                     returns: list[ReturnRequest] | None = None) -> list[TimelineEntry]:
    """The dossier's history: its changes of state (DossierStateChange), the decisions proposed or cancelled, the
    returns with their items, and the rest of what happened to it from the audit log, labelled (5 queries).

    The applicant (`viewer` is the dossier's applicant) sees what was decided and their own steps, never the
    reviewers' pending proposals, their withdrawal or recusal refusals.
    """
    applicant_view = viewer is not None and dossier.applicant_id == viewer.pk
    decisions = {d.pk: d for d in dossier_decisions(dossier)}
    returns = list(dossier_returns(dossier)) if returns is None else returns
    events = {t.name: t.event for t in TRANSITIONS.values()}
    entries = [TimelineEntry(c.at, _name(c.actor), _change_what(c, events), c.reason, decisions.get(c.decision_id))
               for c in dossier_state_changes(dossier)]
    if not applicant_view:
        entries += _decision_entries(decisions)
    returned = event_label(EventType.REVIEW_RETURN_CREATED)
    entries += [TimelineEntry(r.created_at, _name(r.decision.confirmed_by), returned, "", r.decision, r,
                              order=_RETURNED) for r in returns]
    skip = {*events.values(), *_FROM_TABLES}
    entries += _other_entries(dossier, skip, only=APPLICANT_EVENTS - INTERNAL_EVENTS if applicant_view else None)
    return sorted(entries, key=lambda e: (e.when, e.order))


def timeline_context(dossier: Dossier, *, viewer=None) -> dict:
    """What the timeline section shows: the events, the returns with their items, the department's review time."""
    returns = dossier_returns_read(dossier)  # read once for the timeline, the returns' list and the decision panel
    return {"timeline": dossier_timeline(dossier, viewer=viewer, returns=returns), "returns": returns,
            "review_time": department_review_time(dossier)}
