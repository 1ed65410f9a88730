"""Calendar pages: the office edits overrides and confirms years; everyone signed in may see the year grid."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.accounts.permissions import is_office_staff
from zhicheng.core import selectors
from zhicheng.core.calendar import year_is_packaged
from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip, service_flash
from zhicheng.core.permissions import require_page

from . import services
from .forms import OverrideForm, YearConfirmForm, YearForm
from .grid import year_grid


def _office_only(request) -> None:
    require_page(is_office_staff(request.user))


def _year_from(request) -> int:
    form = YearForm(request.GET or request.POST)
    if form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return timezone.localdate().year


def _back(year: int):
    return redirect(f"{reverse('calendar:overrides')}?year={year}")


def _error_to_form(form, exc: ApplicationError) -> None:
    """Show a service refusal next to the field it concerns, or above the form."""
    field = next((key for key in exc.details if key in form.fields), None)
    form.add_error(field, exc.message)


@login_required
def overrides(request):
    """List a year's overrides; add one date or a range."""
    _office_only(request)
    year = _year_from(request)
    form = OverrideForm(request.POST or None, initial={"kind": "holiday"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.override_range_create(
                actor=request.user, first=data["first"], last=data["last"] or data["first"], kind=data["kind"],
                name=data["name"], note=data["note"], ip=client_ip(request),
            )
        except ApplicationError as exc:
            _error_to_form(form, exc)
        else:
            messages.success(request, _("已录入 %(n)d 天的调整") % {"n": len(created)})
            return _back(created[0].date.year)
    context = {
        "year": year, "form": form, "overrides": selectors.override_list(year=year),
        "confirm_form": YearConfirmForm(initial={"year": year}), "schedules": selectors.schedule_list(),
        "year_confirmed": selectors.calendar_year_confirmed(year), "year_packaged": year_is_packaged(year),
    }
    return render(request, "calendar/overrides.html", context)


@login_required
@require_POST
def override_delete(request, pk: int):
    """Remove one override (POST only)."""
    _office_only(request)
    override = selectors.override_get(pk=pk)
    if override is None:
        raise Http404
    year = override.date.year
    done = _("已删除调整：%(name)s") % {"name": str(override)}
    service_flash(request, lambda: services.override_delete(actor=request.user, override=override,
                                                           ip=client_ip(request)), done=done)
    return _back(year)


@login_required
@require_POST
def year_confirm(request):
    """Confirm that a year's State Council schedule is entered."""
    _office_only(request)
    form = YearConfirmForm(request.POST)
    year = _year_from(request)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(year)
    service_flash(request, lambda: services.schedule_year_confirm(
        actor=request.user, year=year, note=form.cleaned_data["note"], ip=client_ip(request),
    ), done=_("已确认 %(year)d 年节假日安排") % {"year": year})
    return _back(year)


@login_required
def year_view(request, year: int):
    """A year as twelve month grids showing holidays and make-up working days."""
    if not 2000 <= year <= 2100:
        raise Http404
    try:
        months, error = year_grid(year), ""
    except ApplicationError as exc:
        months, error = [], exc.message
    context = {"year": year, "months": months, "error": error, "can_edit": bool(is_office_staff(request.user))}
    return render(request, "calendar/year.html", context)
