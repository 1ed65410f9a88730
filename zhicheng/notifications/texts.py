"""What each kind of notification says, in Chinese with English from the catalogue.

Context values are plain strings put in by the caller (a dossier's title, a date as YYYY-MM-DD); a missing one
renders as empty rather than failing a delivery.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhicheng.audit.events import EventType

E = EventType


@dataclass(frozen=True)
class Text:
    subject: Promise
    body: Promise


TEXTS: dict[str, Text] = {
    E.REVIEW_UNIT_RETURNED: Text(
        _("您的申报材料被退回修改"),
        _("您的申报材料“%(dossier)s”已被单位退回修改，请在 %(deadline)s 前按要求修改并重新提交。"),
    ),
    E.REVIEW_UNIT_PASSED_BACK: Text(
        _("您的申报材料被退回修改"),
        _("审核部门退回的申报材料“%(dossier)s”已由单位转给您修改，请在 %(deadline)s 前按要求修改并重新提交。"),
    ),
    E.REVIEW_DEPARTMENT_RETURNED: Text(
        _("审核部门退回了申报材料"),
        _("申报材料“%(dossier)s”已被审核部门退回，请在 %(deadline)s 前处理。"),
    ),
    E.REVIEW_DECISION_PROPOSED: Text(
        _("有审核意见等待您确认"),
        _("%(proposer)s 对申报材料“%(dossier)s”提出了审核意见（%(action)s），等待审查领导确认。"),
    ),
    E.PUBLICITY_OBJECTION_FILED: Text(
        _("公示收到异议"),
        _("申报材料“%(dossier)s”在公示期间收到一条异议，请及时核实处理。"),
    ),
    E.REVIEW_OFFICE_ACCEPTED: Text(
        _("职改办已受理您的申报"),
        _("您的申报材料“%(dossier)s”已通过资格审查，职改办已受理。"),
    ),
    E.REVIEW_OFFICE_REJECTED: Text(
        _("您的申报未通过资格审查"),
        _("您的申报材料“%(dossier)s”未通过职改办资格审查。原因：%(reason)s"),
    ),
    E.NOTIFICATION_RETURN_DUE: Text(
        _("退回修改即将截止"),
        _("申报材料“%(dossier)s”的退回修改将于 %(deadline)s 截止，请尽快修改并重新提交。"),
    ),
    E.NOTIFICATION_RECOMMENDATION_DUE: Text(
        _("推荐报送即将截止"),
        _("%(campaign)s 的推荐材料报送将于 %(deadline)s 截止，尚有 %(count)s 份申报材料待推荐。"),
    ),
    E.NOTIFICATION_SUBMISSION_CLOSING: Text(
        _("个人申报即将截止"),
        _("%(campaign)s 个人申报将于 %(deadline)s 截止，您的申报材料“%(dossier)s”尚未提交。"),
    ),
}


def text_render(event_type: str, context: dict, language: str | None = None) -> tuple[str, str]:
    """(subject, body) of a notification in `language` (the active one if None)."""
    text = TEXTS.get(event_type)
    if text is None:  # a kind of notification without its own wording: its event's label
        label = E(event_type).label if event_type in E.values else _("系统通知")
        text = Text(label, label)
    values = defaultdict(str, {k: str(v) for k, v in (context or {}).items()})
    with translation.override(language) if language else nullcontext():
        return str(text.subject) % values, str(text.body) % values

