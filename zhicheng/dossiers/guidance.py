"""What the applicant is told about their dossier in each state: what happens next, by when, what blocks it.

One answer for the dashboard and the dossier's pages, so neither contradicts the other or the submit button
(`can_submit` is the button's own condition). Built from what the page has already loaded — the dossier with
its campaign and organisation, the pledge, the open return — so it costs no query of its own. The "by when"
is a real instant of the campaign (or the return's own answer deadline); the template formats it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from zhicheng.campaigns.models import Route

from .hooks import ChangeRequests
from .models import Dossier, DossierState

S = DossierState

# Eligibility words (Dossier.eligibility_status) that keep the submit button shut: both leave a blocking finding
SUBMIT_BLOCKING_ELIGIBILITY = ("blocked", "incomplete")


@dataclass(frozen=True)
class Guidance:
    """`next_step`: what happens next (and who acts); `deadline` / `deadline_label`: by when; `blockers`: what
    stands in the way, in words; `tone` for the card (ok / warn / bad / ""); `final`: the year's application
    ended here; `can_submit`: the submit button is offered and enabled."""

    next_step: str
    deadline: dt.datetime | None = None
    deadline_label: str = ""
    blockers: list[str] = field(default_factory=list)
    tone: str = ""
    final: bool = False
    can_submit: bool = False
    change_requests: list[ChangeRequests] = field(default_factory=list)


def _day_end(day: dt.date) -> dt.datetime:
    """A campaign's date as the instant it ends (midnight after it, shown as that day's 24:00)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _eligibility_blocker(status: str) -> str:
    return {
        "blocked": _("有不符合申报条件的项目：按“资格条件检查”中每项的说明修改材料，或对确不适用的项目声明豁免"),
        "incomplete": _("申报信息不完整：按“资格条件检查”中列出的缺少项补填或上传"),
    }.get(status, "")


def _draft(dossier: Dossier, now: dt.datetime, pledge, pledge_outdated: bool) -> Guidance:
    campaign = dossier.campaign
    opens, closes = campaign.submission_opens_at, campaign.submission_closes_at
    if now < opens:
        return Guidance(_("个人申报尚未开始：可先填写各栏目、上传佐证材料，开始后签署诚信承诺书并提交本单位审核。"),
                        opens, _("个人申报开始"), [_("个人申报尚未开始")], "warn")
    if now >= closes:
        return Guidance(_("个人申报已截止，本草稿不能再提交，本年度申报未能进行。"), closes, _("个人申报截止"),
                        [_("个人申报已截止")], "bad", final=True)
    blockers = []
    status = dossier.eligibility_status
    if status in SUBMIT_BLOCKING_ELIGIBILITY:
        blockers.append(_eligibility_blocker(status))
    if pledge is None:
        blockers.append(_("诚信承诺书须在材料修改后重新签署") if pledge_outdated else _("尚未签署诚信承诺书"))
    if blockers:
        text = _("请完成以下事项后提交本单位审核，提交前材料仍由您修改：")
        return Guidance(text, closes, _("个人申报截止"), blockers, "warn")
    if status in ("outdated", "not_checked"):
        text = _("诚信承诺书已签署。材料修改后正在重新检查申报条件；现在即可提交，提交时系统会再次检查。")
    else:
        text = _("申报条件符合，诚信承诺书已签署：请提交本单位审核。提交后单位作出决定前仍可撤回。")
    return Guidance(text, closes, _("个人申报截止"), [], "ok", can_submit=True)


def _returned(dossier: Dossier, pledge, requests: list[ChangeRequests]) -> Guidance:
    request = requests[0] if requests else None
    # the answer needs a pledge signed after the return (review's answer guard), not merely one still standing
    signed_since = pledge is not None and (request is None or request.returned_at is None
                                           or pledge.signed_at >= request.returned_at)
    blockers = [] if signed_since else [_("修改后须重新签署诚信承诺书，才能答复")]
    if dossier.eligibility_status in SUBMIT_BLOCKING_ELIGIBILITY:
        blockers.append(_eligibility_blocker(dossier.eligibility_status))
    if request is None:  # the return's record is not readable here: the state still says what to do
        return Guidance(_("申报材料已退回修改：请按修改要求修改，重新签署诚信承诺书后再次提交。"), None, "",
                        blockers, "warn", change_requests=requests)
    n = sum(len(texts) for texts in request.by_target.values())
    text = _("%(title)s（%(by)s）：请按标出的 %(n)s 项修改要求修改材料，重新签署诚信承诺书后，在答复截止前提交答复；"
             "逾期未答复的不再受理。") % {"title": request.title, "by": request.returned_by or _("审核单位"), "n": n}
    return Guidance(text, request.deadline, _("答复截止"), blockers, "warn", change_requests=requests)


