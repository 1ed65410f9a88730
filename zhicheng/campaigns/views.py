"""Office pages for campaigns: list, detail with its timeline, edit, clone, routes and quotas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.catalog.forms import form_add_application_error
from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip, refusals_go_back, service_flash
from zhicheng.core.permissions import require_page

from . import selectors, services
from .forms import CampaignForm, CloneForm, QuotaForm, RouteForm
from .permissions import can_manage_campaigns
from .timeline import campaign_timeline_rows


def _require_manager(user) -> None:
    require_page(can_manage_campaigns(user))


@login_required
def campaign_list(request):
    """All campaigns, newest first."""
    return render(request, "campaigns/list.html", {
        "campaigns": selectors.campaign_list(), "can_manage": bool(can_manage_campaigns(request.user)),
    })


@login_required
def campaign_detail(request, pk: int):
    """One campaign: its timeline, publicity, thresholds, routes and quotas."""
    campaign = selectors.campaign_get(pk)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "timeline": campaign_timeline_rows(campaign),
        "routes": selectors.campaign_routes(campaign), "quotas": selectors.campaign_quotas(campaign),
        "can_manage": bool(can_manage_campaigns(request.user)), "clone_form": CloneForm(),
    })


def _save_form(request, form: CampaignForm, campaign=None):
    """Run the create/update service with the form's values; None when it refused (errors on the form)."""
    try:
        if campaign is None:
            return services.campaign_create(actor=request.user, data=form.cleaned_data, ip=client_ip(request))
        return services.campaign_update(
            campaign=campaign, actor=request.user, data=form.cleaned_data, ip=client_ip(request)
        )
    except ApplicationError as exc:
        form_add_application_error(form, exc)
        return None


@login_required
def campaign_create(request):
    """A new campaign from scratch (cloning last year's is usually quicker)."""
    _require_manager(request.user)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = _save_form(request, form)
        if campaign is not None:
            messages.success(request, _("年度评审已创建"))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/edit.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request, pk: int):
    """Edit every window, publicity length, threshold, limit and the pledge text."""
    _require_manager(request.user)
    campaign = selectors.campaign_get(pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        saved = _save_form(request, form, campaign)
        if saved is not None:
            messages.success(request, _("年度评审已保存"))
            return redirect("campaigns:detail", pk=saved.pk)
    return render(request, "campaigns/edit.html", {"form": form, "campaign": selectors.campaign_get(pk)})


def _detail_url(request, pk: int) -> str:
    return reverse("campaigns:detail", args=[pk])


@require_POST
@login_required
@refusals_go_back(_detail_url)
def campaign_clone(request, pk: int):
    """Copy the campaign to the next (or a given) year as a draft, then open it for editing."""
    _require_manager(request.user)
    source = selectors.campaign_get(pk)
    form = CloneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("复制年度须为 2000 至 2100 之间的整数"))
        return redirect("campaigns:detail", pk=pk)
    campaign = services.campaign_clone(
        source=source, actor=request.user, year=form.cleaned_data["year"], ip=client_ip(request)
    )
    messages.success(request, _("已复制为 %(year)s 年度（草稿），请按新年度通知核对各项日期") % {"year": campaign.year})
    return redirect("campaigns:edit", pk=campaign.pk)


def _routes_post(request, campaign, route_form: RouteForm, quota_form: QuotaForm) -> bool:
    """Apply the submitted route or quota form; True when saved."""
    action = request.POST.get("action")
    form = route_form if action == "route" else quota_form
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        if action == "route":
            services.campaign_route_set(
                campaign=campaign, actor=request.user, series=data["series"], level=data["level"],
                route=data["route"], committee=data["committee"], ip=client_ip(request),
            )
        else:
            services.campaign_quota_set(
                campaign=campaign, actor=request.user, series=data["series"], level=data["level"],
                count=data["count"], note=data["note"], ip=client_ip(request),
            )
    except ApplicationError as exc:
        form_add_application_error(form, exc)
        return False
    return True


@login_required
def campaign_routes(request, pk: int):
    """Routes (self-run or entrusted; anything not listed is entrusted) and the evaluation plan."""
    campaign = selectors.campaign_get(pk)
    can_manage = bool(can_manage_campaigns(request.user))
    action = request.POST.get("action") if request.method == "POST" else None
    route_form = RouteForm(request.POST if action == "route" else None, prefix="route")
    quota_form = QuotaForm(request.POST if action == "quota" else None, prefix="quota")
    if request.method == "POST":
        _require_manager(request.user)
        if _routes_post(request, campaign, route_form, quota_form):
            messages.success(request, _("已保存"))
            return redirect("campaigns:routes", pk=pk)
    return render(request, "campaigns/routes.html", {
        "campaign": campaign, "routes": selectors.campaign_routes(campaign),
        "quotas": selectors.campaign_quotas(campaign), "route_form": route_form, "quota_form": quota_form,
        "can_manage": can_manage,
    })


@require_POST
@login_required
def route_delete(request, pk: int, route_pk: int):
    """Remove a route row; that series/level becomes entrusted."""
    _require_manager(request.user)
    campaign = selectors.campaign_get(pk)
    row = selectors.campaign_route_get(campaign, route_pk)
    service_flash(request, lambda: services.campaign_route_delete(route=row, actor=request.user, ip=client_ip(request)),
                  done=_("已删除，该系列级别改为委托评审"))
    return redirect("campaigns:routes", pk=pk)


@require_POST
@login_required
def quota_delete(request, pk: int, quota_pk: int):
    """Remove a row of the evaluation plan."""
    _require_manager(request.user)
    campaign = selectors.campaign_get(pk)
    row = selectors.campaign_quota_get(campaign, quota_pk)
    service_flash(request, lambda: services.campaign_quota_delete(quota=row, actor=request.user, ip=client_ip(request)),
                  done=_("评审计划已删除"))
    return redirect("campaigns:routes", pk=pk)
