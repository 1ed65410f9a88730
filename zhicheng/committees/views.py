"""Pages: the secretary's workspace (meetings, draw, attendance, ballot control, tally, minutes, entrusted dispatch)
and the expert's (my meetings, pledge, candidates without the conflicted, a phone-sized ballot)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhicheng.campaigns.selectors import campaign_current
from zhicheng.core.errors import NotFound
from zhicheng.core.http import client_ip, refusals_go_back
from zhicheng.dossiers.models import Dossier, DossierState

from . import selectors, services
from .models import AgendaItem, Entrustment, Expert
from .permissions import managed_office_ids


def _meeting_url(request, meeting_id, **_kw) -> str:
    return reverse("committees:meeting", args=[meeting_id])


def _my_meeting_url(request, meeting_id, **_kw) -> str:
    return reverse("committees:my_meeting", args=[meeting_id])


# -- the secretary ----------------------------------------------------------------------------------------------


@login_required
def secretary_home(request):
    from django.core.paginator import Paginator

    meetings = Paginator(selectors.meetings_for_secretary(request.user), 30).get_page(request.GET.get("page"))
    campaign = campaign_current()
    offices = managed_office_ids(request.user)
    # each action shown only to whom its page admits, by the same predicate the page asks
    return render(request, "committees/secretary.html", {
        "meetings": meetings, "committees": selectors.committees_for(request.user)[:50],
        "quota": selectors.quota_usage(campaign) if campaign and offices else [],
        "pool_count": selectors.pool_for(request.user).count(), "campaign": campaign,
        "can_manage_pool": bool(offices),
        "can_register_committee": bool(offices) and selectors.committee_organisations_for(request.user).exists(),
    })


@login_required
@require_POST
@refusals_go_back(lambda request, **kw: reverse("committees:home"))
def meeting_new(request):
    from django.contrib import messages

    committee = selectors.committees_for(request.user).filter(pk=request.POST.get("committee") or 0).first()
    campaign = campaign_current()
    if committee is None or campaign is None:
        raise NotFound("not_found", "评审委员会不存在或无权查看", "Committee not found")
    from zhicheng.core.errors import ApplicationError

    try:
        held_on = dt.date.fromisoformat(request.POST.get("held_on", ""))
        size = int(request.POST.get("size", ""))
    except ValueError:
        raise ApplicationError("meeting_invalid", "请填写会议日期和委员人数", "Give the date and the size") from None
    meeting = services.meeting_create(actor=request.user, committee=committee, campaign=campaign,
                                      name=request.POST.get("name", "").strip() or committee.name, held_on=held_on,
                                      size=size, place=request.POST.get("place", ""), ip=client_ip(request))
    messages.success(request, _("评审会议已安排"))
    return redirect("committees:meeting", meeting_id=meeting.pk)


@login_required
def pool(request):
    from django.core.paginator import Paginator

    experts = Paginator(selectors.pool_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "committees/pool.html", {"experts": experts,
                                                    "can_add": bool(managed_office_ids(request.user))})


@login_required
def meeting(request, meeting_id: int):
    meeting = selectors.meeting_get_for_secretary(request.user, meeting_id)
    present, members, met = services.meeting_quorum(meeting)
    draw = getattr(meeting, "draw", None)
    return render(request, "committees/meeting.html", {
        "meeting": meeting, "present": present, "members": members, "quorum_met": met, "draw": draw,
        "draw_verified": services.draw_verify(draw) if draw else None,
        "seats": meeting.members.select_related("expert__user", "expert__level").order_by("position"),
        "items": [(item, selectors.item_totals(item)) for item in selectors.meeting_items(meeting)],
        "accepted": Dossier.objects.filter(state=DossierState.OFFICE_ACCEPTED, route="self",
                                           campaign_id=meeting.campaign_id, series_id=meeting.committee.series_id,
                                           level_id=meeting.committee.level_id)
        .select_related("applicant", "organisation")[:100],
        "overflow": services.meeting_quota_overflow(meeting),
    })


@login_required
@require_POST
@refusals_go_back(_meeting_url)
def meeting_act(request, meeting_id: int, action: str):
    meeting = selectors.meeting_get_for_secretary(request.user, meeting_id)
    ip = client_ip(request)
    if action == "draw":
        services.meeting_draw(actor=request.user, meeting=meeting, ip=ip)
    elif action == "agenda":
        dossier = Dossier.objects.filter(pk=request.POST.get("dossier") or 0).first()
        if dossier is None:
            raise NotFound("not_found", "申报材料不存在", "Dossier not found")
        services.agenda_add(actor=request.user, meeting=meeting, dossier=dossier, ip=ip)
    elif action == "attendance":
        expert = meeting.members.filter(expert_id=request.POST.get("expert") or 0).first()
        if expert is None:
            raise NotFound("not_member", "该专家不是本次会议的委员", "Not a member")
        services.attendance_check_in(actor=request.user, meeting=meeting, expert=expert.expert,
                                     present=request.POST.get("present") == "1", ip=ip)
    elif action == "start":
        services.meeting_start(actor=request.user, meeting=meeting, ip=ip)
    elif action in ("open", "close"):
        item = AgendaItem.objects.filter(meeting=meeting, pk=request.POST.get("item") or 0).first()
        if item is None:
            raise NotFound("not_on_agenda", "该候选人不在会议议程中", "Not on the agenda")
        (services.ballot_open if action == "open" else services.ballot_close)(actor=request.user, item=item, ip=ip)
    elif action in ("defence", "no_show", "panel"):
        item = AgendaItem.objects.filter(meeting=meeting, pk=request.POST.get("item") or 0).first()
        if item is None:
            raise NotFound("not_on_agenda", "该候选人不在会议议程中", "Not on the agenda")
        if action == "defence":
            at, order = _defence_input(request.POST)
            services.defence_slot_set(actor=request.user, item=item, at=at, order=order,
                                      place=request.POST.get("defence_place", ""), ip=ip)
        elif action == "no_show":
            services.defence_no_show_mark(actor=request.user, item=item, no_show=request.POST.get("no_show") == "1",
                                          note=request.POST.get("note", ""), ip=ip)
        else:
            experts = list(Expert.objects.filter(pk__in=[v for v in request.POST.getlist("experts") if v.isdigit()],
                                                 seats__meeting=meeting).distinct())
            services.panel_opinion_record(actor=request.user, item=item, panel_name=request.POST.get("panel_name", ""),
                                          experts=experts, opinion=request.POST.get("opinion", ""), ip=ip)
    elif action == "chair":
        expert = Expert.objects.filter(pk=request.POST.get("expert") or 0).first()
        if expert is None or not meeting.members.filter(expert=expert).exists():
            raise NotFound("not_member", "该专家不是本次会议的委员", "Not a member")
        services.meeting_chair_set(actor=request.user, meeting=meeting, expert=expert, ip=ip)
    else:
        raise NotFound("not_found", "没有此操作", "No such action")
    from django.contrib import messages

    messages.success(request, _("已办理"))
    return redirect("committees:meeting", meeting_id=meeting.pk)


def _defence_input(data) -> tuple[dt.datetime, int]:
    from django.utils import timezone

    from zhicheng.core.errors import ApplicationError

    try:
        at = dt.datetime.fromisoformat(data.get("defence_at", ""))
        order = int(data.get("defence_order", ""))
    except ValueError:
        raise ApplicationError("defence_invalid", "请填写答辩时间和答辩顺序",
                               "Give the defence's time and order") from None
    return (timezone.make_aware(at) if timezone.is_naive(at) else at), order


@login_required
def meeting_item(request, meeting_id: int, item_id: int):
    """One candidate of the meeting for the secretary: the defence slot, no-show, panel opinions (no ballots)."""
    meeting = selectors.meeting_get_for_secretary(request.user, meeting_id)
    item = selectors.meeting_item_get(meeting, item_id)
    return render(request, "committees/meeting_item.html", {
        "meeting": meeting, "item": item, "opinions": item.panel_opinions.prefetch_related("experts__user"),
        "panel_candidates": selectors.panel_candidates(item),
        "defence": selectors.defence_summary(item),
    })


def _file_response(stored, download_name: str):
    if stored is None:
        raise NotFound("not_found", "文件尚未生成", "Not generated yet")
    return FileResponse(default_storage.open(stored.name, "rb"), as_attachment=True, filename=download_name)


@login_required
def meeting_file(request, meeting_id: int, which: str):
    meeting = selectors.meeting_get_for_secretary(request.user, meeting_id)
    if which == "tally":
        return _file_response(meeting.tally_file, f"计票单-{meeting.pk}.pdf")
    if which == "minutes":
        return _file_response(meeting.minutes_file, f"会议纪要-{meeting.pk}.pdf")
    raise NotFound("not_found", "没有此文件", "No such file")


# -- the entrusted route ----------------------------------------------------------------------------------------


@login_required
def entrusted(request):
    offices = managed_office_ids(request.user)
    if not offices:
        raise NotFound("not_found", "页面不存在", "Not found")
    from django.core.paginator import Paginator

    dossiers = (Dossier.objects.filter(route="entrusted", held_by_id__in=offices,
                                       state__in=[DossierState.OFFICE_ACCEPTED, DossierState.ENTRUSTED_SENT])
                .select_related("applicant", "organisation", "series", "level", "entrustment")
                .order_by("state", "id"))
    return render(request, "committees/entrusted.html", {
        "dossiers": Paginator(dossiers, 50).get_page(request.GET.get("page")),
    })


def _entrusted_url(request, **_kw) -> str:
    return reverse("committees:entrusted")


@login_required
@require_POST
@refusals_go_back(_entrusted_url)
def entrusted_act(request, dossier_id: int, action: str):
    from django.contrib import messages

    from zhicheng.dossiers.selectors import dossier_get_for

    dossier = dossier_get_for(request.user, dossier_id)
    ip = client_ip(request)
    if action == "prepare":
        services.entrustment_prepare(actor=request.user, dossier=dossier,
                                     receiving_committee=request.POST.get("committee", ""), ip=ip)
    elif action == "dispatch":
        services.entrustment_dispatch(actor=request.user, dossier=dossier, reference=request.POST.get("reference", ""),
                                      ip=ip)
    elif action == "result":
        try:
            decided_on = dt.date.fromisoformat(request.POST.get("decided_on", ""))
        except ValueError:
            from zhicheng.core.errors import ApplicationError

            raise ApplicationError("date_invalid", "请填写评审日期", "Give the decision date") from None
        services.entrusted_result_record(
            actor=request.user, dossier=dossier, passed=request.POST.get("passed") == "1",
            committee_name=request.POST.get("committee_name", ""),
            document_number=request.POST.get("document_number", ""), decided_on=decided_on, ip=ip)
    else:
        raise NotFound("not_found", "没有此操作", "No such action")
    messages.success(request, _("已办理"))
    return redirect("committees:entrusted")


@login_required
def entrusted_file(request, dossier_id: int, which: str):
    from zhicheng.dossiers.selectors import dossier_get_for

    dossier = dossier_get_for(request.user, dossier_id)
    entrustment = Entrustment.objects.filter(dossier=dossier).first()
    if entrustment is None or not managed_office_ids(request.user):
        raise NotFound("not_found", "文件尚未生成", "Not generated yet")
    if which == "letter":
        return _file_response(entrustment.letter_file, f"委托函-{dossier.pk}.pdf")
    return _file_response(entrustment.package_file, f"送评材料-{dossier.pk}.zip")


# -- the expert -------------------------------------------------------------------------------------------------


@login_required
def my_home(request):
    return render(request, "committees/my_home.html", {
        "meetings": selectors.meetings_for_expert(request.user)[:50], "expert": selectors.expert_of(request.user),
    })


@login_required
def my_meeting(request, meeting_id: int):
    seat = selectors.expert_seat(request.user, meeting_id)
    items = list(selectors.expert_candidates(seat))
    is_chair = seat.meeting.chair_id == seat.expert_id
    mine = selectors.my_defence_scores(seat)
    rubric = selectors.defence_rubric(seat.meeting.campaign_id)
    for item in items:  # the rubric with this expert's own scores, to show and correct them
        scored = mine.get(item.pk, {})
        item.rubric = [{"name": c.name, "name_en": c.name_en, "top": c.max_points, "mine": scored.get(c.name)}
                       for c in rubric]
        item.scored, item.scored_total = bool(scored), sum(scored.values())
    return render(request, "committees/my_meeting.html", {
        "seat": seat, "meeting": seat.meeting, "items": [(item, selectors.item_totals(item)) for item in items],
        "is_chair": is_chair,
        "overflow": services.meeting_quota_overflow(seat.meeting) if is_chair else {},
    })


@login_required
def my_candidate(request, meeting_id: int, dossier_id: int):
    dossier = selectors.expert_dossier_get(request.user, meeting_id, dossier_id)
    return render(request, "committees/my_candidate.html", {
        "meeting_id": meeting_id, "dossier": dossier,
        "education": dossier.educationrecord_items.all(), "work": dossier.workhistoryentry_items.all(),
        "titles": dossier.titleheld_items.select_related("series", "level"),
        "achievements": dossier.achievement_items.all(),
    })


@login_required
@require_POST
@refusals_go_back(_my_meeting_url)
def my_act(request, meeting_id: int, action: str):
    from django.contrib import messages

    seat = selectors.expert_seat(request.user, meeting_id)
    meeting, ip = seat.meeting, client_ip(request)
    if action == "vote":
        services.vote_cast(actor=request.user, item_id=request.POST.get("item", ""),
                           choice=request.POST.get("choice", ""), ip=ip)
        messages.success(request, _("已投票"))
    elif action == "pledge":
        services.pledge_sign(actor=request.user, meeting=meeting, ip=ip)
    elif action == "answer":
        services.invitation_answer(actor=request.user, meeting=meeting, accept=request.POST.get("accept") == "1",
                                   ip=ip)
    elif action == "declare":
        item = selectors.expert_candidates(seat).filter(pk=request.POST.get("item") or 0).first()
        if item is None:
            raise NotFound("not_on_agenda", "该候选人不在会议议程中", "Not on the agenda")
        services.conflict_record(actor=request.user, meeting=meeting, expert=seat.expert, dossier=item.dossier,
                                 note=request.POST.get("note", ""), ip=ip)
    elif action == "score":
        item = selectors.expert_candidates(seat).filter(pk=request.POST.get("item") or 0).first()
        if item is None:
            raise NotFound("not_on_agenda", "该候选人不在会议议程中", "Not on the agenda")
        scores = {criterion: _score_input(request.POST.get(f"score_{number}", ""), criterion)
                  for number, criterion in enumerate(
                      (c.name for c in selectors.defence_rubric(meeting.campaign_id)), start=1)
                  if request.POST.get(f"score_{number}", "").strip()}  # one left empty: refused as missing
        services.defence_score(actor=request.user, item=item, scores=scores, ip=ip)
        messages.success(request, _("答辩评分已保存"))
    elif action == "sign":
        services.tally_sign(actor=request.user, meeting=meeting, ip=ip)
    elif action in ("revote", "quota"):
        item = meeting.items.filter(pk=request.POST.get("item") or 0).first()
        if item is None:
            raise NotFound("not_on_agenda", "该候选人不在会议议程中", "Not on the agenda")
        (services.ballot_revote if action == "revote" else services.quota_resolve)(
            actor=request.user, item=item, reason=request.POST.get("reason", ""), ip=ip)
    else:
        raise NotFound("not_found", "没有此操作", "No such action")
    return redirect("committees:my_meeting", meeting_id=meeting.pk)


def _score_input(raw: str, criterion: str) -> int:
    from zhicheng.core.errors import ApplicationError

    try:
        return int(raw)
    except ValueError:
        raise ApplicationError("score_invalid", f"评分项“{criterion}”的分数须为整数",
                               "A score is a whole number") from None


# -- the pool and the committees (the secretary's or the office's pages) ---------------------------------------


def _date(raw: str, field: str, zh: str) -> dt.date:
    from zhicheng.core.errors import ApplicationError

    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApplicationError("date_invalid", f"请填写{zh}（日期）", f"Give the date: {field}",
                               details={"fields": {field: ["请填写日期"]}}) from None


def _form_page(request, template: str, context: dict, initial: dict, save):
    """GET shows the form with `initial`; POST saves through `save()` and redirects, or shows the form again with
    what was typed and the refusal's message (400) — nothing typed is lost. Denials stay 403 / 404."""
    from django.contrib import messages

    from zhicheng.core.errors import ApplicationError, PermissionDenied

    context["v"] = initial
    if request.method == "POST":
        try:
            target = save()
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            context.update({"error": exc, "v": {**initial, **request.POST.dict(),
                                                "is_active": request.POST.get("is_active", ""),
                                                "vice_chairs": request.POST.getlist("vice_chairs")}})
            return render(request, template, context, status=400)
        messages.success(request, _("已保存"))
        return redirect(target)
    return render(request, template, context)


