"""The review queue pages: each organisation's held dossiers, bulk actions with a preview, a dossier's timeline."""

from __future__ import annotations

from contextlib import suppress
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhicheng.accounts.models import OrganisationKind
from zhicheng.catalog.models import Level, Series
from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip
from zhicheng.core.pagination import KnownCountPaginator
from zhicheng.dossiers.models import DossierState
from zhicheng.dossiers.selectors import dossier_get_for

from . import selectors
from .services.bulk import bulk_action_get, bulk_actions_for, bulk_apply, bulk_preview

PAGE_SIZE = 30
UNIT_CHOICES_MAX = 200  # above this many units in a queue, the unit filter's options load when the select is opened
_CATALOG_KEY, _CATALOG_SECONDS = "review:queue:catalog", 300
_YES_NO = [("", gettext_lazy("全部")), ("yes", gettext_lazy("是")), ("no", gettext_lazy("否"))]
SORT_CHOICES = [
    ("state_changed_at", gettext_lazy("等待最久在前")), ("-state_changed_at", gettext_lazy("最近变化在前")),
    ("submitted_at", gettext_lazy("提交时间（早→晚）")), ("-submitted_at", gettext_lazy("提交时间（晚→早）")),
    ("name", gettext_lazy("申报人姓名")), ("unit", gettext_lazy("单位")),
]


