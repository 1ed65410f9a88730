"""Pages: the eligibility checklist (a partial shown beside the dossier, refreshed by htmx) and its actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.core.http import client_ip, refusals_go_back
from zhicheng.dossiers.selectors import dossier_get_for

from . import services
from .models import ExemptionDeclaration, FindingOverride
from .panels import checklist_context
from .selectors import eligibility_history


@login_required
def checklist(request, pk: int):
    """The checklist alone for htmx; otherwise the full page with the history of checks."""
    dossier = dossier_get_for(request.user, pk)
    context = checklist_context(request, dossier)
    if request.htmx:
        context["here"] = request.headers.get("HX-Current-URL") or reverse("eligibility:checklist", args=[pk])
        return render(request, "eligibility/_checklist.html", context)
    context["here"] = reverse("eligibility:checklist", args=[pk])
    return render(request, "eligibility/dossier.html", {**context, "history": eligibility_history(dossier)[:20]})


def _back_url(request, pk: int, *_args, **_ids) -> str:
    """The page the form was on (`next`, same host only), else the checklist page."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("eligibility:checklist", args=[pk])


def _act(request, dossier, action, done: str):
    """Run the service (a refusal is flashed by ErrorPageMiddleware via `refusals_go_back`) and go back."""
    action()
    messages.success(request, done)
    return redirect(_back_url(request, dossier.pk))


def _item(model, dossier, pk: int):
    obj = model.objects.filter(dossier=dossier, pk=pk).select_related("dossier").first()
    if obj is None:
        raise Http404(_("记录不存在"))
    return obj


@require_POST
@login_required
@refusals_go_back(_back_url)
def exemption_declare(request, pk: int):
    dossier = dossier_get_for(request.user, pk)
    return _act(request, dossier, lambda: services.exemption_declare(
        dossier=dossier, rule=request.POST.get("rule", ""), subject=request.POST.get("subject", ""),
        statement=request.POST.get("statement", ""), actor=request.user, ip=client_ip(request),
    ), _("已声明豁免，提交后由审核人员确认"))


@require_POST
@login_required
@refusals_go_back(_back_url)
def finding_override(request, pk: int):
    dossier = dossier_get_for(request.user, pk)
    return _act(request, dossier, lambda: services.finding_override(
        dossier=dossier, rule=request.POST.get("rule", ""), subject=request.POST.get("subject", ""),
        reason=request.POST.get("reason", ""), actor=request.user, ip=client_ip(request),
    ), _("已认定，理由将向后续审核人员显示"))


@require_POST
@login_required
@refusals_go_back(_back_url)
def override_revoke(request, pk: int, override_id: int):
    dossier = dossier_get_for(request.user, pk)
    override = _item(FindingOverride, dossier, override_id)
    return _act(request, dossier, lambda: services.override_revoke(
        override=override, actor=request.user, ip=client_ip(request)), _("认定已撤销"))


@require_POST
@login_required
@refusals_go_back(_back_url)
def exemption_decide(request, pk: int, declaration_id: int, decision: str):
    dossier = dossier_get_for(request.user, pk)
    declaration = _item(ExemptionDeclaration, dossier, declaration_id)
    service = {"confirm": services.exemption_confirm, "refuse": services.exemption_refuse}.get(decision)
    if service is None:
        raise Http404(_("没有此操作"))
    return _act(request, dossier, lambda: service(
        declaration=declaration, actor=request.user, note=request.POST.get("note", ""), ip=client_ip(request),
    ), _("已确认豁免") if decision == "confirm" else _("已不予确认"))
