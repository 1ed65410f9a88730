"""Pages of the social-security check, and the streamed upload (a plain view: ninja cannot stream, decision 21).

The upload takes a session (with its CSRF token) or `Authorization: Bearer <token>`; API callers get JSON
(201 with the import, or the error with its 4xx), a browser form goes back to the import list.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from zhicheng.accounts.api_security import bearer_user, request_has_bearer
from zhicheng.campaigns.models import Campaign
from zhicheng.campaigns.selectors import campaign_current
from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip
from zhicheng.core.permissions import require, require_page

from .permissions import can_upload_contributions, can_view_checks, can_view_imports
from .selectors import FILTERS, checks_visible_to, import_get_for, imports_for
from .services import MAX_UPLOAD_BYTES, contribution_import_create
from .uploads import contribution_upload_parse

PAGE_SIZE = 50
ERRORS_PAGE_SIZE = 100


def _error_json(exc: ApplicationError) -> JsonResponse:
    body = {"code": exc.code, "message": exc.message, "details": exc.details or {}}
    return JsonResponse(body, status=exc.status, json_dumps_params={"ensure_ascii": False})


def _caller(request):
    """(user, by_token): a bearer token's user, else the session's; anonymous callers are a 401."""
    if request_has_bearer(request):
        user = bearer_user(request)
        if user is not None:
            return user, True
    elif request.user.is_authenticated:
        return request.user, False
    raise ApplicationError("unauthenticated", "请先登录", "Please log in", status=401)


def import_out(row) -> dict:
    return {
        "id": row.pk, "campaign_id": row.campaign_id, "original_name": row.original_name, "status": row.status,
        "rows_total": row.rows_total, "rows_ok": row.rows_ok, "rows_bad": row.rows_bad,
        "dossiers_matched": row.dossiers_matched, "url": reverse("api:socsec_import", args=[row.pk]),
    }


def _campaign(request) -> Campaign:
    raw = request.POST.get("campaign") or ""
    campaign = Campaign.objects.filter(pk=raw).first() if raw.isdigit() else campaign_current()
    if campaign is None:
        raise ApplicationError("socsec_no_campaign", "请选择年度评审", "Choose the campaign",
                               details={"field": "campaign"})
    return campaign


def _upload(request, user, by_token: bool):
    require(can_upload_contributions(user))  # before reading a byte of the body
    upload = contribution_upload_parse(request, max_bytes=MAX_UPLOAD_BYTES, check_csrf=not by_token)
    try:
        return contribution_import_create(campaign=_campaign(request), upload=upload, actor=user,
                                          ip=client_ip(request))
    finally:
        upload.close()


@csrf_exempt
@require_POST
def import_upload(request):
    """Receive the bureau's file (multipart field `file`, optional `campaign`) and queue its import.

    A browser form posts to `?next=1` and is redirected; without it the answer is JSON.
    """
    by_token = bool(request.META.get("HTTP_AUTHORIZATION"))
    try:
        user, by_token = _caller(request)
        row = _upload(request, user, by_token)
    except ApplicationError as exc:
        if by_token or request.GET.get("next") is None:
            return _error_json(exc)
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("socialsecurity:imports"))
    if by_token or request.GET.get("next") is None:
        return JsonResponse(import_out(row), status=201, json_dumps_params={"ensure_ascii": False})
    messages.success(request, _("已接收“%(name)s”，正在后台导入") % {"name": row.original_name})
    return HttpResponseRedirect(reverse("socialsecurity:import_detail", args=[row.pk]))


@login_required
@require_GET
def import_list(request):
    require_page(can_view_imports(request.user))
    page = Paginator(imports_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "socialsecurity/imports.html", {
        "page": page, "campaigns": Campaign.objects.order_by("-year"), "current": campaign_current(),
        "can_upload": bool(can_upload_contributions(request.user)),
    })


@login_required
@require_GET
def import_detail(request, pk: int):
    require_page(can_view_imports(request.user))
    row = import_get_for(request.user, pk)
    errors = Paginator(row.errors, ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "socialsecurity/import_detail.html", {"row": row, "errors": errors})


@login_required
@require_GET
def check_list(request):
    """The current checks of the dossiers the user reviews, filterable by mismatch or failing R-SOCSEC."""
    require_page(can_view_checks(request.user))
    only = request.GET.get("only", "")
    only = only if only in FILTERS else ""
    page = Paginator(checks_visible_to(request.user, only=only), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "socialsecurity/checks.html", {"page": page, "only": only})
