"""The applicant's dossier pages and the reviewer's read view; thin: parse, call one service, render.

The pages that show other apps' panels answer with a TemplateResponse: web (urls_dossiers) adds the panels.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.campaigns.models import CampaignStatus
from zhicheng.campaigns.selectors import campaign_current, campaign_submission_is_open
from zhicheng.catalog.forms import form_add_application_error
from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip, refusals_go_back
from zhicheng.files.models import StoredFile

from . import selectors, services
from .evidence import purpose_preselected, section_purposes
from .forms import FinalWithdrawForm, PledgeForm, SectionForm, StartForm, WithdrawForm
from .guidance import applicant_guidance
from .hooks import change_requests_for
from .models import Dossier, DossierState, EvidenceFile, EvidencePurpose
from .permissions import can_edit_dossier
from .sections import SECTIONS
from .snapshot import version_diff

PAGE_SIZE = 20


def _spec_or_404(section: str):
    spec = SECTIONS.get(section)
    if spec is None:
        raise Http404(_("没有此栏目"))
    return spec


def _file_url(name: str, file_id: int) -> str:
    """The evidence pages (download, preview) by name when installed, else their fixed paths."""
    try:
        return reverse(f"evidence:{name}", args=[file_id])
    except NoReverseMatch:
        return f"/evidence/{file_id}/{name}/"


def _upload_url(dossier, section: str) -> str:
    try:
        return reverse("evidence:upload", args=[dossier.pk, section])
    except NoReverseMatch:
        return f"/evidence/dossiers/{dossier.pk}/{section}/"


def _files_by_item(dossier, section: str | None = None) -> dict:
    """The dossier's live evidence files keyed by (section, item id), each with its download and preview URLs and
    how far its preview got (None for files stored before the record existed)."""
    preview_status = StoredFile.objects.filter(name=OuterRef("file")).values("preview_status")[:1]
    files = (EvidenceFile.objects.filter(dossier=dossier, deleted_at__isnull=True)
             .annotate(preview_status=Subquery(preview_status)).order_by("id"))
    if section is not None:
        files = files.filter(section=section)
    grouped: dict = {}
    for f in files:
        # the template reads them as attributes of the file
        f.download_url, f.preview_url = _file_url("download", f.pk), _file_url("preview", f.pk)  # type: ignore[attr-defined]
        f.preview_frame_url = _file_url("preview_frame", f.pk)  # type: ignore[attr-defined]
        grouped.setdefault((f.section, f.item_id), []).append(f)
    return grouped


def _row_cells(spec, item) -> list:
    """(label, shown value) of each field of a row, choices in words."""
    cells = []
    for name in spec.fields:
        field = spec.model._meta.get_field(name)
        value = getattr(item, name)
        if field.choices and value not in (None, ""):
            value = getattr(item, f"get_{name}_display")()
        elif isinstance(value, bool):
            value = _("是") if value else _("否")
        cells.append((field.verbose_name, "" if value is None else value))
    return cells


def _completeness(dossier) -> list[dict]:
    """Per section: its label, how many rows and how many evidence files (stored beside the dossier)."""
    return [{"key": key, "label": spec.label, **counts[key]}
            for counts in [selectors.dossier_section_counts(dossier)] for key, spec in SECTIONS.items()]


def section_label(spec) -> str:
    """The section's name in the page's language."""
    return spec.label_en.capitalize() if (get_language() or "").startswith("en") else spec.label_zh


def _change_marks(dossier) -> dict:
    """(section, row id) → the open requests' texts to mark in place (review's open return, via hooks)."""
    marks: dict = {}
    for requests in change_requests_for(dossier):
        for target, texts in requests.by_target.items():
            marks.setdefault(target, []).extend(texts)
    return marks


def dossier_state_context(request, dossier) -> dict:
    """The state badge, the pledge and what to do next; `can_edit` shows the forms to the applicant only."""
    pledge, pledge_outdated = selectors.dossier_pledge_state(dossier)
    requests = change_requests_for(dossier) if dossier.state == DossierState.RETURNED else []
    guidance = applicant_guidance(dossier, now=timezone.now(), pledge=pledge, pledge_outdated=pledge_outdated,
                                  change_requests=requests)
    return {"dossier": dossier, "pledge": pledge, "pledge_outdated": pledge_outdated,
            "can_edit": bool(can_edit_dossier(request.user, dossier)), "guidance": guidance,
            "next_step": guidance.next_step, "is_owner": dossier.applicant_id == request.user.pk,
            "eligibility": dossier.eligibility_status, "change_requests": requests}


def _share_current_campaign(request, campaign, *, known: bool = True) -> None:
    """Hand the active campaign this view already read to the page's top bar (web.shell.current_campaign keeps it
    on the request), so the shell does not read it again. At most one campaign is active (a unique constraint):
    a dossier whose campaign is active knows it; one whose campaign is not leaves the shell to look."""
    if known:
        request._zc_campaign = campaign


@login_required
def dossier_mine(request):
    """The applicant's dossier for the current campaign, or the form to start one."""
    campaign = campaign_current()
    _share_current_campaign(request, campaign)
    dossier = selectors.dossier_active_for(request.user, campaign) if campaign else None
    if dossier is None and campaign is not None:  # withdrawn after the close: shown read-only, the year ends
        dossier = selectors.dossier_withdrawn_for(request.user, campaign)
    if dossier is not None:
        return TemplateResponse(request, "dossiers/mine.html", {
            **dossier_state_context(request, dossier), "campaign": campaign, "sections": _completeness(dossier),
        })
    form = StartForm(request.POST or None)
    if request.method == "POST" and campaign is not None and form.is_valid():
        try:
            dossier = services.dossier_create(actor=request.user, campaign=campaign, ip=client_ip(request),
                                              **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("申报材料已创建，请逐项填写"))
            return redirect("dossiers:mine")
    return render(request, "dossiers/start.html", {"campaign": campaign, "form": form})


