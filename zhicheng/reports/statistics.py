"""The statistics of an office's or department's dossiers: counts by stage, series, level, unit and route, pass
rates, and the time dossiers spend in each stage (from `DossierStateChange`, never the audit log).

Each figure is a `Figure` (title, column headings, rows): the page draws it as a chart and a table, and the same
object is what a figure's CSV/XLSX download and the yearly statistics workbook write. A whole page costs a fixed
number of queries whatever the number of dossiers (tests assert it).
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhicheng.accounts.models import Organisation
from zhicheng.campaigns.models import Campaign, Route
from zhicheng.dossiers.models import Dossier, DossierState, DossierStateChange

from .permissions import area_ids

S = DossierState
# Evaluated and passed: the result states that follow a pass; and the one that records a failure
PASSED_STATES = (S.PASSED, S.IN_RESULT_PUBLICITY, S.RESULT_PUBLICITY_DONE, S.RESULT_OBJECTION_UPHELD, S.CONFERRED,
                 S.REVOKED)
FAILED_STATES = (S.FAILED,)
_DAY = 86400.0


@dataclass
class Figure:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # which column the chart draws (its bars' length) and how the value is shown
    chart_column: int = 1
    unit: str = ""

    def bars(self) -> list[dict]:
        """The chart's bars: label, value, length as a share of the longest (0–1)."""
        values = [row[self.chart_column] or 0 for row in self.rows]
        top = max(values, default=0) or 1
        return [{"label": str(row[0]), "value": row[self.chart_column], "share": (row[self.chart_column] or 0) / top}
                for row in self.rows]


def statistics_dossiers(organisation: Organisation, campaign: Campaign | None) -> QuerySet[Dossier]:
    """Submitted dossiers of the organisation's area (a department: its units; the office: its whole tree)."""
    qs = Dossier.objects.filter(organisation_id__in=area_ids(organisation), submitted_at__isnull=False)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


def _counts(qs: QuerySet[Dossier], figure_key: str, key: str, title: str, heading: str, label=None) -> Figure:
    rows = list(qs.order_by().values_list(key).annotate(n=Count("id")).values_list(key, "n"))
    label = label or (lambda v: v if v is not None else "—")
    rows.sort(key=lambda r: (-r[1], str(r[0])))
    return Figure(key=figure_key, title=title, columns=[heading, _("份数")],
                  rows=[[label(value), n] for value, n in rows], unit=_("份"))


def figure_by_state(qs: QuerySet[Dossier]) -> Figure:
    counts = dict(qs.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    rows = [[str(S(s).label), counts[s]] for s in S.values if s in counts]  # workflow order
    return Figure(key="state", title=_("各环节申报材料数"), columns=[_("环节"), _("份数")], rows=rows, unit=_("份"))


def figure_by_route(qs: QuerySet[Dossier]) -> Figure:
    labels = dict(Route.choices)
    return _counts(qs, "route", "route", _("按评审方式"), _("评审方式"), lambda v: str(labels.get(v, v)))


def figure_pass_rates(qs: QuerySet[Dossier]) -> Figure:
    """Per series and level: evaluated, passed, failed and the pass rate (passed / evaluated, in %)."""
    rows = (qs.order_by().values_list("series__name", "level__name", "level__rank")
            .annotate(passed=Count("id", filter=Q(state__in=PASSED_STATES)),
                      failed=Count("id", filter=Q(state__in=FAILED_STATES)))
            .filter(Q(passed__gt=0) | Q(failed__gt=0)))
    out = []
    total_passed = total_failed = 0
    for series, level, _rank, passed, failed in sorted(rows, key=lambda r: (r[0], -r[2])):
        evaluated = passed + failed
        total_passed, total_failed = total_passed + passed, total_failed + failed
        out.append([f"{series} {level}", round(100.0 * passed / evaluated, 1), evaluated, passed, failed])
    if out:
        evaluated = total_passed + total_failed
        out.append([_("合计"), round(100.0 * total_passed / evaluated, 1), evaluated, total_passed, total_failed])
    return Figure(key="pass_rate", title=_("评审通过率"), columns=[
        _("系列 级别"), _("通过率（%）"), _("已评审"), _("通过"), _("未通过")], rows=out, unit="%")


def figure_stage_time(qs: QuerySet[Dossier], *, now: dt.datetime | None = None) -> Figure:
    """Per state: how many dossiers were in it and how long they stayed (mean and median, in days).

    A stay runs from the change that entered the state to the dossier's next change; a dossier still in the state
    counts until now. One query, read in dossier order, whatever the number of dossiers.
    """
    now = now or timezone.now()
    changes = (DossierStateChange.objects.filter(dossier__in=qs.order_by().values("pk"))
               .order_by("dossier_id", "at", "id").values_list("dossier_id", "to_state", "at"))
    stays: dict[str, list[float]] = {}
    previous = None
    for dossier_id, state, at in changes.iterator(chunk_size=2000):
        if previous is not None:
            p_dossier, p_state, p_at = previous
            end = at if p_dossier == dossier_id else now
            stays.setdefault(p_state, []).append((end - p_at).total_seconds() / _DAY)
        previous = (dossier_id, state, at)
    if previous is not None:
        stays.setdefault(previous[1], []).append((now - previous[2]).total_seconds() / _DAY)
    rows = []
    for state in S.values:
        if state in stays and state not in (S.DRAFT, S.WITHDRAWN):
            days = stays[state]
            rows.append([str(S(state).label), round(stats.fmean(days), 1), round(stats.median(days), 1), len(days)])
    return Figure(key="stage_time", title=_("各环节停留时间"), columns=[
        _("环节"), _("平均天数"), _("中位天数"), _("次数")], rows=rows, unit=_("天"))


def statistics_figures(organisation: Organisation, campaign: Campaign | None, *,
                       now: dt.datetime | None = None) -> list[Figure]:
    """Every figure of the statistics page, in page order."""
    qs = statistics_dossiers(organisation, campaign)
    by_series = _counts(qs, "series", "series__name", _("按系列"), _("系列"))
    by_level = _counts(qs, "level", "level__name", _("按级别"), _("级别"))
    by_unit = _counts(qs, "unit", "organisation__name", _("按单位"), _("单位"))
    return [figure_by_state(qs), by_series, by_level, by_unit, figure_by_route(qs), figure_pass_rates(qs),
            figure_stage_time(qs, now=now)]


def statistics_figure(organisation: Organisation, campaign: Campaign | None, key: str) -> Figure | None:
    return next((f for f in statistics_figures(organisation, campaign) if f.key == key), None)
