"""What each export holds: the same selectors (and so the same permissions and filters) as the page it mirrors.

`export_source(user, kind, filters)` answers a `Source`: the title, the Chinese column headings, the number of
rows and a function yielding the rows. It raises NotFound / PermissionDenied exactly where the page would, and is
called twice: when the export is asked for (to refuse early, and to count against the maximum) and again by the
task, as the same user, so a role lost in between is refused then too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from zhicheng.accounts.models import Organisation, OrganisationKind
from zhicheng.campaigns.models import Campaign
from zhicheng.campaigns.selectors import campaign_quotas
from zhicheng.committees.models import EvaluationResult
from zhicheng.core.errors import ApplicationError, NotFound, PermissionDenied
from zhicheng.core.permissions import require
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.selectors import dossiers_visible_to
from zhicheng.publicity.selectors import publicity_batch_get_for, publicity_entries_of
from zhicheng.review import selectors as review_selectors

from .models import ExportKind
from .permissions import (
    can_view_statistics,
    id_number_masked,
    id_or_none,
    may_see_full_id,
    statistics_organisations_for,
)
from .statistics import PASSED_STATES, statistics_dossiers, statistics_figures

ACCEPTED_AND_LATER_EXCLUDED = ("draft", "submitted", "withdrawn", "returned", "not_accepted", "unit_passed",
                               "in_publicity", "publicity_done", "not_recommended", "recommended", "dept_returned",
                               "dept_rejected", "dept_passed", "office_rejected")


@dataclass
class Source:
    title: str
    columns: list[str]
    count: int
    rows: Callable[[], Iterator[list]]
    sheets: list | None = None  # the statistics workbook: several (title, columns, rows) sheets


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _id_shower(user) -> Callable[[str], str]:
    return (lambda v: v or "") if may_see_full_id(user) else id_number_masked


def _query(filters: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in (filters or {}).items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def _campaign(filters: dict) -> Campaign | None:
    raw = str((filters or {}).get("campaign") or "")
    if not raw:
        return None
    campaign = Campaign.objects.filter(pk=id_or_none(raw) or 0).first()
    if campaign is None:
        raise NotFound("not_found", "年度评审不存在", "Campaign not found")
    return campaign


def statistics_organisation_get(user, organisation_id=None) -> Organisation:
    """The office/department whose figures are asked for, if the user may see them; the first one if none named."""
    organisations = statistics_organisations_for(user)
    if not organisations:
        require(can_view_statistics(user, None), code="not_statistics_staff")
    if organisation_id in (None, ""):
        return organisations[0]
    found = next((o for o in organisations if str(o.pk) == str(organisation_id)), None)
    if found is None:
        raise NotFound("not_found", "机构不存在或无权查看其统计", "Organisation not found")
    return found


_DOSSIER_COLUMNS = ["申报人", "身份证号", "申报单位", "系列", "级别", "评审方式", "状态", "提交时间"]


def _dossier_cells(d: Dossier, show_id) -> list:
    return [d.applicant.real_name, show_id(d.applicant.id_number), d.organisation.name, d.series.name,
            d.level.name, d.get_route_display(), d.get_state_display(), _local(d.submitted_at)]


def _queue(user, filters: dict) -> Source:
    from zhicheng.review.views_queue import QueueFilterForm

    organisation = review_selectors.queue_organisation_get(user, filters.get("organisation"))
    counts, units = review_selectors.queue_summary(organisation)  # the page's own filter choices
    form = QueueFilterForm(_query(filters), counts=counts, units=units)
    try:
        chosen = form.filters()
    except OverflowError as exc:  # an id longer than the database's integers: not a filter anyone could mean
        raise ApplicationError("invalid_filter", "筛选条件不正确", "Invalid filter") from exc
    qs = review_selectors.queue_for(organisation, chosen)
    show_id = _id_shower(user)

    def rows():
        for d in qs.iterator(chunk_size=2000):
            row = review_selectors.queue_rows([d], organisation)[0]
            yield [*_dossier_cells(d, show_id), row.holder, row.waiting_days,
                   d.blocking_count or 0, _("是") if d.is_overdue else _("否")]

    return Source(_("审核队列（%(org)s）") % {"org": organisation.name},
                  [*_DOSSIER_COLUMNS, "当前办理", "等待天数", "不符合项", "是否超期"], qs.count(), rows)


def _dossiers(user, filters: dict) -> Source:
    qs = dossiers_visible_to(user).order_by("-id")
    show_id = _id_shower(user)

    def rows():
        for d in qs.iterator(chunk_size=2000):
            yield _dossier_cells(d, show_id)

    return Source(_("申报材料列表"), list(_DOSSIER_COLUMNS), qs.count(), rows)


def _publicity(user, filters: dict) -> Source:
    raw = str(filters.get("batch") or "")
    batch_id = id_or_none(raw)
    if batch_id is None:
        raise ApplicationError("batch_required", "请指定公示批次", "Name the publicity batch")
    batch = publicity_batch_get_for(user, batch_id)
    entries = publicity_entries_of(batch)
    show_id = _id_shower(user)

    def rows():
        for e in entries.iterator(chunk_size=2000):
            d = e.dossier
            yield [d.applicant.real_name, show_id(d.applicant.id_number), d.organisation.name, d.series.name,
                   d.level.name, d.specialty.name if d.specialty else "", e.open_objections]

    return Source(_("公示名单（%(org)s %(start)s）") % {"org": batch.organisation.name, "start": batch.starts_on},
                  ["姓名", "身份证号", "单位", "系列", "级别", "专业", "未处理异议"], entries.count(), rows)


def _statistics_scope(user, filters: dict) -> tuple[Organisation, Campaign | None]:
    organisation = statistics_organisation_get(user, filters.get("organisation"))
    return organisation, _campaign(filters)


def _quotas(user, filters: dict) -> Source:
    organisation, campaign = _statistics_scope(user, filters)
    if organisation.kind != OrganisationKind.OFFICE:
        raise PermissionDenied("office_only", "评审计划仅职改办可导出", "Only the title office exports the plan")
    if campaign is None:
        raise ApplicationError("campaign_required", "请选择年度评审", "Choose a campaign")
    used = {
        (s, lv): (accepted, passed)
        for s, lv, accepted, passed in statistics_dossiers(organisation, campaign).order_by()
        .values_list("series_id", "level_id")
        .annotate(accepted=Count("id", filter=~Q(state__in=ACCEPTED_AND_LATER_EXCLUDED)),
                  passed=Count("id", filter=Q(state__in=PASSED_STATES)))
    }
    quotas = list(campaign_quotas(campaign).select_related("series", "level"))

    def rows():
        for q in quotas:
            accepted, passed = used.get((q.series_id, q.level_id), (0, 0))
            yield [q.series.name, q.level.name, q.count, accepted, passed, q.count - passed, q.note]

    return Source(_("%(year)s 评审计划与使用情况") % {"year": campaign.year},
                  ["系列", "级别", "计划数", "已受理", "已通过", "剩余计划", "备注"], len(quotas), rows)


def _results(user, filters: dict) -> Source:
    organisation, campaign = _statistics_scope(user, filters)
    results = (EvaluationResult.objects.filter(dossier__in=statistics_dossiers(organisation, campaign).values("pk"))
               .select_related("dossier__applicant", "dossier__organisation", "dossier__series", "dossier__level")
               .order_by("decided_on", "id"))
    show_id = _id_shower(user)

    def rows():
        for r in results.iterator(chunk_size=2000):
            d = r.dossier
            yield [d.applicant.real_name, show_id(d.applicant.id_number), d.organisation.name, d.series.name,
                   d.level.name, r.get_route_display(), r.committee_name, r.decided_on.isoformat(),
                   _("通过") if r.passed else _("未通过"), r.yes_votes, r.attending, r.document_number]

    return Source(_("评审结果（%(org)s）") % {"org": organisation.name},
                  ["姓名", "身份证号", "单位", "系列", "级别", "评审方式", "评审委员会", "评审日期", "结果", "同意票",
                   "出席委员", "结果文号"], results.count(), rows)


def _statistics(user, filters: dict) -> Source:
    organisation, campaign = _statistics_scope(user, filters)
    figures = statistics_figures(organisation, campaign)
    sheets = [(f.title, f.columns, f.rows) for f in figures]
    return Source(_("统计表（%(org)s）") % {"org": organisation.name}, [], sum(len(f.rows) for f in figures),
                  lambda: iter(()), sheets=sheets)


SOURCES: dict[str, Callable[[object, dict], Source]] = {
    ExportKind.QUEUE: _queue, ExportKind.DOSSIERS: _dossiers, ExportKind.PUBLICITY: _publicity,
    ExportKind.QUOTAS: _quotas, ExportKind.RESULTS: _results, ExportKind.STATISTICS: _statistics,
}


def export_source(user, kind: str, filters: dict) -> Source:
    source = SOURCES.get(kind)
    if source is None:
        raise ApplicationError("unknown_export", "没有这种导出内容", "No such export")
    return source(user, filters or {})
