"""Pages: the holder's certificates; the office's title documents, batch issue, ZIP, revocation, register export."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip, refusals_go_back
from zhicheng.core.permissions import deny, require_page

from . import selectors, services
from .models import RevocationReason

PAGE_SIZE = 50


def _office_only(user) -> None:
    if not selectors.office_ids(user):
        require_page(deny("仅职改办工作人员可办理", "Only the title office's staff may do this"))


@login_required
def mine(request):
    return render(request, "certificates/mine.html", {"certificates": selectors.certificates_of_holder(request.user)})


@login_required
def mine_pdf(request, pk: int):
    """The holder's own certificate; another person's id is 404 (no hint it exists)."""
    cert = selectors.certificate_of_holder_get(request.user, pk)
    services.certificate_download_record(actor=request.user, certificate=cert, ip=client_ip(request))
    return FileResponse(default_storage.open(cert.pdf.name, "rb"), as_attachment=True, filename=f"{cert.number}.pdf",
                        content_type="application/pdf")


def _documents_url(request, **kwargs) -> str:
    return reverse("certificates:documents")


@login_required
@refusals_go_back(_documents_url)
def documents(request):
    """Approved documents, and the form approving a new one for the results whose publicity ended."""
    _office_only(request.user)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("dossier") if i.isdigit()]
        chosen = list(selectors.conferrable_for(request.user).filter(pk__in=ids))
        try:
            issued_on = dt.date.fromisoformat(request.POST.get("issued_on", ""))
        except ValueError as exc:
            raise ApplicationError("invalid_date", "请填写发文日期", "Give the document's date") from exc
        document = services.title_document_approve(
            actor=request.user, dossiers=chosen, number=request.POST.get("number", ""), issued_on=issued_on,
            heading=request.POST.get("heading", ""), ip=client_ip(request),
        )
        messages.success(request, _("已审批文件 %(number)s，请签发电子证书") % {"number": document.number})
        return redirect("certificates:document", pk=document.pk)
    page = Paginator(selectors.documents_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/documents.html", {
        "page": page, "candidates": selectors.conferrable_for(request.user)[:500], "today": timezone.localdate(),
    })


@login_required
def document_detail(request, pk: int):
    document = selectors.document_get_for(request.user, pk)
    page = Paginator(document.certificates.select_related("dossier__organisation").order_by("number"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/document.html", {
        "document": document, "page": page, "runs": document.issue_runs.all()[:5], "reasons": RevocationReason.choices,
    })


def _document_url(request, pk: int) -> str:
    return reverse("certificates:document", args=[pk])


@login_required
@require_POST
@refusals_go_back(_document_url)
def document_issue(request, pk: int):
    document = selectors.document_get_for(request.user, pk)
    run = services.certificates_issue_start(actor=request.user, document=document, ip=client_ip(request))
    messages.success(request, _("已开始签发 %(n)d 份电子证书") % {"n": run.total})
    return redirect("certificates:document", pk=pk)


@login_required
def document_zip(request, pk: int):
    document = selectors.document_get_for(request.user, pk)
    data = services.document_zip(actor=request.user, document=document)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}.zip"'
    return response


def _certificate_document_url(request, pk: int) -> str:
    cert = selectors.office_certificate_get_for(request.user, pk)
    return reverse("certificates:document", args=[cert.document_id])


@login_required
@require_POST
@refusals_go_back(_certificate_document_url)
def certificate_revoke(request, pk: int):
    cert = selectors.office_certificate_get_for(request.user, pk)
    services.certificate_revoke(actor=request.user, certificate=cert, reason=request.POST.get("reason", ""),
                                decision_document=request.POST.get("decision_document", ""),
                                note=request.POST.get("note", ""), ip=client_ip(request))
    messages.success(request, _("已撤销证书 %(number)s") % {"number": cert.number})
    return redirect("certificates:document", pk=cert.document_id)


@login_required
def register_export(request):
    """The national register export (CSV or XLSX) of the office's approved titles of a year."""
    _office_only(request.user)
    from zhicheng.accounts.models import Organisation

    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError as exc:
        raise ApplicationError("invalid_year", "年度格式不正确", "Invalid year") from exc
    office = Organisation.objects.get(pk=sorted(selectors.office_ids(request.user))[0])
    export = services.register_export(actor=request.user, office=office, year=year,
                                      fmt=request.GET.get("format", "csv"), ip=client_ip(request))
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