def _catalog_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The series and levels for the filters: the catalog hardly changes, so each process keeps them a few minutes."""
    cached = cache.get(_CATALOG_KEY)
    if cached is None:
        cached = (list(Series.objects.order_by("name").values_list("pk", "name")),
                  list(Level.objects.order_by("-rank").values_list("pk", "name")))
        cache.set(_CATALOG_KEY, cached, _CATALOG_SECONDS)
    return cached


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    series = forms.TypedChoiceField(label=gettext_lazy("系列"), required=False, coerce=int, empty_value=None)
    level = forms.TypedChoiceField(label=gettext_lazy("级别"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=gettext_lazy("单位"), required=False, coerce=int, empty_value=None)
    blocking = forms.ChoiceField(label=gettext_lazy("有不符合项"), choices=_YES_NO, required=False)
    overdue = forms.ChoiceField(label=gettext_lazy("已超期"), choices=_YES_NO, required=False)
    pending = forms.ChoiceField(label=gettext_lazy("待领导确认"), choices=_YES_NO, required=False)
    todo = forms.BooleanField(label=gettext_lazy("只看待本机构办理"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("排序"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, counts, units, units_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        shown = {s: f"{label}（{n}）" for s, label, n in counts}
        states = [(s, shown.get(s, label)) for s, label in DossierState.choices]
        self.fields["state"].choices = [("", _("全部")), *states]
        field = self.fields["unit"]
        if units is not None and (len(units) <= UNIT_CHOICES_MAX or not units_url):
            field.choices = [("", _("全部")), *units]
        else:
            # An office's or a department's queue spans thousands of units: Django renders each <option> through a
            # template (1,367 units took ~1 s of the page at 80,000 dossiers). The page carries only the chosen
            # unit; the full list comes from `units_url` when the clerk opens the select (htmx), every unit still
            # a valid choice.
            chosen = self.data.get("unit", "") if self.is_bound else ""
            if units is None:  # not even read (the office): any unit may be asked for, the queue filters the rest
                units = selectors.queue_unit_named(chosen)
                known = None
            else:
                known = {str(pk) for pk, _name in units}
            field.choices = [("", _("全部")), *[(pk, name) for pk, name in units if str(pk) == chosen]]
            field.valid_value = lambda value: value in ("", None) or (  # type: ignore[method-assign]
                str(value) in known if known is not None else str(value).isdigit())
            field.widget.attrs.update({"hx-get": f"{units_url}?{urlencode({'unit': chosen})}",
                                       "hx-trigger": "focus once, pointerenter once", "hx-swap": "innerHTML"})
        series, levels = _catalog_choices()
        self.fields["series"].choices = [("", _("全部")), *series]
        self.fields["level"].choices = [("", _("全部")), *levels]

    def filters(self) -> selectors.QueueFilters:
        if not self.is_valid():
            return selectors.QueueFilters()
        data = self.cleaned_data
        flag = {"yes": True, "no": False}
        return selectors.QueueFilters(
            state=data["state"] or "", series=data["series"], level=data["level"], unit=data["unit"],
            blocking=flag.get(data["blocking"]), overdue=flag.get(data["overdue"]),
            sort=data["sort"] or selectors.DEFAULT_SORT, pending=flag.get(data["pending"]), todo=bool(data["todo"]),
        )


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
def queue(request, organisation_id: int | None = None):
    """The organisation's queue: counts per state, filters, sort, one page of rows, and the bulk-action form."""
    organisations = list(selectors.queue_organisations_for(request.user))
    organisation = selectors.queue_organisation_get(request.user, organisation_id or request.GET.get("organisation"),
                                                    organisations)
    if organisation.kind == OrganisationKind.OFFICE:
        # the office's queue spans every unit of the province: the per-state counts come from the (held_by, state)
        # index alone, the units only when the filter is opened (grouping 51,426 rows by unit: 0.5-0.7 s at 1 M)
        counts, units = selectors.queue_state_counts(organisation), None
    else:
        counts, units = selectors.queue_summary(organisation)
    form = QueueFilterForm(request.GET or None, counts=counts, units=units,
                           units_url=reverse("review:queue_unit_options", args=[organisation.pk]))
    filters = form.filters()
    dossiers = selectors.queue_for(organisation, filters)
    count = selectors.queue_count(organisation, filters, counts)
    page = KnownCountPaginator(dossiers, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    after = request.GET.get("after", "")
    if after and filters.sort in selectors.KEYSET_SORTS:  # "next" links carry the last row: no OFFSET
        with suppress(ValueError):
            page.object_list = list(selectors.keyset_after(dossiers, filters.sort, after)[:PAGE_SIZE])
    page.object_list = list(page.object_list)
    last = page.object_list[-1] if page.object_list and page.has_next() else None
    missing_count, missing = selectors.handover_missing(organisation)
    late_count, late = selectors.handover_late_arrivals(organisation)
    return render(request, "review/queue.html", {
        "handover_missing_count": missing_count, "handover_missing": missing,
        "handover_late_count": late_count, "handover_late": late,
        "organisation": organisation, "organisations": organisations,
        "form": form, "page": page, "rows": selectors.queue_rows(page.object_list, organisation), "counts": counts,
        "total": sum(n for _s, _l, n in counts), "bulk_actions": bulk_actions_for(organisation),
        "query": _query_without(request, "page", "after"), "states": DossierState,
        "next_after": selectors.keyset_cursor(last, filters.sort) if last is not None else None,
    })


@login_required
def queue_unit_options(request, organisation_id: int):
    """The unit filter's <option>s of a queue (fetched when the select is opened), built without a template per
    option: an office's queue spans every unit of the province."""
    organisation = selectors.queue_organisation_get(request.user, organisation_id)
    _counts, units = selectors.queue_summary(organisation)
    chosen = request.GET.get("unit", "")
    options = format_html_join("", '<option value="{}"{}>{}</option>',
                               ((pk, mark_safe(" selected") if str(pk) == chosen else "", name)
                                for pk, name in units))
    return HttpResponse(format_html('<option value="">{}</option>{}', _("全部"), options))


def _bulk_input(request):
    organisation = selectors.queue_organisation_get(request.user, request.POST.get("organisation"))
    action = bulk_action_get(request.POST.get("action", ""), organisation)
    ids = [int(i) for i in request.POST.getlist("ids") if str(i).isdigit()]
    dossiers, missing = selectors.queue_dossiers_by_ids(organisation, ids)
    params = {"reason": request.POST.get("reason", ""), "starts_on": request.POST.get("starts_on", "")}
    return organisation, action, dossiers, missing, params


@require_POST
@login_required
def bulk(request):
    """Preview (default) or apply (with `apply`) a bulk action on the selected dossiers of one queue."""
    organisation, action, dossiers, missing, params = _bulk_input(request)
    applying = request.POST.get("apply") == "1"
    context = {"organisation": organisation, "action": action, "missing": missing, "params": params,
               "applying": applying}
    try:
        if applying:
            result = bulk_apply(actor=request.user, dossiers=dossiers, action=action, params=params,
                                ip=client_ip(request))
        else:
            result = bulk_preview(actor=request.user, dossiers=dossiers, action=action, params=params)
    except ApplicationError as exc:
        return render(request, "review/bulk.html", {**context, "error": exc.message}, status=exc.status)
    return render(request, "review/bulk.html", {**context, "result": result})


@login_required
def timeline(request, pk: int):
    """A dossier's history on its own page; to htmx (the reviewer's dossier page opening its history tab) the
    section alone."""
    dossier = dossier_get_for(request.user, pk)
    context = selectors.timeline_context(dossier, viewer=request.user)
    template = "review/timeline_section.html" if request.htmx else "review/timeline.html"
    response = render(request, template, {"dossier": dossier, **context})
    patch_vary_headers(response, ("HX-Request",))  # the section and the page share the URL
    return response