def _waiting(dossier: Dossier) -> Guidance | None:
    """The states where someone else acts: who, what comes next, and the campaign's instant for it."""
    c = dossier.campaign
    unit = dossier.organisation.name
    # an entrusted series is handed over earlier (review.services.recommendation.handover_deadline)
    department_by = (min(c.entrusted_recommendation_deadline, c.department_deadline)
                     if dossier.route == Route.ENTRUSTED else c.department_deadline)
    handover, review_by = _("报送审核部门截止"), _("审核、补充资料截止")
    meetings = (_day_end(c.meetings_by), _("答辩与评审会议完成"))
    issue = (_day_end(c.issue_by), _("印发文件、发放证书截止"))
    table: dict[str, tuple[str, dt.datetime | None, str]] = {
        S.SUBMITTED: (
            _("已提交至 %(unit)s，等待单位审核：单位逐项核对后审核通过或退回修改。单位作出决定前您可以撤回。")
            % {"unit": unit}, c.unit_recommendation_deadline, _("单位审核推荐截止")),
        S.UNIT_PASSED: (
            _("单位审核已通过，下一步由单位公示申报材料；公示期满无异议后，单位推荐报送审核部门。"),
            department_by, handover),
        S.IN_PUBLICITY: (
            _("单位正在公示您的申报材料；公示期满无异议后，单位推荐报送审核部门。有异议的，由单位核实处理。"),
            department_by, handover),
        S.PUBLICITY_DONE: (_("公示期满，等待单位签署推荐意见并报送审核部门。"), department_by, handover),
        S.DEPARTMENT_RETURNED: (
            _("审核部门已将材料退回 %(unit)s 补正；需要您补充的，单位会再退回给您。") % {"unit": unit},
            c.supplement_cutoff, _("补充资料截止")),
        S.RECOMMENDED: (_("单位已推荐，审核部门正在审核；审核通过后报职改办资格审查。"),
                        c.supplement_cutoff, review_by),
        S.DEPARTMENT_PASSED: (_("审核部门已审核通过，职改办正在进行资格审查。"), c.supplement_cutoff, review_by),
        S.OFFICE_ACCEPTED: (_("职改办已受理，等待安排评审会议；答辩安排另行通知，请保持电话畅通。"), *meetings),
        S.SCHEDULED: (_("已排入评审会议；需要答辩的，请按通知的时间和地点参加。"), *meetings),
        S.IN_MEETING: (_("评审会议正在进行，结果经评委会表决后公布。"), *meetings),
        S.ENTRUSTED_SENT: (_("已送委托评审，等待受托评委会的评审结果。"), _day_end(c.evaluation_complete_by),
                           _("评审工作完成")),
        S.PASSED: (_("评审通过，下一步由职改办公示评审结果；公示期满无异议后印发文件、发放证书。"), *issue),
        S.IN_RESULT_PUBLICITY: (_("评审结果正在公示；公示期满无异议后，职改办印发文件、发放证书。"), *issue),
        S.RESULT_PUBLICITY_DONE: (_("结果公示期满，等待职改办印发文件确认资格、发放证书。"), *issue),
    }
    if dossier.state not in table:
        return None
    text, deadline, label = table[dossier.state]
    return Guidance(text, deadline, label, [], "")


def _ended(dossier: Dossier) -> Guidance:
    """The states where nothing more happens this year (or the title is conferred)."""
    texts = {
        S.CONFERRED: (_("已发文确认职称资格，可在“我的证书”查看和下载电子证书。"), "ok"),
        S.WITHDRAWN: (_("您已撤回申报，本年度申报已结束；材料保留，仅供查看。"), "bad"),
        S.NOT_ACCEPTED: (_("单位决定不予受理，本年度申报已结束；理由见办理记录。"), "bad"),
        S.NOT_RECOMMENDED: (_("单位决定不予推荐，本年度申报已结束；理由见办理记录。"), "bad"),
        S.DEPARTMENT_REJECTED: (_("审核部门审核未通过，本年度申报已结束；理由见办理记录。"), "bad"),
        S.OFFICE_REJECTED: (_("职改办资格审查未通过，本年度申报已结束；理由见办理记录。"), "bad"),
        S.FAILED: (_("评审未通过，本年度申报已结束。符合条件的，可参加下一年度评审。"), "bad"),
        S.RESULT_OBJECTION_UPHELD: (_("评审结果公示期间异议成立，本年度不予确认资格；理由见办理记录。"), "bad"),
        S.REVOKED: (_("职称资格已撤销；理由见办理记录。"), "bad"),
    }
    text, tone = texts.get(dossier.state, (str(dossier.get_state_display()), ""))
    return Guidance(text, None, "", [], tone, final=True)


def applicant_guidance(dossier: Dossier, *, now: dt.datetime, pledge=None, pledge_outdated: bool = False,
                       change_requests: list[ChangeRequests] | None = None) -> Guidance:
    """The applicant's guidance for the dossier's state now (see the module's docstring)."""
    if dossier.state == S.DRAFT:
        return _draft(dossier, now, pledge, pledge_outdated)
    if dossier.state == S.RETURNED:
        return _returned(dossier, pledge, change_requests or [])
    return _waiting(dossier) or _ended(dossier)


def dossier_guidance(dossier: Dossier, *, now: dt.datetime) -> Guidance:
    """The guidance with the pledge and the open return read for it (the dashboard, which has neither loaded)."""
    from .hooks import change_requests_for
    from .selectors import dossier_pledge_state

    pledge, outdated = dossier_pledge_state(dossier) if dossier.state in (S.DRAFT, S.RETURNED) else (None, False)
    requests = change_requests_for(dossier) if dossier.state == S.RETURNED else []
    return applicant_guidance(dossier, now=now, pledge=pledge, pledge_outdated=outdated, change_requests=requests)
