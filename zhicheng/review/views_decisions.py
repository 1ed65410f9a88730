"""Unit review pages: propose / confirm / cancel a decision from the dossier page, the applicant's returns page
and the answer, the recommendation papers (the sealed statement streamed like evidence). Thin: parse, call, go back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from zhicheng.accounts.api_security import bearer_user, request_has_bearer
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.core.http import client_ip, refusal_flash, service_flash
from zhicheng.dossiers import services as dossier_services
from zhicheng.dossiers.selectors import dossier_get_for
from zhicheng.files.inspection import ALLOWED, evidence_download_name, evidence_file_limit_bytes
from zhicheng.files.uploads import evidence_upload_handlers_install, evidence_upload_received

from .models import MeetingResult
from .selectors_unit import decision_get_for, post_counts_of, recommendation_of, returns_of, staff_meeting_of
from .services.decisions import decision_cancel, decision_confirm, decision_propose
from .services.meetings import staff_meeting_record, staff_meeting_required
from .services.recommendation import handover_deadline, recommendation_record, unit_post_count_record


def _back_to_dossier(pk: int) -> HttpResponseRedirect:
    return redirect(reverse("dossiers:detail", args=[pk]) + "#review-panel")


def _deadline_from_form(raw: str) -> str | None:
    """A datetime-local value ("2024-10-15T18:00") read in Asia/Shanghai; empty: the default deadline."""
    raw = (raw or "").strip()
    if not raw:
        return None
    parsed = parse_datetime(raw)
    if parsed is None:
        return raw  # the service names the bad value
    return (timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed).isoformat()


def _items_from_form(post) -> list[dict]:
    """The ticked rows and sections (`return_pick` = "section:item id", "section:" or ":" for the whole dossier),
    each with its note `return_note:<pick>`; a ticked row without a note is kept so the service names it."""
    rows = []
    for pick in post.getlist("return_pick"):
        section, _sep, item_id = pick.partition(":")
        rows.append({"section": section, "item_id": item_id or None,
                     "message": post.get(f"return_note:{pick}", "")})
    sections, item_ids, texts = post.getlist("item_section"), post.getlist("item_id"), post.getlist("item_message")
    for i, message in enumerate(texts):  # the older editor's rows (section + row id + text), still accepted
        if message.strip():
            rows.append({"section": sections[i] if i < len(sections) else "",
                         "item_id": (item_ids[i] if i < len(item_ids) else "") or None, "message": message})
    return rows


RETURN_EDITOR_KEY = "review:return_editor:{}"


def _propose(request, dossier, action: str, data: dict) -> None:
    """Propose; a refused return keeps the ticks and notes and shows the message beside the editor."""
    try:
        decision_propose(dossier=dossier, action=action, actor=request.user, reason=request.POST.get("reason", ""),
                         data=data, ip=client_ip(request))
    except ApplicationError as exc:
        fields = (exc.details or {}).get("fields", {}) if isinstance(exc.details, dict) else {}
        if action != "return" or not (set(fields) & {"items", "answer_deadline"}):
            raise
        request.session[RETURN_EDITOR_KEY.format(dossier.pk)] = {
            "errors": {k: [str(m) for m in v] for k, v in fields.items()}, "message": str(exc.message),
            "picked": request.POST.getlist("return_pick"), "reason": request.POST.get("reason", ""),
            "notes": {k: v for k, v in request.POST.items() if k.startswith("return_note:")},
        }
        return
    messages.success(request, _("审核意见已提出，须由审查领导确认后生效"))


@require_POST
@login_required
def decision_propose_view(request, pk: int):
    dossier = dossier_get_for(request.user, pk)
    action = request.POST.get("action", "")
    data = {}
    items = _items_from_form(request.POST)
    if items or action == "return":  # the editor's rows are posted with every action; only filled ones count
        data = {"items": items}
        deadline = _deadline_from_form(request.POST.get("answer_deadline", ""))
        if deadline:
            data["answer_deadline"] = deadline
    if action != "return" and not any(str(i.get("message", "")).strip() for i in items):
        data.pop("items", None)  # ticks left over from the editor do not travel with a pass
    if request.POST.get("route"):  # the office confirms (or changes) the route when it accepts
        data["route"] = request.POST["route"]
    try:
        _propose(request, dossier, action, data)
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        refusal_flash(request, exc)
    return _back_to_dossier(dossier.pk)


@require_POST
@login_required
def decision_confirm_view(request, decision_id: int):
    decision = decision_get_for(request.user, decision_id)
    service_flash(request, lambda: decision_confirm(decision=decision, actor=request.user, ip=client_ip(request)),
                  done=_("审核意见已确认生效"))
    return _back_to_dossier(decision.dossier_id)


@require_POST
@login_required
def decision_cancel_view(request, decision_id: int):
    """The proposer withdraws it, or a leader sends it back to the clerk (退回经办)."""
    decision = decision_get_for(request.user, decision_id)
    service_flash(request, lambda: decision_cancel(
        decision=decision, actor=request.user, reason=request.POST.get("reason", ""), ip=client_ip(request),
    ), done=_("审核意见已撤销"))
    return _back_to_dossier(decision.dossier_id)


@login_required
def returns_view(request, pk: int):
    """Every requested change of every return, newest first; the applicant answers the open one from here."""
    dossier = dossier_get_for(request.user, pk)
    returns = list(returns_of(dossier))
    is_owner = dossier.applicant_id == request.user.pk
    return render(request, "review/returns_list.html", {
        "dossier": dossier, "returns": returns, "is_owner": is_owner,
        "can_answer": is_owner and dossier.state == "returned" and any(r.answered_at is None for r in returns),
    })


@require_POST
@login_required
def return_answer_view(request, pk: int):
    dossier = dossier_get_for(request.user, pk)
    answered = service_flash(
        request, lambda: dossier_services.dossier_submit(dossier=dossier, actor=request.user, ip=client_ip(request)),
        done=_("已提交答复，申报材料已退回审核单位"),
    )
    return redirect("dossiers:detail" if answered else "review:returns", pk=dossier.pk)


def _caller(request):
    """(user, by_token): a bearer token's user, else the session's; None for an anonymous caller."""
    if request_has_bearer(request):
        user = bearer_user(request)
        return user, True
    return (request.user if request.user.is_authenticated else None), False


def _parse_papers(request, dossier, by_token: bool):
    """Install the streaming handler, parse, refuse an over-size file, check CSRF for sessions; the file or None."""
    handler = evidence_upload_handlers_install(request, max_bytes=evidence_file_limit_bytes(dossier.campaign))
    request.POST  # noqa: B018 - parses the body through the handler
    if handler.refusal is not None:
        evidence_upload_received(request)
    if not by_token and CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None:
        raise PermissionDenied("csrf_failed", "页面已过期，请刷新后重新提交", "The page expired; reload and try again")
    return request.FILES.get("file")


def _save_papers(request, dossier, user, upload):
    post = request.POST
    if post.get("senior_held", "") != "" or post.get("grassroots_senior_held", "") != "":
        unit_post_count_record(dossier=dossier, actor=user, senior_held=post.get("senior_held", ""),
                               grassroots_senior_held=post.get("grassroots_senior_held", ""),
                               senior_posts=post.get("senior_posts", ""), ip=client_ip(request))
    return recommendation_record(dossier=dossier, actor=user, discipline_opinion=post.get("discipline_opinion", ""),
                                 conduct_statement=post.get("conduct_statement", ""), upload=upload,
                                 ip=client_ip(request))


@csrf_exempt  # the streaming handler must be installed before the body is read; CSRF is checked in _parse_papers
def recommendation_view(request, pk: int):
    """The papers form (GET) and its multipart POST; API callers (bearer token) get JSON."""
    user, by_token = _caller(request)
    if user is None:
        if by_token or request.method == "POST":
            return JsonResponse({"code": "unauthenticated", "message": _("请先登录")}, status=401)
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    dossier = dossier_get_for(user, pk)
    if request.method == "POST":
        try:
            upload = _parse_papers(request, dossier, by_token)
            papers = _save_papers(request, dossier, user, upload)
        except ApplicationError as exc:
            if by_token:
                return JsonResponse({"code": exc.code, "message": exc.message, "details": exc.details},
                                    status=exc.status, json_dumps_params={"ensure_ascii": False})
            messages.error(request, exc.message)
        else:
            if by_token:
                return JsonResponse({"dossier_id": dossier.pk, "conduct_file_sha256": papers.conduct_file_sha256,
                                     "conduct_file_kind": papers.conduct_file_kind}, status=201)
            messages.success(request, _("推荐材料已保存"))
            return _back_to_dossier(dossier.pk)
    elif by_token:
        return HttpResponse(status=405)
    return render(request, "review/decision_recommendation.html", {
        "dossier": dossier, "papers": recommendation_of(dossier), "counts": post_counts_of(dossier),
    })



@login_required
def recommendation_file_view(request, pk: int):
    """The sealed conduct statement, for the reviewers who can see the dossier (not the applicant: internal)."""
    dossier = dossier_get_for(request.user, pk)
    papers = recommendation_of(dossier)
    return _internal_file(request, dossier, papers and papers.conduct_file, papers and papers.conduct_file_kind,
                          papers and papers.conduct_file_name)


def _internal_file(request, dossier, stored, kind: str | None, name: str | None) -> FileResponse:
    """A file the unit attached for the reviewers, never for the applicant (internal papers), not cached."""
    if not stored or dossier.applicant_id == request.user.pk:
        raise Http404(_("没有此文件"))
    kind = kind or "pdf"
    response = FileResponse(stored.open("rb"), content_type=ALLOWED.get(kind, "application/octet-stream"),
                            as_attachment=True, filename=evidence_download_name(name, kind))
    patch_cache_control(response, private=True, no_store=True)
    return response


@csrf_exempt  # the streaming handler must be installed before the body is read; CSRF is checked in _parse_papers
def staff_meeting_view(request, pk: int):
    """The staff meeting's appraisal of a 破格/基层有效 candidate (GET form, multipart POST with the minutes);
    API callers (bearer token) get JSON. A refusal saves nothing and says why."""
    user, by_token = _caller(request)
    if user is None:
        if by_token or request.method == "POST":
            return JsonResponse({"code": "unauthenticated", "message": _("请先登录")}, status=401)
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    dossier = dossier_get_for(user, pk)
    status = 200
    if request.method == "POST":
        try:
            upload = _parse_papers(request, dossier, by_token)
            post = request.POST
            meeting = staff_meeting_record(
                dossier=dossier, actor=user, held_on=post.get("held_on", ""), staff_total=post.get("staff_total", ""),
                attended=post.get("attended", ""), votes_for=post.get("votes_for", ""),
                result=post.get("result", ""), upload=upload, ip=client_ip(request))
        except ApplicationError as exc:
            if by_token:
                return JsonResponse({"code": exc.code, "message": exc.message, "details": exc.details},
                                    status=exc.status, json_dumps_params={"ensure_ascii": False})
            messages.error(request, exc.message)
            status = exc.status
        else:
            if by_token:
                return JsonResponse({"dossier_id": dossier.pk, "result": meeting.result,
                                     "held_on": meeting.held_on.isoformat(),
                                     "minutes_file_sha256": meeting.minutes_file_sha256}, status=201)
            messages.success(request, _("职工大会集体评议已登记"))
            return _back_to_dossier(dossier.pk)
    elif by_token:
        return HttpResponse(status=405)
    meeting = staff_meeting_of(dossier)
    fields = ("held_on", "staff_total", "attended", "votes_for", "result")
    initial = {f: request.POST.get(f, "") if request.method == "POST" else (str(getattr(meeting, f)) if meeting else "")
               for f in fields}
    return render(request, "review/staff_meeting.html", {
        "dossier": dossier, "meeting": meeting, "required": staff_meeting_required(dossier),
        "results": MeetingResult.choices, "deadline": handover_deadline(dossier), "form": initial,
    }, status=status)


@login_required
def staff_meeting_file_view(request, pk: int):
    """The meeting's minutes, for the reviewers who can see the dossier (not the applicant: internal)."""
    dossier = dossier_get_for(request.user, pk)
    meeting = staff_meeting_of(dossier)
    return _internal_file(request, dossier, meeting and meeting.minutes_file, meeting and meeting.minutes_file_kind,
                          meeting and meeting.minutes_file_name)
