"""The workflow guards review owns (registered by name in dossiers.guards, named by workflow.py's rows).

Each reads the facts review keeps — returns and their deadlines, the recommendation papers and post counts, the
route the office confirms — and answers with a Decision; the effects in services/ only clean a decision's data
and do the follow-ups.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhicheng.campaigns.models import Route
from zhicheng.core.permissions import ALLOW, Decision
from zhicheng.dossiers.guards import GuardContext, guard_register, refuse
from zhicheng.dossiers.models import DossierState

from .models import MeetingResult, Recommendation, ReturnRequest, StaffMeeting
from .services.department import department_return_open, department_returns_made
from .services.meetings import staff_meeting_required
from .services.recommendation import handover_deadline, posts_finding, unit_recommendation_close
from .services.returns import return_open_for


def return_answer_open_at(dossier, at: dt.datetime) -> bool:
    """The applicant may answer a formal return until that return's own deadline and the supplement cut-off."""
    if dossier.state != DossierState.RETURNED or at >= dossier.campaign.supplement_cutoff:
        return False
    open_return = return_open_for(dossier)
    return open_return is not None and at < open_return.answer_deadline


@guard_register("return_answer_open")
def return_answer_open(ctx: GuardContext) -> Decision:
    """An answer comes before the return's deadline and the supplement cut-off (§四(四))."""
    if return_answer_open_at(ctx.dossier, ctx.now):
        return ALLOW
    return refuse("answer_closed", "退回答复已过截止时间（或已过补充资料截止时间），不能再提交",
                  "The answer to the return is past its deadline (or the supplement cut-off)")


@guard_register("pledge_signed_after_return")
def pledge_signed_after_return(ctx: GuardContext) -> Decision:
    """The answer's pledge was signed after the return was made (the applicant re-affirms the changed dossier)."""
    open_return = return_open_for(ctx.dossier)
    number = ctx.data.get("version")
    version = ctx.dossier.versions.select_related("pledge").filter(number=number).first() if number else None
    pledge = version.pledge if version is not None else None
    if open_return is None or (pledge is not None and pledge.signed_at >= open_return.created_at):
        return ALLOW
    return refuse("pledge_required", "退回修改后须重新签署诚信承诺书，再提交答复",
                  "Sign the integrity pledge again after the return before answering")


@guard_register("before_supplement_cutoff")
def before_supplement_cutoff(ctx: GuardContext) -> Decision:
    """No return at or after the supplement cut-off (§四(四))."""
    if ctx.now < ctx.dossier.campaign.supplement_cutoff:
        return ALLOW
    return refuse("supplement_closed", "已过补充资料截止时间，不能再退回补充材料",
                  "The supplement cut-off has passed: no more returns")


@guard_register("returns_below_limit")
def returns_below_limit(ctx: GuardContext) -> Decision:
    """At most campaign.max_returns department returns per dossier (§七(二))."""
    limit = ctx.dossier.campaign.max_returns
    if department_returns_made(ctx.dossier) < limit:
        return ALLOW
    return refuse("return_limit_reached", f"审核部门已退回 {limit} 次，不能再退回，只能审核通过或不通过",
                  f"The department has already returned this dossier {limit} times: only pass or reject remain",
                  max_returns=limit)


@guard_register("department_return_open")
def department_return_is_open(ctx: GuardContext) -> Decision:
    """The unit answers (passes on or resends) only a department return it has not answered yet."""
    if department_return_open(ctx.dossier) is not None:
        return ALLOW
    return refuse("no_open_return", "没有待答复的审核部门退回", "No open department return")


def _last_day(instant: dt.datetime) -> str:
    return f"{timezone.localtime(instant - dt.timedelta(seconds=1)):%Y-%m-%d} 24时"


@guard_register("unit_recommendation_open")
def unit_recommendation_open(ctx: GuardContext) -> Decision:
    """The unit passes or returns a submitted dossier before the system's close of unit recommendation (§二)."""
    close = unit_recommendation_close(ctx.dossier)
    if ctx.now < close:
        return ALLOW
    shown = _last_day(close)
    return refuse("unit_recommendation_closed", f"系统单位推荐已于 {shown}截止，不能再审核通过或退回",
                  f"Unit recommendation in the system closed at {shown}: no more passes or returns",
                  deadline=close.isoformat())


