"""Staff pages: publish a batch (with a preview), the batches, closing, objections and their decisions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.catalog.forms import form_add_application_error
from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip, refusals_go_back
from zhicheng.core.permissions import deny, require_page
from zhicheng.files.inspection import ALLOWED, evidence_download_name

from . import selectors, services
from .forms import DecideForm, PublishForm
from .permissions import publicity_organisation_ids

PAGE_SIZE = 20


def _staff_only(user) -> None:
    if not publicity_organisation_ids(user):
        require_page(deny("仅单位审查经办、审查领导可办理公示", "Only review clerks and leaders handle publicity"))


@login_required
def batch_list(request):
    _staff_only(request.user)
    page = Paginator(selectors.publicity_batches_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "publicity/batches.html", {"page": page})


@login_required
def batch_detail(request, pk: int):
    batch = selectors.publicity_batch_get_for(request.user, pk)
    entries = selectors.publicity_entries_of(batch)
    return render(request, "publicity/batch.html", {"batch": batch, "entries": entries})


def _batch_url(request, pk: int) -> str:
    return reverse("publicity:batch", args=[pk])


@login_required
@require_POST
@refusals_go_back(_batch_url)
def batch_close(request, pk: int):
    batch = selectors.publicity_batch_get_for(request.user, pk)
    result = services.publicity_close(actor=request.user, batch=batch, ip=client_ip(request))
    messages.success(request, _("已结束 %(n)d 人的公示") % {"n": len(result.closed)})
    if result.paused:
        messages.warning(request, _("%(n)d 人有待处理的异议，处理后再结束其公示") % {"n": len(result.paused)})
    return redirect("publicity:batch", pk=batch.pk)


def _publish_post(request, form, chosen):
    kwargs = {"actor": request.user, "dossiers": chosen, "starts_on": form.cleaned_data["starts_on"]}
    if request.POST.get("action") != "publish":
        plan = services.publicity_plan(**kwargs)
        return render(request, "publicity/publish_preview.html", {"form": form, "plan": plan})
    result = services.publicity_publish(**kwargs, ip=client_ip(request))
    messages.success(request, _("已发布 %(n)d 人的公示") % {"n": len(result.published)})
    for item in result.skipped:
        messages.warning(request, f"{item.dossier.applicant.real_name}：{item.refusal.message}")
    return redirect("publicity:batches")


@login_required
def publish(request):
    """Choose dossiers that passed unit review and a start date; preview the periods, then publish."""
    _staff_only(request.user)
    candidates = list(selectors.publicity_candidates_for(request.user)[:500])
    if request.method != "POST":
        return render(request, "publicity/publish.html", {"form": PublishForm(candidates=candidates),
                                                          "candidates": candidates})
    ids = [int(x) for x in request.POST.getlist("dossier") if x.isdigit()]
    chosen = selectors.publicity_dossiers_for(request.user, ids)  # any state: the service says why it skips
    if ids and not chosen:
        raise Http404(_("申报材料不存在或无权办理"))
    form = PublishForm(request.POST, candidates=chosen)
    if form.is_valid():
        try:
            return _publish_post(request, form, chosen)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
    return render(request, "publicity/publish.html", {"form": form, "candidates": candidates})


@login_required
def objection_list(request):
    _staff_only(request.user)
    status = request.GET.get("status") or None
    qs = selectors.objections_for(request.user, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "publicity/objections.html", {"page": page, "status": status})


@login_required
def objection_detail(request, pk: int):
    objection = selectors.objection_get_for(request.user, pk)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_decide(objection=objection, actor=request.user, ip=client_ip(request),
                                      **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("已记录异议处理结果"))
            return redirect("publicity:objection", pk=objection.pk)
    return render(request, "publicity/objection.html", {"objection": objection, "form": form})


@login_required
def objection_file_download(request, pk: int):
    objection = selectors.objection_get_for(request.user, pk)
    if not objection.file:
        raise Http404(_("此异议没有附件"))
    response = FileResponse(
        default_storage.open(objection.file.name, "rb"), as_attachment=True, content_type=ALLOWED[objection.file_kind],
        filename=evidence_download_name(objection.file_name, objection.file_kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def _results_url(request) -> str:
    return reverse("publicity:results")


@login_required
@refusals_go_back(_results_url)
def results_publish(request):
    """The title office publishes passed evaluation results (5 working days; the end date is shown per person)."""
    _staff_only(request.user)
    if request.method == "POST":
        try:
            starts_on = dt.date.fromisoformat(request.POST.get("starts_on", ""))
        except ValueError as exc:
            raise ApplicationError("invalid_date", "请填写公示开始日期", "Give the start date") from exc
        ids = [int(i) for i in request.POST.getlist("dossier") if i.isdigit()]
        dossiers = selectors.result_dossiers_for(request.user, ids)
        if not dossiers:
            raise ApplicationError("nothing_chosen", "请选择要公示的人员", "Choose the persons to publish")
        result = services.result_publicity_publish(actor=request.user, dossiers=dossiers, starts_on=starts_on,
                                                   ip=client_ip(request))
        if result.published:
            messages.success(request, _("已发布 %(n)d 人的评审结果公示，公示期 %(start)s 至 %(end)s") % {
                "n": len(result.published), "start": starts_on, "end": result.batches[0].ends_on})
        for item in result.skipped:
            messages.warning(request, f"{item.dossier.applicant.real_name}：{item.refusal.message}")
        return redirect("publicity:results")
    page = Paginator(selectors.result_candidates_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "publicity/results_publish.html", {"page": page, "today": timezone.localdate()})
