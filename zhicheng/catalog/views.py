"""Office pages for the catalog: series with their titles and codes, and the conditions editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip, service_flash
from zhicheng.core.permissions import require_page

from . import selectors, services
from .forms import ConditionFilterForm, ConditionForm, SpecialtyForm, WaiverForm, form_add_application_error
from .permissions import can_edit_catalog


def _require_editor(user) -> None:
    require_page(can_edit_catalog(user))


@login_required
def series_list(request):
    """Every series with its title per level (most senior first) and its specialties."""
    levels = list(selectors.level_list())
    rows = []
    for series in selectors.series_list():
        by_level = {t.level_id: t for t in series.titles.all()}
        rows.append({"series": series, "titles": [by_level.get(lv.pk) for lv in levels],
                     "specialties": list(series.specialties.all())})
    return render(request, "catalog/series_list.html", {"levels": levels, "rows": rows})


def _conditions_url(series, level) -> str:
    query = []
    if series:
        query.append(f"series={series.pk}")
    if level:
        query.append(f"level={level.pk}")
    return reverse("catalog:conditions") + ("?" + "&".join(query) if query else "")


@login_required
def conditions(request):
    """The conditions of a series (and level); the office adds rows here."""
    filters = ConditionFilterForm(request.GET or None)
    series = level = None
    if filters.is_valid():
        series, level = filters.cleaned_data["series"], filters.cleaned_data["level"]
    can_edit = bool(can_edit_catalog(request.user))
    form = ConditionForm(initial={"series": series, "level": level}, series=series) if can_edit else None
    if request.method == "POST":
        _require_editor(request.user)
        form = ConditionForm(request.POST, series=series)
        if form.is_valid():
            try:
                services.condition_create(actor=request.user, data=form.cleaned_data, ip=client_ip(request))
            except ApplicationError as exc:
                form_add_application_error(form, exc)
            else:
                messages.success(request, _("申报条件已添加"))
                return redirect(_conditions_url(form.cleaned_data["series"], form.cleaned_data["level"]))
    rows = selectors.condition_list(series=series, level=level) if series or level else []
    return render(request, "catalog/conditions.html", {
        "filters": filters, "series": series, "level": level, "rows": rows, "form": form, "can_edit": can_edit,
    })


@login_required
def condition_edit(request, pk: int):
    """Change one condition row (office only)."""
    _require_editor(request.user)
    condition = selectors.condition_get(pk)
    form = ConditionForm(request.POST or None, instance=condition)
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_update(
                condition=condition, actor=request.user, data=form.cleaned_data, ip=client_ip(request)
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("申报条件已保存"))
            return redirect(_conditions_url(condition.series, condition.level))
    return render(request, "catalog/condition_edit.html", {"form": form, "condition": condition})


@require_POST
@login_required
def condition_delete(request, pk: int):
    """Remove one condition row (office only)."""
    _require_editor(request.user)
    condition = selectors.condition_get(pk)
    series, level = condition.series, condition.level
    service_flash(request, lambda: services.condition_delete(condition=condition, actor=request.user,
                                                             ip=client_ip(request)), done=_("申报条件已删除"))
    return redirect(_conditions_url(series, level))


def _toggle(request, getter, setter) -> None:
    """Switch the specialty or waiver named by the button on or off; a refusal becomes a message."""
    raw = request.POST.get("toggle", "")
    service_flash(request, lambda: setter(getter(int(raw) if raw.isdigit() else 0), request.POST.get("active") == "1"),
                  done=_("已保存"))


def _editable_list(request, *, form_class, get, toggle, create, rows, template: str, url_name: str, added: str):
    """A catalog list the office extends with a form and switches rows on and off (specialties, 破格)."""
    form = form_class(request.POST or None)
    if request.method == "POST":
        _require_editor(request.user)
        ip = client_ip(request)
        if "toggle" in request.POST:
            _toggle(request, get, lambda obj, on: toggle(obj, actor=request.user, is_active=on, ip=ip))
            return redirect(url_name)
        if form.is_valid():
            try:
                create(actor=request.user, ip=ip, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_application_error(form, exc)
            else:
                messages.success(request, added)
                return redirect(url_name)
    return render(request, template, {
        "rows": rows(), "form": form, "can_edit": bool(can_edit_catalog(request.user)),
    })


@login_required
def specialties(request):
    """The specialties of every series; the office adds them and switches them off."""
    return _editable_list(
        request, form_class=SpecialtyForm, get=selectors.specialty_get,
        toggle=lambda obj, **kw: services.specialty_update(specialty=obj, **kw),
        create=services.specialty_create, rows=selectors.specialty_list,
        template="catalog/specialties.html", url_name="catalog:specialties", added=_("专业已添加"),
    )


@login_required
def waivers(request):
    """The 破格 list: achievements that waive the education/years condition."""
    return _editable_list(
        request, form_class=WaiverForm, get=selectors.waiver_get,
        toggle=lambda obj, **kw: services.waiver_set_active(waiver=obj, **kw),
        create=services.waiver_create, rows=selectors.waiver_list,
        template="catalog/waivers.html", url_name="catalog:waivers", added=_("破格条件已添加"),
    )
