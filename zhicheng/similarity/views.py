"""Pages: a dossier's papers and their similarity results (everyone who sees the dossier sees who entered them);
the office's and the unit's entry forms; the office's import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip, service_flash
from zhicheng.core.permissions import require_page
from zhicheng.dossiers.selectors import dossier_get_for

from .imports import similarity_import
from .permissions import can_enter_similarity, can_import_similarity
from .selectors import dossier_papers
from .services import similarity_record


def _dossier_or_404(request, pk):
    try:
        return dossier_get_for(request.user, pk)
    except ApplicationError as exc:
        raise Http404(exc.message_zh) from exc


@login_required
def dossier_papers_page(request, pk: int):
    dossier = _dossier_or_404(request, pk)
    rows = [{"paper": p, "result": r, "can_enter": bool(can_enter_similarity(request.user, dossier,
                                                                             cnki_indexed=bool(p.cnki_indexed)))}
            for p, r in dossier_papers(dossier)]
    return render(request, "similarity/dossier.html", {"dossier": dossier, "rows": rows})


@login_required
@require_POST
def paper_result(request, pk: int, paper_id: int):
    dossier = _dossier_or_404(request, pk)
    report = request.FILES.get("report")
    service_flash(request, lambda: similarity_record(
        dossier=dossier, achievement_id=paper_id, actor=request.user, percent=request.POST.get("percent"),
        reference_no=request.POST.get("reference_no", ""), report=report.file if report else None,
        report_name=report.name if report else "", ip=client_ip(request),
    ), done=_("查重结果已保存"))
    return redirect("similarity:dossier", pk=dossier.pk)


@login_required
def office_import(request):
    require_page(can_import_similarity(request.user))
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ApplicationError("similarity_import_no_file", "请选择文件", "Choose a file")
            count = similarity_import(actor=request.user, upload=upload.file, ip=client_ip(request))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            errors = exc.details.get("errors", [])
        else:
            messages.success(request, _("已导入 %(count)d 篇论文的查重结果") % {"count": count})
            return redirect("similarity:import")
    return render(request, "similarity/import.html", {"errors": errors})