@login_required
def expert_edit(request, expert_id: int | None = None):
    from zhicheng.catalog.models import Level, Series

    offices = managed_office_ids(request.user)
    if not offices:
        raise NotFound("not_found", "页面不存在", "Not found")
    expert = selectors.pool_get(request.user, expert_id) if expert_id else None

    def save():
        data = request.POST
        user = expert.user if expert else selectors.expert_account(request.user, data.get("username", ""))
        series = Series.objects.filter(pk=data.get("series") or 0).first()
        level = Level.objects.filter(pk=data.get("level") or 0).first()
        if series is None or level is None:
            from zhicheng.core.errors import ApplicationError

            raise ApplicationError("series_level_required", "请选择系列和职称级别", "Choose the series and level")
        office = expert.office if expert else selectors.office_for_pool(request.user)
        saved = services.expert_save(
            actor=request.user, office=office, user=user, series=series, level=level, title=data.get("title", ""),
            specialties=data.get("specialties", "").strip()[:200], unit_name=data.get("unit_name", "").strip()[:200],
            unit=expert.unit if expert else None,
            term_start=_date(data.get("term_start", ""), "term_start", "聘期开始"),
            term_end=_date(data.get("term_end", ""), "term_end", "聘期结束"),
            is_active=data.get("is_active") == "1", ip=client_ip(request))
        return reverse("committees:expert_edit", args=[saved.pk])

    return _form_page(request, "committees/expert_form.html", {
        "expert": expert, "series": selectors.series_choices(), "levels": selectors.level_choices(),
        "relations": expert.relations.select_related("person", "organisation") if expert else [],
        "relation_kinds": services.RelationKind.choices,
    }, {
        "username": expert.user.username if expert else "", "series": str(expert.series_id) if expert else "",
        "level": str(expert.level_id) if expert else "", "title": expert.title if expert else "",
        "specialties": expert.specialties if expert else "", "unit_name": expert.unit_name if expert else "",
        "term_start": expert.term_start.isoformat() if expert else "",
        "term_end": expert.term_end.isoformat() if expert else "", "is_active": "1" if not expert or expert.is_active
        else "",
    }, save)