@guard_register("handover_deadline")
def handover_deadline_not_passed(ctx: GuardContext) -> Decision:
    """The unit hands the publicity-cleared dossier to its review department before its route's instant (§四(三):
    10-31 24:00; entrusted series 10-30 24:00)."""
    deadline = handover_deadline(ctx.dossier)
    if ctx.now < deadline:
        return ALLOW
    shown = _last_day(deadline)
    return refuse("handover_closed", f"报送审核部门已于 {shown}截止，不能再推荐报送",
                  f"Handing dossiers to the review department closed at {shown}", deadline=deadline.isoformat())


@guard_register("recommendation_papers")
def recommendation_papers(ctx: GuardContext) -> Decision:
    """The discipline office's opinion and the sealed conduct statement are recorded (§二)."""
    papers = Recommendation.objects.filter(dossier_id=ctx.dossier.pk).first()
    if papers is not None and papers.conduct_file:
        return ALLOW
    return refuse("recommendation_papers_missing", "请先填写纪检监察意见和品德考核情况说明，并上传盖章的情况说明",
                  "Record the discipline office's opinion and the sealed conduct statement first")


@guard_register("staff_meeting_recorded")
def staff_meeting_recorded(ctx: GuardContext) -> Decision:
    """A 破格 or 基层有效 candidate is recommended only after the staff meeting agreed, minutes on file (§六(四))."""
    if not staff_meeting_required(ctx.dossier):
        return ALLOW
    meeting = StaffMeeting.objects.filter(dossier_id=ctx.dossier.pk).first()
    if meeting is None or not meeting.minutes_file:
        return refuse("staff_meeting_missing",
                      "破格晋升、基层有效人员须先登记职工大会集体评议（日期、到会人数、结果和会议纪要）",
                      "Record the staff meeting's appraisal (date, attendance, result, minutes) first")
    if meeting.result != MeetingResult.AGREED:
        return refuse("staff_meeting_not_agreed", "职工大会集体评议结果为不同意推荐，不能推荐",
                      "The staff meeting did not agree to the recommendation")
    return ALLOW


@guard_register("posts_within_ratio")
def posts_within_ratio(ctx: GuardContext) -> Decision:
    """R-POSTS: this year's recommendations of the unit stay within its post structure (§六(四)); the unit's
    post counts are locked, so two recommendations cannot both take the last place."""
    finding = posts_finding(ctx.dossier, lock=True)
    if finding is None:
        return refuse("post_counts_missing", "请先填写本单位已聘高级职称人数和基层有效高级职称人数",
                      "Record the unit's senior titles held first")
    if not finding["blocking"]:
        return ALLOW
    return refuse("posts_exceeded", f"不符合岗位结构比例要求，不能推荐：{finding['message_zh']}",
                  f"Post structure ratio: {finding['message_en']}", posts_check=finding)


@guard_register("route_confirmed")
def route_confirmed(ctx: GuardContext) -> Decision:
    """The office confirms a known route (self-run or entrusted): the one in its decision, else the dossier's."""
    data = getattr(ctx.decision, "data", None) or {}
    if (data.get("route") or ctx.dossier.route) in Route.values:
        return ALLOW
    return refuse("route_invalid", "请选择评审方式（自主评审或委托评审）", "Choose the route (self-run or entrusted)",
                  status=400, fields={"route": ["请选择评审方式"]}, fields_en={"route": ["invalid"]})


def return_answer_record(sender, *, change, **kwargs) -> None:
    """After the applicant's answer moved the dossier on: the open return is answered (by whom, when)."""
    if change.from_state != DossierState.RETURNED:
        return
    open_return = return_open_for(change.dossier)
    if open_return is not None:
        ReturnRequest.objects.filter(pk=open_return.pk).update(answered_at=change.at, answered_by=change.actor)


def guards_connect() -> None:
    """Called from ReviewConfig.ready: importing this module registered the guards; connect the follow-up."""
    from zhicheng.dossiers.workflow import dossier_state_changed

    dossier_state_changed.connect(return_answer_record, dispatch_uid="review_return_answer_record")

