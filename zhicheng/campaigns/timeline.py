"""The campaign's windows and cut-offs in order, for the detail page (the template formats the dates)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .models import Campaign


@dataclass(frozen=True)
class TimelineRow:
    label: str
    section: str
    kind: str  # dates (a day range), window (instant range), deadline (instant), date (a day)
    start: Any = None
    end: Any = None


def campaign_timeline_rows(c: Campaign) -> list[TimelineRow]:
    """Every window and cut-off of domain brief §2, with the notice section it comes from."""
    return [
        TimelineRow(_("政策宣传"), "§四(一)", "dates", c.policy_publicity_start, c.policy_publicity_end),
        TimelineRow(_("个人申报"), "§二、§四(二)", "window", c.submission_opens_at, c.submission_closes_at),
        TimelineRow(_("业绩截止（此后取得的业绩计入下一年度）"), "§六(二)", "date", end=c.achievement_cutoff),
        TimelineRow(_("审核推荐"), "§四(三)", "dates", c.unit_review_start, c.unit_review_end),
        TimelineRow(_("单位推荐截止"), "§二", "deadline", end=c.unit_recommendation_deadline),
        TimelineRow(_("委托评审系列审核推荐截止"), "§四(三)", "deadline", end=c.entrusted_recommendation_deadline),
        TimelineRow(_("报送审核部门截止"), "§四(三)", "deadline", end=c.department_deadline),
        TimelineRow(_("补充资料截止"), "§四(四)", "deadline", end=c.supplement_cutoff),
        TimelineRow(_("答辩评审会议完成"), "§四(四)", "date", end=c.meetings_by),
        TimelineRow(_("评审工作完成"), "§四", "date", end=c.evaluation_complete_by),
        TimelineRow(_("印发职称文件、下发电子证书"), "§四(五)", "date", end=c.issue_by),
        TimelineRow(_("任职年限计算截止"), "§六(三)", "date", end=c.seniority_date),
    ]