@login_required
@require_POST
@refusals_go_back(lambda request, expert_id, **kw: reverse("committees:expert_edit", args=[expert_id]))
def expert_relation_add(request, expert_id: int):
    from django.contrib import messages

    expert = selectors.pool_get(request.user, expert_id)
    until = request.POST.get("until", "").strip()
    services.relation_declare(
        actor=request.user, expert=expert, kind=request.POST.get("kind", ""),
        person=selectors.relation_person(request.user, request.POST.get("person")),
        person_id_number=request.POST.get("person_id_number", ""),
        organisation=selectors.organisation_by_name(request.POST.get("organisation", "")),
        until=_date(until, "until", "截止日期") if until else None, note=request.POST.get("note", ""),
        ip=client_ip(request))
    messages.success(request, _("已登记利害关系"))
    return redirect("committees:expert_edit", expert_id=expert.pk)


@login_required
def relation_people(request, expert_id: int):
    """htmx: the registered people matching the typed name, to pick as the expert's relation (masked IDs)."""
    selectors.pool_get(request.user, expert_id)
    return render(request, "committees/_relation_people.html", {
        "people": selectors.relation_people_search(request.user, request.GET.get("q", "")),
        "query": request.GET.get("q", "").strip()})


@login_required
def committee_new(request):
    """Register an approved committee: the same service and checks as `POST /api/v1/committees/committees`."""
    from zhicheng.catalog.models import Level, Series

    from .models import FormedBy

    organisations = selectors.committee_organisations_for(request.user)
    if not organisations.exists():
        raise NotFound("not_found", "页面不存在", "Not found")
    pool = selectors.pool_for(request.user).filter(is_active=True)

    def save():
        from zhicheng.core.errors import ApplicationError

        data = request.POST
        organisation = organisations.filter(pk=data.get("organisation") or 0).first()
        series = Series.objects.filter(pk=data.get("series") or 0).first()
        level = Level.objects.filter(pk=data.get("level") or 0).first()
        if organisation is None or series is None or level is None:
            raise ApplicationError("committee_incomplete", "请选择评委会机构、系列和评审级别",
                                   "Choose the committee organisation, series and level")
        formed_by = data.get("formed_by", FormedBy.SERIES)
        if formed_by not in FormedBy.values:
            raise ApplicationError("formed_by_invalid", "组建方式须为按系列或按专业", "formed_by: series or specialty")
        try:
            min_size = int(data["min_size"]) if data.get("min_size", "").strip() else None
        except ValueError:
            raise ApplicationError("min_size_invalid", "最少委员人数须为整数", "The minimum size is a number") from None
        in_series = pool.filter(series=series)
        services.committee_save(
            actor=request.user, organisation=organisation, name=data.get("name", "").strip() or organisation.name,
            series=series, level=level, formed_by=formed_by, min_size=min_size,
            approval_number=data.get("approval_number", ""),
            valid_from=_date(data.get("valid_from", ""), "valid_from", "有效期起"),
            valid_until=_date(data.get("valid_until", ""), "valid_until", "有效期止"),
            chair=in_series.filter(pk=data.get("chair") or 0).first(),
            vice_chairs=list(in_series.filter(pk__in=[v for v in data.getlist("vice_chairs") if v.isdigit()])),
            ip=client_ip(request))
        return reverse("committees:home")

    return _form_page(request, "committees/committee_form.html", {
        "committee": None, "pool": pool.select_related("user", "level")[:200], "organisations": organisations,
        "series": selectors.series_choices(), "levels": selectors.level_choices(), "formed_by": FormedBy.choices,
    }, {"name": "", "approval_number": "", "min_size": "", "valid_from": "", "valid_until": "", "chair": "",
        "vice_chairs": [], "formed_by": FormedBy.SERIES}, save)


