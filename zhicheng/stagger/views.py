"""Pages: a unit's staggered-submission groups; the office's submissions per hour against capacity."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhicheng.accounts.models import Organisation
from zhicheng.campaigns.rules import deadline_day, local_date
from zhicheng.campaigns.selectors import campaign_current
from zhicheng.core.http import client_ip, service_flash
from zhicheng.core.permissions import require_page

from . import selectors, services
from .permissions import can_plan_slots, can_see_load


@login_required
def unit_slots(request, org_id: int):
    organisation = Organisation.objects.filter(pk=org_id).first()
    if organisation is None:
        from django.http import Http404

        raise Http404
    require_page(can_plan_slots(request.user, organisation))
    campaign = campaign_current()
    if request.method == "POST" and campaign is not None:
        if request.POST.get("delete"):
            service_flash(request, lambda: services.slot_delete(
                actor=request.user, organisation=organisation, slot_id=request.POST["delete"],
                ip=client_ip(request)), done=_("批次已删除"))
        else:
            service_flash(request, lambda: services.slot_create(
                actor=request.user, organisation=organisation, campaign=campaign, label=request.POST.get("label", ""),
                first_day=request.POST.get("first_day"), last_day=request.POST.get("last_day"),
                applicant_ids=request.POST.getlist("applicants"), ip=client_ip(request)), done=_("批次已保存"))
        return redirect("stagger:unit_slots", org_id=organisation.pk)
    window = (local_date(campaign.submission_opens_at), deadline_day(campaign.submission_closes_at)) \
        if campaign else None
    return render(request, "stagger/unit_slots.html", {
        "organisation": organisation, "campaign": campaign, "window": window,
        "slots": selectors.slots_of(organisation, campaign) if campaign else [],
        "applicants": selectors.unit_applicants(organisation),
    })


@login_required
def office_load(request):
    require_page(can_see_load(request.user))
    campaign = campaign_current()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    return render(request, "stagger/office_load.html", {
        "campaign": campaign, "day": day,
        "hours": selectors.submissions_per_hour(campaign, day) if campaign else [],
        "suggested": selectors.suggested_per_day(campaign) if campaign else [],
    })
