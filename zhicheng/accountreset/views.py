"""Page: the reset's steps for the active organisation (§六(八)); set a new password; the admin re-confirms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.accounts.models import Membership, Role
from zhicheng.accounts.permissions import is_org_admin
from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.http import client_ip, service_flash

from .selectors import password_change_required, reset_state
from .services import roles_reconfirm


def _staff_organisation(user, wanted=None):
    """The organisation asked for among the user's staff memberships, else the one they administer, else any."""
    rows = list(Membership.objects.filter(user=user, is_active=True).exclude(role=Role.APPLICANT)
                .select_related("organisation").order_by("id"))
    chosen = next((m for m in rows if str(m.organisation_id) == str(wanted)), None) if wanted else None
    chosen = chosen or next((m for m in rows if m.role == Role.ORG_ADMIN), None) or (rows[0] if rows else None)
    return chosen.organisation if chosen else None


@login_required
def reset_page(request):
    organisation = _staff_organisation(request.user, request.GET.get("org"))
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        audit_event_record(event_type=EventType.USER_PASSWORD_SET_AFTER_RESET, actor=request.user, obj=request.user,
                           ip=client_ip(request))
        messages.success(request, _("密码已重新设置"))
        return redirect("accountreset:page")
    now = timezone.now()
    return render(request, "accountreset/page.html", {
        "organisation": organisation, "form": form,
        "state": reset_state(organisation, now) if organisation else None,
        "must_change": password_change_required(request.user, now),
        "is_admin": bool(organisation and is_org_admin(request.user, organisation)),
    })


@login_required
@require_POST
def reconfirm(request):
    organisation = _staff_organisation(request.user, request.POST.get("org"))
    if organisation is not None:
        service_flash(request, lambda: roles_reconfirm(actor=request.user, organisation=organisation,
                                                       ip=client_ip(request)),
                      done=_("已重新确认三类实名账号"))
    return redirect(f"{reverse('accountreset:page')}?org={organisation.pk}" if organisation else "web:dashboard")
