"""What each role's dashboard shows: plain dicts built from selectors, rendered by web/dashboard/*.html."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.selectors import organisation_role_gaps

from . import dates, selectors, worktodo

# Which dashboard template a role gets
DASHBOARD_OF_ROLE = {
    Role.APPLICANT: "applicant",
    Role.ORG_ADMIN: "org_admin",
    Role.REVIEW_CLERK: "reviewer",
    Role.REVIEW_LEADER: "reviewer",
    Role.OFFICE_STAFF: "office",
    Role.COMMITTEE_SECRETARY: "committee",
    Role.EXPERT: "committee",
}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _day_end(day: dt.date) -> dt.datetime:
    return _day_start(day + dt.timedelta(days=1))


def campaign_steps(campaign) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """(label, start, end) of the campaign's steps (domain brief §2), in order."""
    c = campaign
    return [
        (_("政策宣传"), _day_start(c.policy_publicity_start), _day_end(c.policy_publicity_end)),
        (_("个人申报"), c.submission_opens_at, c.submission_closes_at),
        (_("单位审核推荐"), _day_start(c.unit_review_start), c.unit_recommendation_deadline),
        (_("公示、报送审核部门"), c.unit_recommendation_deadline, c.department_deadline),
        (_("审核部门与职改办审核、补充资料"), c.department_deadline, c.supplement_cutoff),
        (_("答辩与评审会议"), c.supplement_cutoff, _day_end(c.meetings_by)),
        (_("结果公示、印发文件和证书"), _day_end(c.meetings_by), _day_end(c.issue_by)),
    ]


def unit_instants(campaign, now: dt.datetime) -> list[dict]:
    """The unit-side instants of the notice, each with the step it closes, its clause and a countdown (§二, §四(三));
    how they apply to routes and steps: docs/decisions.md."""
    if campaign is None:
        return []
    c = campaign
    rows = [
        (_("系统单位推荐截止"), "§二", _("单位对已提交材料审核通过或退回"), c.unit_recommendation_deadline),
        (_("委托评审系列完成审核推荐"), "§四(三)", _("委托评审系列推荐报送审核部门"),
         min(c.entrusted_recommendation_deadline, c.department_deadline)),
        (_("报送审核部门截止"), "§四(三)", _("公示无异议的材料推荐报送审核部门"), c.department_deadline),
    ]
    return [{"label": str(label), "clause": clause, "step": str(step),
             "when": dates.format_datetime(when, deadline=True), "countdown": dates.countdown_text(when, now),
             "closed": now >= when} for label, clause, step, when in rows]


def submission_summary(campaign, now: dt.datetime) -> dict | None:
    """The applicant submission window: its dates, whether it is open, and the countdown."""
    if campaign is None:
        return None
    opens, closes = campaign.submission_opens_at, campaign.submission_closes_at
    return {
        "opens": dates.format_datetime(opens),
        "closes": dates.format_datetime(closes, deadline=True),
        "state": dates.window_state(opens, closes, now),
        "countdown": dates.countdown_text(closes, now),
        "days_left": dates.days_left(closes, now),
    }


def applicant_next_step(campaign, now: dt.datetime) -> str:
    """What an applicant should do now, given where the campaign stands."""
    if campaign is None:
        return _("本年度职称评审工作尚未发布，请关注职改办通知。")
    state = dates.window_state(campaign.submission_opens_at, campaign.submission_closes_at, now)
    if state == "before":
        return _(
            "个人申报将于 %(opens)s 开始。请提前准备：学历学位证书、现任职称证书、本单位近 6 个月社保缴费记录、"
            "继续教育证书、业绩成果及佐证材料。"
        ) % {"opens": dates.format_datetime(campaign.submission_opens_at)}
    if state == "open":
        return _(
            "请在 %(closes)s 前如实填报申报材料、上传佐证材料、签署诚信承诺书，并提交本单位审核。"
            "临近截止时系统繁忙，请尽早提交。"
        ) % {"closes": dates.format_datetime(campaign.submission_closes_at, deadline=True)}
    return _(
        "个人申报已于 %(closes)s 截止。请留意本单位的审核推荐与公示；如被退回修改，请在规定期限内一次性补正。"
    ) % {"closes": dates.format_datetime(campaign.submission_closes_at, deadline=True)}


def applicant_dossier_guidance(user, campaign, now: dt.datetime):
    """The applicant's dossier of the campaign (a withdrawn one too: it stays visible), what its state asks of them
    and the conditions that block it; (None, None, []) before they start one (the campaign's next step applies)."""
    from zhicheng.dossiers.guidance import SUBMIT_BLOCKING_ELIGIBILITY, dossier_guidance
    from zhicheng.dossiers.models import DossierState as S
    from zhicheng.dossiers.selectors import dossier_active_for, dossier_withdrawn_for
    from zhicheng.eligibility.wording import unresolved_in_words

    if campaign is None:
        return None, None, []
    dossier = dossier_active_for(user, campaign) or dossier_withdrawn_for(user, campaign)
    if dossier is None:
        return None, None, []
    guidance = dossier_guidance(dossier, now=now)
    # the dashboard has no checklist beside it: the conditions that block are named here, each with what to do
    blocked = dossier.state in (S.DRAFT, S.RETURNED) and dossier.eligibility_status in SUBMIT_BLOCKING_ELIGIBILITY
    return dossier, guidance, unresolved_in_words(dossier) if blocked else []


