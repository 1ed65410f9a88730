"""The bell's list, marking read, the channel preferences, and the admin's failed deliveries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip
from zhicheng.core.permissions import require_page

from . import selectors, services
from .permissions import can_manage_deliveries

PAGE_SIZE = 30


@login_required
def notification_list(request):
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "rows": selectors.rendered(page.object_list)})


@login_required
@require_POST
def mark_read(request, pk: int):
    try:
        notification = services.notification_mark_read(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    target = notification.link if request.POST.get("open") and notification.link else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")


@login_required
def preferences(request):
    if request.method == "POST":
        services.preferences_set(user=request.user, email=bool(request.POST.get("email")),
                                 sms=bool(request.POST.get("sms")), ip=client_ip(request))
        messages.success(request, _("通知接收方式已保存"))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"preference": selectors.preference_of(request.user)})


@login_required
def deliveries_failed(request):
    require_page(can_manage_deliveries(request.user))
    page = Paginator(selectors.deliveries_failed(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/failed.html", {"page": page})


@login_required
@require_POST
def delivery_retry(request, pk: int):
    require_page(can_manage_deliveries(request.user))
    try:
        services.delivery_retry(delivery_id=pk, actor=request.user, ip=client_ip(request))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("已重新加入发送队列"))
    return redirect("notifications:failed")