@login_required
def dossier_list(request):
    """The dossiers the user may see (their own; submitted ones of the organisations they review)."""
    page = Paginator(selectors.dossiers_visible_to(request.user).order_by("-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "dossiers/list.html", {"page": page})


@login_required
def dossier_detail(request, pk: int):
    """The whole dossier, read-only: target, every section with its files, the versions."""
    dossier = selectors.dossier_get_for(request.user, pk, page=True)
    _share_current_campaign(request, dossier.campaign, known=dossier.campaign.status == CampaignStatus.ACTIVE)
    state = dossier_state_context(request, dossier)
    # the applicant's page takes its sections from the cache; a reviewer's page (web's workbench, composed above
    # this view) lays the same rows out as tabs from a cache of its own, so it gets them as data read only when
    # that cache misses (a lazy list: the 12 section reads happen on first use, never otherwise)
    sections: dict[str, object] = (
        {"sections_html": _detail_sections_html(request, dossier, state)} if state["is_owner"]
        else {"sections": SimpleLazyObject(lambda: _detail_sections(dossier))}
    )
    # versions are made at submission: a dossier never submitted has none to read
    # (a list: the reviewer's page takes the versions' numbers from it instead of reading them again)
    versions = selectors.dossier_versions_listed(dossier) if dossier.was_submitted else []
    return TemplateResponse(request, "dossiers/detail.html", {**state, **sections, "versions": versions})


DETAIL_SECTIONS_SECONDS = 600


def _detail_sections(dossier) -> list[dict]:
    """Every section with its rows (cells, files, the changes a return asks for) and its section-wide files."""
    files = _files_by_item(dossier)
    marks = _change_marks(dossier)
    sections = []
    for key, spec in SECTIONS.items():
        rows = [{"item": item, "cells": _row_cells(spec, item), "files": files.get((key, item.pk), []),
                 "changes": marks.get((key, item.pk), [])}
                for item in selectors.dossier_section_rows(dossier, key)]
        sections.append({"key": key, "label": section_label(spec), "rows": rows,
                         "files": files.get((key, None), []), "changes": marks.get((key, None), [])})
    return sections


def _detail_sections_html(request, dossier, state: dict) -> str:
    """Every section with its rows and files, rendered once per content revision (every edit, file included,
    bumps the revision) and viewer kind, then taken from the cache: 12 queries saved on each later view."""
    # a return marks rows without a new revision, but it changes the state: the state's instant is in the key too
    key = (f"dossier-sections:{selectors.dossier_content_stamp(dossier)}:{get_language()}"
           f":{int(state['is_owner'])}{int(state['can_edit'])}")
    html = cache.get(key)
    if html is None:
        html = render_to_string("dossiers/_detail_sections.html", {**state, "sections": _detail_sections(dossier)},
                                request=request)
        cache.set(key, html, DETAIL_SECTIONS_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output


def _section_label(section: str) -> str:
    spec = SECTIONS.get(section)
    if spec is not None:
        return spec.label
    return {"target": _("申报目标"), "person": _("个人信息"), "evidence": _("佐证材料")}.get(section, section)


def _field_label(section: str, field: str) -> str:
    """The field's Chinese name where the section's model has it; the snapshot key otherwise."""
    spec = SECTIONS.get(section)
    model = spec.model if spec is not None else (Dossier if section == "target" else None)
    try:
        return str(getattr(model._meta.get_field(field), "verbose_name", field)) if model is not None else field
    except FieldDoesNotExist:
        return field


@login_required
def dossier_diff(request, pk: int, a: int, b: int):
    """What changed between two submitted versions."""
    dossier = selectors.dossier_get_for(request.user, pk)
    versions = {v.number: v for v in selectors.dossier_versions(dossier).filter(number__in=[a, b])}
    if a not in versions or b not in versions:
        raise Http404(_("没有此版本"))
    changes = [{**c, "section_label": _section_label(c["section"]),
                "field_label": _field_label(c["section"], c["field"])}
               for c in version_diff(versions[a].snapshot, versions[b].snapshot)]
    return render(request, "dossiers/diff.html", {"dossier": dossier, "a": versions[a], "b": versions[b],
                                                  "changes": changes})


def _section_context(request, dossier, spec, add_form=None, bad_form=None) -> dict:
    """The section's rows, each with its edit form (the refused one keeps its input and errors)."""
    files = _files_by_item(dossier, spec.name)
    rows = []
    for item in selectors.dossier_section_items(dossier, spec.name):
        form = bad_form if bad_form is not None and bad_form.item is not None and bad_form.item.pk == item.pk \
            else SectionForm(spec, item=item)
        rows.append({"item": item, "form": form, "cells": _row_cells(spec, item),
                     "files": files.get((spec.name, item.pk), []), "purpose": purpose_preselected(spec.name, item)})
    if spec.single and not rows:
        rows.append({"item": None, "form": add_form or SectionForm(spec), "cells": [], "files": []})
    return {
        **dossier_state_context(request, dossier), "spec": spec, "rows": rows,
        "add_form": None if spec.single else (add_form or SectionForm(spec)),
        "upload_url": _upload_url(dossier, spec.name), "here": request.get_full_path(),
        "purposes": [(p, EvidencePurpose(p).label) for p in (EvidencePurpose.GENERAL, *section_purposes(spec.name))],
    }


@login_required
def dossier_section(request, pk: int, section: str):
    """A section's rows with an add form (POST adds a row; the identity section is one form)."""
    dossier, spec = selectors.dossier_get_for(request.user, pk), _spec_or_404(section)
    _share_current_campaign(request, dossier.campaign, known=dossier.campaign.status == CampaignStatus.ACTIVE)
    if request.method != "POST":
        return TemplateResponse(request, "dossiers/section.html", _section_context(request, dossier, spec))
    form = SectionForm(spec, request.POST)
    try:
        if spec.single:
            services.identity_update(dossier=dossier, actor=request.user, data=form.values(), ip=client_ip(request))
        else:
            services.section_item_create(dossier=dossier, actor=request.user, section=section, data=form.values(),
                                         ip=client_ip(request))
    except ApplicationError as exc:
        form.refusal(exc)
        return TemplateResponse(request, "dossiers/section.html",
                                _section_context(request, dossier, spec, add_form=form), status=exc.status)
    messages.success(request, _("已保存"))
    return redirect("dossiers:section", pk=dossier.pk, section=section)


@require_POST
@login_required
def dossier_item_save(request, pk: int, section: str, item_id: int):
    """Save one row (the Save button, or htmx autosave which gets back the row's form only)."""
    # the owner's own row of a list section (the autosave): the service reads the dossier and the row in one locked
    # statement and returns the row with its dossier; None sends everyone else down the general path below
    spec, dossier, item, status, saved = SECTIONS.get(section), None, None, 200, True
    if spec is not None and not spec.single:
        form = SectionForm(spec, request.POST, item=None, item_id=item_id)
        try:
            item = services.section_item_update_own(dossier_id=pk, actor=request.user, section=section,
                                                    item_id=item_id, data=form.values(), ip=client_ip(request))
        except ApplicationError as exc:  # their own dossier and row: invalid, a clash, or no longer editable
            dossier = selectors.dossier_get_for(request.user, pk)
            item = selectors.dossier_section_item_get(dossier, section, item_id)
            form.refusal(exc)
            status, saved = exc.status, False
        else:
            dossier = item.dossier if item is not None else None
    if dossier is None:
        dossier, spec = selectors.dossier_get_for(request.user, pk), _spec_or_404(section)
        # a row is not read here before the save: the service reads it under the dossier's lock and returns it;
        # only a refused save, or the identity section, reads it for the form
        item = selectors.dossier_section_item_get(dossier, section, item_id) if spec.single else None
        form = SectionForm(spec, request.POST, item=item, item_id=item_id)
        try:
            if spec.single:
                services.identity_update(dossier=dossier, actor=request.user, data=form.values(),
                                         ip=client_ip(request))
            else:
                item = services.section_item_update(dossier=dossier, actor=request.user, section=section,
                                                    item_id=item_id, data=form.values(), ip=client_ip(request))
        except ApplicationError as exc:
            if item is None:  # a missing row is still a 404, as before
                item = selectors.dossier_section_item_get(dossier, section, item_id)
            form.refusal(exc)
            status, saved = exc.status, False
    form.item = item
    if request.htmx:
        return render(request, "dossiers/_row_form.html", {
            "dossier": dossier, "spec": spec, "row": {"item": item, "form": form}, "saved": saved, "can_edit": True,
        }, status=200 if status < 500 else status)
    if not saved:
        return TemplateResponse(request, "dossiers/section.html",
                                _section_context(request, dossier, spec, bad_form=form), status=status)
    messages.success(request, _("已保存"))
    return redirect("dossiers:section", pk=dossier.pk, section=section)


def _section_url(request, pk: int, section: str, **_ids) -> str:
    return reverse("dossiers:section", args=[pk, section])


def _detail_url(request, pk: int) -> str:
    return reverse("dossiers:detail", args=[pk])


@require_POST
@login_required
@refusals_go_back(_section_url)
def dossier_item_delete(request, pk: int, section: str, item_id: int):
    dossier, spec = selectors.dossier_get_for(request.user, pk), _spec_or_404(section)
    services.section_item_delete(dossier=dossier, actor=request.user, section=spec.name, item_id=item_id,
                                 ip=client_ip(request))
    messages.success(request, _("已删除"))
    return redirect("dossiers:section", pk=dossier.pk, section=section)


@login_required
def dossier_pledge(request, pk: int):
    """The campaign's integrity pledge; signing re-checks the login password."""
    dossier = selectors.dossier_get_for(request.user, pk)
    form = PledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_sign(dossier=dossier, actor=request.user, password=form.cleaned_data["password"],
                                 ip=client_ip(request), user_agent=request.headers.get("user-agent", ""))
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("诚信承诺书已签署"))
            return redirect("dossiers:mine")
    return TemplateResponse(request, "dossiers/pledge.html", {**dossier_state_context(request, dossier), "form": form})


@require_POST
@login_required
@refusals_go_back(_detail_url)
def dossier_submit(request, pk: int):
    dossier = selectors.dossier_get_for(request.user, pk)
    services.dossier_submit(dossier=dossier, actor=request.user, ip=client_ip(request))
    messages.success(request, _("申报材料已提交"))
    return redirect("dossiers:detail", pk=dossier.pk)


@login_required
def dossier_withdraw(request, pk: int):
    """Withdraw a submitted dossier, with a reason: a draft again while the window is open; after it closes the
    year's application ends, so the password and a typed confirmation are asked."""
    dossier = selectors.dossier_get_for(request.user, pk)
    final = not campaign_submission_is_open(dossier.campaign, timezone.now())
    form = (FinalWithdrawForm if final else WithdrawForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_withdraw(dossier=dossier, actor=request.user, reason=form.cleaned_data["reason"],
                                      password=form.cleaned_data.get("password"),
                                      confirmation=form.cleaned_data.get("confirmation", ""), ip=client_ip(request))
        except ApplicationError as exc:
            if exc.code in ("wrong_password", "password_change_required") and "password" in form.fields:
                form.add_error("password", exc.message)
            else:
                form_add_application_error(form, exc)
        else:
            if final:
                messages.success(request, _("申报材料已撤回，本年度申报已结束"))
                return redirect("dossiers:mine")
            messages.success(request, _("申报材料已撤回，现为草稿，可修改后再次提交"))
            return redirect("dossiers:mine")
    return render(request, "dossiers/withdraw.html", {**dossier_state_context(request, dossier), "form": form,
                                                      "final": final}, status=400 if form.errors else 200)