def applicant_dashboard(membership, campaign, now: dt.datetime) -> dict:
    from zhicheng.noticeboard.selectors import notices_latest_for
    from zhicheng.stagger.selectors import slot_of_applicant

    org = membership.organisation
    dossier, guidance, unmet = applicant_dossier_guidance(membership.user, campaign, now)
    return {
        "dossier": dossier,
        "guidance": guidance,
        "unmet": unmet,
        "notices": notices_latest_for(membership.user),
        "submission_slot": slot_of_applicant(membership.user, campaign),
        "organisation": org,
        "via_agency": org.kind == OrganisationKind.AGENCY,
        "submission": submission_summary(campaign, now),
        "next_step": guidance.next_step if guidance else applicant_next_step(campaign, now),
    }


def org_admin_dashboard(membership, campaign, now: dt.datetime) -> dict:
    from zhicheng.accountreset.selectors import reset_state

    org = membership.organisation
    gaps = organisation_role_gaps(org)
    return {
        "reset": reset_state(org, now, campaign),
        "organisation": org,
        "role_gaps": [str(Role(role).label) for role in gaps],
        "unit_instants": unit_instants(campaign, now),
        "member_counts": selectors.organisation_member_counts(org),
        "children_count": selectors.organisation_children_count(org),
        "submission": submission_summary(campaign, now),
    }


def reviewer_dashboard(membership, campaign, now: dt.datetime) -> dict:
    org = membership.organisation
    review = None
    if campaign is not None:
        review = {
            "window": " — ".join(dates.format_date(d) for d in (campaign.unit_review_start, campaign.unit_review_end)),
            "recommend_by": dates.format_datetime(campaign.unit_recommendation_deadline, deadline=True),
            "countdown": dates.countdown_text(campaign.unit_recommendation_deadline, now),
            "department_by": dates.format_datetime(campaign.department_deadline, deadline=True),
        }
    is_leader = membership.role == Role.REVIEW_LEADER
    return {
        "work": worktodo.reviewer_work(membership, now),
        "timeline": worktodo.campaign_phases(campaign, now) if campaign else [],
        "organisation": org,
        "children_count": selectors.organisation_children_count(org),
        "review": review,
        "unit_instants": unit_instants(campaign, now),
        "submission": submission_summary(campaign, now),
        "next_step": _("确认审查经办人提交的审查意见，签署推荐意见。") if is_leader
        else _("对照原件逐项核对申报材料，需要修改的一次性退回并写明全部修改要求；审核通过后提交审查领导确认。"),
    }


def office_dashboard(membership, campaign, now: dt.datetime) -> dict:
    from zhicheng.accountreset.selectors import organisations_not_ready, reset_state

    missing_count, missing = selectors.organisations_missing_roles(membership.user)
    not_ready_count, not_ready = organisations_not_ready(now)
    phases = worktodo.campaign_phases(campaign, now) if campaign else []
    return {
        "reset": reset_state(membership.organisation, now, campaign),
        "reset_not_ready_count": not_ready_count, "reset_not_ready": not_ready,
        "organisation": membership.organisation,
        "missing_roles_count": missing_count,
        "missing_roles": missing,
        "kind_counts": selectors.organisation_counts_by_kind(),
        "work": worktodo.reviewer_work(membership, now),
        "timeline": phases,
        "phases_over": bool(phases) and all(p.state in ("done", "late") for p in phases),
        "unit_instants": unit_instants(campaign, now),
        "submission": submission_summary(campaign, now),
        "quota": _quota(campaign),
    }


def _quota(campaign) -> list[dict]:
    from zhicheng.committees.selectors import quota_usage

    return quota_usage(campaign) if campaign else []


def committee_dashboard(membership, campaign, now: dt.datetime) -> dict:
    """The secretary's meetings to run, or the expert's meetings (open ballots first): work to do on landing."""
    from zhicheng.committees.selectors import expert_work, secretary_work

    user = membership.user
    return {
        "organisation": membership.organisation,
        "timeline": worktodo.campaign_phases(campaign, now) if campaign else [],
        "is_expert": membership.role == Role.EXPERT,
        "work": expert_work(user) if membership.role == Role.EXPERT else secretary_work(user),
    }


_BUILDERS = {
    "applicant": applicant_dashboard,
    "org_admin": org_admin_dashboard,
    "reviewer": reviewer_dashboard,
    "office": office_dashboard,
    "committee": committee_dashboard,
}


def dashboard_for(membership, campaign, now: dt.datetime) -> tuple[str, dict]:
    """The dashboard template name and its context for the active membership."""
    if membership is None:
        return "none", {}
    kind = DASHBOARD_OF_ROLE.get(membership.role, "links")
    builder = _BUILDERS.get(kind)
    return kind, (builder(membership, campaign, now) if builder else {"organisation": membership.organisation})
