"""Public pages (no log-in): the publicity lists, the objection form and the outcome lookup by code.

They show only the public face of a candidate (selectors.PublicRow): never ID numbers, phone numbers or files.
The objection form is `csrf_exempt` for the same reason as the evidence upload (decision 21): the streaming,
size-limiting upload handler must be installed before anything reads the body; CSRF is checked right after.
"""

from __future__ import annotations

from itertools import groupby

from django.core.paginator import Paginator
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.core.http import client_ip, private_no_store, public_cacheable
from zhicheng.files.inspection import evidence_file_limit_bytes
from zhicheng.files.uploads import evidence_upload_handlers_install

from . import selectors, services
from .forms import LookupForm, ObjectionForm

PAGE_SIZE = 100


@public_cacheable(server_cache=True)
def public_list(request):
    """Current unit publicity, grouped by unit, printable."""
    today = timezone.localdate()
    page = Paginator(selectors.public_entries(today), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [selectors.public_row(e) for e in page.object_list]
    units = [(unit, list(items)) for unit, items in groupby(rows, key=lambda r: r.unit)]
    return render(request, "publicity/public_list.html", {"page": page, "units": units, "today": today})


def public_results(request):
    """Evaluation results in publicity (5 working days): name, unit, series, specialty, title, scope, exact period."""
    today = timezone.localdate()
    page = Paginator(selectors.public_entries(today, kind="result"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [selectors.public_row(e) for e in page.object_list]
    return render(request, "publicity/public_results.html", {"page": page, "rows": rows, "today": today})


def _parse_with_optional_file(request, entry):
    """Parse the body through the size-limiting handler, then check CSRF; the file (or None)."""
    handler = evidence_upload_handlers_install(request, max_bytes=evidence_file_limit_bytes(entry.batch.campaign))
    request.POST  # noqa: B018 - parses the body through the handler
    if handler.refusal is not None:
        raise handler.refusal
    if CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None:
        raise PermissionDenied("csrf_failed", "页面已过期，请刷新页面后重新提交",
                               "The page expired; reload and try again")
    return request.FILES.get("file")


def _objection_post(request, entry):
    """(filed objection and code or None, the form, a refusal that belongs to no field)."""
    form = ObjectionForm()
    try:
        upload = _parse_with_optional_file(request, entry)
        form = ObjectionForm(request.POST)
        if not form.is_valid():
            return None, form, ""
        data = form.cleaned_data
        filed = services.objection_file(entry=entry, name=data["name"], contact=data["contact"], text=data["text"],
                                        upload=upload, ip=client_ip(request))
        return filed, form, ""
    except ApplicationError as exc:
        if form.is_bound and exc.details.get("field") == "file":
            form.add_error("file", exc.message)
            return None, form, ""
        return None, form, exc.message
    finally:
        for received in getattr(request, "_files", {}).values():
            received.close()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def objection_new(request, entry_id: int):
    """The objection page for one candidate; on success the code is shown this once (never put in a URL).

    A plain GET is the cacheable page without the form (no cookie); `?form=1` opens the form with its CSRF token
    (htmx swaps it in; without script it is the whole page), never cached.
    """
    if request.method == "GET" and not request.GET.get("form"):
        return _objection_page(request, entry_id)
    entry = selectors.public_entry_get(entry_id)
    row = selectors.public_row(entry)
    form, error = ObjectionForm(), ""
    if request.method == "POST":
        filed, form, error = _objection_post(request, entry)
        if filed is not None:
            objection, code = filed
            return private_no_store(render(request, "publicity/public_filed.html",
                                           {"row": row, "objection": objection, "code": code}))
    context = {"row": row, "form": form, "error": error, "form_open": True}
    if getattr(request, "htmx", False) and request.method == "GET":
        return private_no_store(render(request, "publicity/_public_objection_form.html", context))
    return private_no_store(render(request, "publicity/public_objection.html", context))


@public_cacheable()
def _objection_page(request, entry_id: int):
    row = selectors.public_row(selectors.public_entry_get(entry_id))
    return render(request, "publicity/public_objection.html", {"row": row, "form_open": False})


@require_http_methods(["GET", "POST"])
def objection_lookup(request):
    """The outcome of an objection by its code (POSTed, so the code stays out of logs and history)."""
    form = LookupForm(request.POST or None)
    objection = None
    if request.method == "POST" and not selectors.objection_lookup_throttle().allow_request(request):
        form.add_error("code", _("查询过于频繁，请稍后再试"))
        return render(request, "publicity/public_lookup.html", {"form": form, "objection": None}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            objection = selectors.objection_by_code(form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", exc.message)
    return render(request, "publicity/public_lookup.html", {"form": form, "objection": objection})