@login_required
def committee_edit(request, committee_id: int):
    committee = selectors.committee_get_for(request.user, committee_id)
    pool = selectors.pool_for(request.user).filter(series_id=committee.series_id, is_active=True)

    def save():
        data = request.POST
        chair = pool.filter(pk=data.get("chair") or 0).first()
        vice = list(pool.filter(pk__in=[v for v in data.getlist("vice_chairs") if v.isdigit()]))
        try:
            min_size = int(data.get("min_size", ""))
        except ValueError:
            from zhicheng.core.errors import ApplicationError

            raise ApplicationError("min_size_invalid", "请填写最少委员人数", "Give the minimum size") from None
        services.committee_update(
            actor=request.user, committee=committee, name=data.get("name", ""),
            approval_number=data.get("approval_number", ""), min_size=min_size, chair=chair, vice_chairs=vice,
            valid_from=_date(data.get("valid_from", ""), "valid_from", "有效期起"),
            valid_until=_date(data.get("valid_until", ""), "valid_until", "有效期止"), ip=client_ip(request))
        return reverse("committees:home")

    return _form_page(request, "committees/committee_form.html", {
        "committee": committee, "pool": pool[:200],
    }, {
        "name": committee.name, "approval_number": committee.approval_number, "min_size": str(committee.min_size),
        "valid_from": committee.valid_from.isoformat(), "valid_until": committee.valid_until.isoformat(),
        "chair": str(committee.chair_id or ""),
        "vice_chairs": [str(pk) for pk in committee.vice_chairs.values_list("pk", flat=True)],
    }, save)


