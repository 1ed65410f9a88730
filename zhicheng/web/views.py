"""The shell's own pages: the dashboard per role and the role switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.core.errors import ApplicationError

from .dashboards import dashboard_for
from .shell import active_membership, active_membership_choose, current_campaign


@login_required
def dashboard(request):
    """Show the active role's dashboard."""
    membership = active_membership(request)
    kind, context = dashboard_for(membership, current_campaign(request), timezone.now())
    context.update({"dashboard_kind": kind, "membership": membership})
    return render(request, "web/dashboard.html", context)


@login_required
@require_POST
def switch_role(request):
    """Make another of the user's own memberships the active role, then go back where they were."""
    try:
        membership = active_membership_choose(request, request.POST.get("membership"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("web:dashboard")
    messages.success(
        request,
        _("已切换到：%(org)s · %(role)s")
        % {"org": membership.organisation.name, "role": membership.get_role_display()},
    )
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = ""
    return redirect(target or "web:dashboard")
