"""Notice board pages: public list and detail with attachments (no log-in, cacheable), the office's own page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.core.errors import PermissionDenied
from zhicheng.core.http import client_ip, refusals_go_back
from zhicheng.files.inspection import ALLOWED, evidence_download_name

from . import selectors, services
from .models import NoticeCategory
from .permissions import publishing_offices

PAGE_SIZE = 20
PUBLIC_MAX_AGE = 300  # seconds a shared cache may keep the public list or a notice


def _cacheable(request, response: HttpResponse) -> HttpResponse:
    """Anonymous readers get a response any cache may keep; a logged-in reader's page carries their shell."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def public_list(request):
    """Every published notice, newest first, by category; paginated."""
    category = request.GET.get("category", "")
    category = category if category in NoticeCategory.values else ""
    qs = selectors.notices_public(office_id=_int(request.GET.get("office")), category=category)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _cacheable(request, render(request, "noticeboard/public_list.html", {
        "page": page, "category": category, "categories": NoticeCategory.choices,
    }))


def public_detail(request, pk: int):
    return _cacheable(request, render(request, "noticeboard/public_detail.html",
                                      {"notice": selectors.notice_public_get(pk)}))


def public_file(request, pk: int, attachment_id: int):
    attachment = selectors.notice_attachment_public_get(pk, attachment_id)
    kind = attachment.file_kind
    response = FileResponse(attachment.file.open("rb"), content_type=ALLOWED.get(kind, "application/octet-stream"),
                            as_attachment=True, filename=evidence_download_name(attachment.file_name, kind))
    patch_cache_control(response, public=True, max_age=3600)
    return response


@login_required
def manage(request):
    """The office's notices (withdrawn ones too) and the publish form; only its staff see this page."""
    offices = list(publishing_offices(request.user))
    if not offices:
        raise PermissionDenied("notice_forbidden", "仅职改办工作人员可以发布通知公告",
                               "Only the title office's staff publish notices")
    page = Paginator(selectors.notices_managed_by(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "noticeboard/manage.html", {
        "page": page, "offices": offices, "categories": NoticeCategory.choices,
    })


def _back(request, **kwargs) -> str:
    return reverse("noticeboard:manage")


@require_POST
@login_required
@refusals_go_back(_back)
def publish(request):
    office_id = _int(request.POST.get("office"))
    office = next((o for o in publishing_offices(request.user) if o.pk == office_id), None)
    if office is None:
        raise PermissionDenied("notice_forbidden", "仅本职改办的工作人员可以发布本机构的通知公告",
                               "Only this office's staff publish its notices")
    notice = services.notice_publish(actor=request.user, office=office, title=request.POST.get("title", ""),
                                     category=request.POST.get("category", ""), body=request.POST.get("body", ""),
                                     uploads=request.FILES.getlist("files"), ip=client_ip(request))
    messages.success(request, _("通知公告已发布：%(title)s") % {"title": notice.title})
    return redirect("noticeboard:manage")


@require_POST
@login_required
@refusals_go_back(_back)
def withdraw(request, pk: int):
    notice = selectors.notice_managed_get(request.user, pk)
    services.notice_withdraw(actor=request.user, notice=notice, ip=client_ip(request))
    messages.success(request, _("通知公告已撤下"))
    return redirect("noticeboard:manage")