# -- the campaign's defence rubric (the office; linked from the campaign's page) ---------------------------------


@login_required
def campaign_rubric(request, campaign_id: int):
    """The office sets the campaign's defence rubric: criteria in order, each with its maximum points. Rows left
    without a name are dropped; a refused rubric comes back with what was typed (400)."""
    from zhicheng.campaigns.permissions import can_manage_campaigns
    from zhicheng.campaigns.selectors import campaign_get
    from zhicheng.core.errors import ApplicationError
    from zhicheng.core.permissions import require_page

    from .rules import RUBRIC_MAX_CRITERIA, Criterion

    require_page(can_manage_campaigns(request.user))
    campaign = campaign_get(campaign_id)
    rubric = selectors.defence_rubric(campaign.pk)
    rows = [{"name": c.name, "name_en": c.name_en, "max": str(c.max_points)} for c in rubric]
    error = None
    if request.method == "POST":
        rows = [{"name": request.POST.get(f"name_{n}", "").strip(), "name_en": request.POST.get(f"name_en_{n}", ""),
                 "max": request.POST.get(f"max_{n}", "").strip()} for n in range(1, RUBRIC_MAX_CRITERIA + 1)]
        try:
            criteria = []
            for row in rows:
                if not row["name"]:
                    continue
                if not row["max"].isdigit():
                    raise ApplicationError("rubric_invalid", f"评分项“{row['name']}”的满分须为正整数",
                                           f"The maximum of “{row['name']}” is a whole number")
                criteria.append(Criterion(row["name"], row["name_en"], int(row["max"])))
            services.defence_rubric_set(actor=request.user, campaign=campaign, criteria=criteria,
                                        ip=client_ip(request))
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            error = exc
        else:
            from django.contrib import messages

            messages.success(request, _("答辩评分细则已保存"))
            return redirect("committees:campaign_rubric", campaign_id=campaign.pk)
    rows += [{"name": "", "name_en": "", "max": ""}] * (RUBRIC_MAX_CRITERIA - len(rows))
    return render(request, "committees/campaign_rubric.html", {
        "campaign": campaign, "rows": rows, "error": error, "locked": selectors.rubric_locked(campaign.pk),
        "total": sum(c.max_points for c in rubric),
    }, status=error.status if error else 200)
