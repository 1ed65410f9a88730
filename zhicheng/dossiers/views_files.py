"""Evidence files over plain Django views: the streamed upload, and the permission-checked download and preview.

The preview is made when first asked for (the image or the page's htmx frame): the frame says "预览生成中…" and
asks again every few seconds until the image is there.

The upload is `csrf_exempt` because `evidence_upload_parse` must install its streaming handler before anything
reads the body; it checks CSRF itself for session users. API callers send `Authorization: Bearer <token>`
instead (no CSRF: no cookie is involved). A browser form or htmx post names where to go back with `next`
(in the query string or the form); everyone else gets JSON. Files the caller may not see are a 404, never a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from zhicheng.accounts.api_security import bearer_user, request_has_bearer
from zhicheng.core.access import access_denied, access_read
from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip
from zhicheng.files.inspection import ALLOWED, evidence_download_name, evidence_file_limit_bytes
from zhicheng.files.uploads import evidence_upload_parse
from zhicheng.files.views import preview_response, preview_status_of, private_response

from .evidence import evidence_attach
from .models import EvidenceFile
from .permissions import can_view_dossier
from .selectors import dossier_get_for


def _unauthenticated() -> ApplicationError:
    return ApplicationError("unauthenticated", "请先登录后再上传或查看佐证材料", "Please log in", status=401)


def _bearer_user(request):
    """The user of a valid `Authorization: Bearer` token; None without the header; a 401 for a bad token."""
    if not request_has_bearer(request):
        return None
    user = bearer_user(request)
    if user is None:
        raise _unauthenticated()
    return user


def _caller(request):
    """(user, by_token): the bearer's user, else the session's; anonymous callers leave as a 401."""
    user = _bearer_user(request)
    if user is not None:
        return user, True
    if not request.user.is_authenticated:
        raise _unauthenticated()
    return request.user, False


def _next_url(request) -> str | None:
    """Where a browser form asked to go back to, if it is a page of this site."""
    target = request.GET.get("next") or (request.POST.get("next") if request.method == "POST" else None)
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


def _back(request, target: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


def _error_json(exc: ApplicationError) -> JsonResponse:
    body = {"code": exc.code, "message": exc.message, "details": exc.details or {}}
    return JsonResponse(body, status=exc.status, json_dumps_params={"ensure_ascii": False})


def _file_out(row: EvidenceFile) -> dict:
    return {
        "id": row.pk, "sha256": row.sha256, "kind": row.kind, "size": row.size, "page_count": row.page_count,
        "download_url": reverse("evidence:download", args=[row.pk]),
        "preview_url": reverse("evidence:preview", args=[row.pk]),
    }


def _attach(request, dossier_id, section: str, user, by_token: bool) -> EvidenceFile:
    dossier = dossier_get_for(user, dossier_id)
    upload = None
    try:
        upload = evidence_upload_parse(
            request, max_bytes=evidence_file_limit_bytes(dossier.campaign), check_csrf=not by_token
        )
        return evidence_attach(
            dossier=dossier, section=section, item_id=request.POST.get("item_id") or None, upload=upload,
            actor=user, ip=client_ip(request), purpose=request.POST.get("purpose", ""),
        )
    finally:
        if upload is not None:
            upload.close()
        for received in getattr(request, "_files", {}).values():
            received.close()


@csrf_exempt
@require_POST
def evidence_upload(request, dossier_id: int, section: str):
    """Attach one file to a section (and row, `item_id`) of the caller's draft dossier."""
    try:
        user, by_token = _caller(request)
    except ApplicationError as exc:
        target = _next_url(request)
        return redirect_to_login(target) if target else _error_json(exc)
    try:
        row = _attach(request, dossier_id, section, user, by_token)
    except ApplicationError as exc:
        target = None if by_token else _next_url(request)
        if target is None:
            return _error_json(exc)
        messages.error(request, exc.message)
        return _back(request, target)
    target = None if by_token else _next_url(request)
    if target is None:
        return JsonResponse(_file_out(row), status=201)
    messages.success(request, _("已上传“%(name)s”") % {"name": row.original_name})
    return _back(request, target)


def _visible_file(request, file_id: int) -> EvidenceFile:
    row = (
        EvidenceFile.objects.select_related("dossier", "dossier__organisation")
        .filter(pk=file_id, deleted_at__isnull=True).first()
    )
    if row is None or not can_view_dossier(request.zc_user, row.dossier):
        access_denied(request.zc_user, reason="evidence file not visible", evidence_file=file_id)
        raise Http404(_("文件不存在或无权查看"))
    if row.dossier.applicant_id != request.zc_user.pk:
        access_read(request.zc_user, row.dossier, organisation_id=row.dossier.organisation_id, evidence_file=row.pk)
    return row


def _serve(request, file_id: int, *, preview: bool) -> HttpResponse:
    try:
        request.zc_user, _by_token = _caller(request)
    except ApplicationError as exc:
        if request.META.get("HTTP_AUTHORIZATION"):
            return _error_json(exc)
        return redirect_to_login(request.get_full_path())
    row = _visible_file(request, file_id)
    name = evidence_download_name(row.original_name, row.kind)
    if preview:  # made by the task worker; pending or unavailable answer with a placeholder image
        return preview_response(row.file.name, filename=f"{name.rsplit('.', 1)[0]}.jpg")
    response = FileResponse(default_storage.open(row.file.name, "rb"), as_attachment=True, filename=name,
                            content_type=ALLOWED[row.kind])
    return private_response(response)


@require_GET
def evidence_download(request, file_id: int):
    return _serve(request, file_id, preview=False)


@require_GET
def evidence_preview(request, file_id: int):
    return _serve(request, file_id, preview=True)


@require_GET
def evidence_preview_frame(request, file_id: int):
    """The page's preview of one file (htmx): the image once made, else "预览生成中…" polling, else why not."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    request.zc_user = request.user
    row = _visible_file(request, file_id)
    row.preview_status, _preview = preview_status_of(row.file.name)  # type: ignore[attr-defined]
    row.preview_url = reverse("evidence:preview", args=[row.pk])  # type: ignore[attr-defined]
    row.preview_frame_url = reverse("evidence:preview_frame", args=[row.pk])  # type: ignore[attr-defined]
    response = render(request, "dossiers/_preview.html", {"f": row})
    return private_response(response)
