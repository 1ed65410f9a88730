"""Public pages (no log-in): verify a certificate by number + name, by the QR code's URL, or by uploading its PDF."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhicheng.core.errors import ApplicationError

from . import selectors


def _throttled(request, context: dict):
    context["error"] = _("查询过于频繁，请稍后再试")
    return render(request, "certificates/public_verify.html", context, status=429)


@require_http_methods(["GET"])
def verify(request):
    """The verification form; with `number` and `name` in the query it answers valid / revoked / not found."""
    number, name = request.GET.get("number", ""), request.GET.get("name", "")
    context = {"number": number[:40], "name": name[:60], "result": None, "error": ""}
    if "number" in request.GET or "name" in request.GET:
        if not selectors.verify_throttle().allow_request(request):
            return _throttled(request, context)
        try:
            context["result"] = selectors.certificate_verify(number=number, name=name)
        except ApplicationError as exc:
            context["error"] = exc.message
            return render(request, "certificates/public_verify.html", context, status=exc.status)
    return render(request, "certificates/public_verify.html", context)


@require_http_methods(["GET"])
def by_code(request, code: str):
    """The URL in the certificate's QR code."""
    context = {"number": "", "name": "", "result": None, "error": "", "by_code": True}
    if not selectors.verify_throttle().allow_request(request):
        return _throttled(request, context)
    try:
        context["result"] = selectors.certificate_verify_code(code)
    except ApplicationError as exc:
        context["error"] = exc.message
        return render(request, "certificates/public_verify.html", context, status=exc.status)
    return render(request, "certificates/public_verify.html", context)


@require_http_methods(["GET", "POST"])
def verify_pdf(request):
    """Upload a certificate PDF: its signature is checked and its content compared with the register."""
    context = {"pdf": None, "error": ""}
    if request.method == "POST":
        if not selectors.verify_throttle().allow_request(request):
            context["error"] = _("查询过于频繁，请稍后再试")
            return render(request, "certificates/public_verify_pdf.html", context, status=429)
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("请选择电子证书 PDF 文件")
            return render(request, "certificates/public_verify_pdf.html", context, status=400)
        try:
            context["pdf"] = selectors.certificate_verify_pdf(upload.read(selectors.MAX_PDF_BYTES + 1))
        except ApplicationError as exc:
            context["error"] = exc.message
            return render(request, "certificates/public_verify_pdf.html", context, status=exc.status)
    return render(request, "certificates/public_verify_pdf.html", context)
