"""Returns: every requested change at once with an answer deadline; the applicant's answer sends the dossier back.

A unit return is proposed with `decision.data = {"items": [{section, item_id, message}, ...], "answer_deadline":
ISO instant}`; `return_data_check` cleans it (the default deadline: the end of the 3rd working day after today,
never after the campaign's supplement cut-off) and `return_request_create` records it once a leader confirmed.
The applicant answers through `dossiers.services.dossier_submit`; the dossier goes back to the state it was
returned from, the answer's guards are in review/guards.py and `return_answer_record` notes the answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zhicheng.core.calendar import add_working_days
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.sections import SECTIONS

from ..models import ReturnItem, ReturnRequest, ReviewDecision

DEFAULT_ANSWER_WORKING_DAYS = 3
MAX_ITEMS = 50


def _invalid(field: str, zh: str, en: str, status: int = 400) -> ApplicationError:
    return ApplicationError("invalid_return", zh, en, status=status,
                            details={"fields": {field: [zh]}, "fields_en": {field: [en]}})


def _end_of_day(day: dt.date) -> dt.datetime:
    """`day` 24:00 in Asia/Shanghai, i.e. the next day's 00:00: deadlines are instants that exclude their end."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def default_answer_deadline(campaign, now: dt.datetime) -> dt.datetime:
    today = timezone.localdate(now)
    deadline = _end_of_day(add_working_days(today + dt.timedelta(days=1), DEFAULT_ANSWER_WORKING_DAYS))
    return min(deadline, campaign.supplement_cutoff)


def _row_exists(dossier: Dossier, section: str, item_id: int) -> bool:
    spec = SECTIONS[section]
    return not spec.single and spec.model._default_manager.filter(dossier=dossier, pk=item_id).exists()


def _items_clean(raw: Any, dossier: Dossier | None = None) -> list[dict[str, Any]]:
    """Each requested change names a section of the dossier (or none: the whole dossier) and, optionally, one of
    that section's rows by its id, as the ticked rows of the editor post it; a row the dossier lacks is refused."""
    if not isinstance(raw, list) or not raw:
        raise _invalid("items", "请至少勾选一项需要修改的条目或栏目", "Tick at least one row or section to change")
    if len(raw) > MAX_ITEMS:
        raise _invalid("items", f"修改要求最多 {MAX_ITEMS} 项", f"At most {MAX_ITEMS} requested changes")
    items = []
    for row in raw:
        row = row if isinstance(row, dict) else {}
        section, message = str(row.get("section") or "").strip(), str(row.get("message") or "").strip()
        item_id = row.get("item_id")
        if section and section not in SECTIONS:
            raise _invalid("items", f"没有此栏目：{section}", f"No such section: {section}")
        if not message:
            raise _invalid("items", "每个勾选的条目都须写明修改要求",
                           "Each ticked row needs a note saying what to change")
        if item_id in ("", None):
            item_id = None
        elif not str(item_id).isdigit():
            raise _invalid("items", "条目编号须为数字", "The item id must be a number")
        else:
            item_id = int(item_id)
            if not section or (dossier is not None and not _row_exists(dossier, section, item_id)):
                label = SECTIONS[section].label_zh if section else "整体"
                raise _invalid("items", f"{label}中没有此条目（{item_id}），请在列表中勾选",
                               f"The dossier has no such row ({item_id}) in that section; tick it in the list")
        items.append({"section": section, "item_id": item_id, "message": message})
    return items


def _deadline_clean(raw: Any, campaign, now: dt.datetime) -> dt.datetime:
    if raw in (None, ""):
        return default_answer_deadline(campaign, now)
    deadline = raw if isinstance(raw, dt.datetime) else parse_datetime(str(raw))
    if deadline is None:
        raise _invalid("answer_deadline", "答复截止时间格式不正确", "The answer deadline is not a valid instant")
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline <= now:
        raise _invalid("answer_deadline", "答复截止时间须晚于现在", "The answer deadline must be in the future", 409)
    if deadline > campaign.supplement_cutoff:
        cutoff = timezone.localtime(campaign.supplement_cutoff)
        raise _invalid("answer_deadline", f"答复截止时间不能晚于补充资料截止时间（{cutoff:%Y-%m-%d %H:%M}）",
                       "The answer deadline cannot be after the supplement cut-off")
    return deadline


def return_data_check(decision: ReviewDecision, dossier: Dossier, now: dt.datetime) -> None:
    """Clean the items and the deadline into decision.data (at proposal, and again at confirmation)."""
    data = decision.data if isinstance(decision.data, dict) else {}
    items = _items_clean(data.get("items"), dossier)
    deadline = _deadline_clean(data.get("answer_deadline"), dossier.campaign, now)
    decision.data = {**data, "items": items, "answer_deadline": deadline.isoformat()}


def return_request_create(decision: ReviewDecision, dossier: Dossier, now: dt.datetime,
                          addressee: str = ReturnRequest.Addressee.APPLICANT) -> ReturnRequest:
    """After a confirmed return: the ReturnRequest with all its items (department returns too)."""
    number = ReturnRequest.objects.filter(dossier=dossier, level=decision.level).count() + 1
    request = ReturnRequest.objects.create(
        decision=decision, dossier=dossier, level=decision.level, addressee=addressee, number=number,
        answer_deadline=parse_datetime(decision.data["answer_deadline"]), created_at=now,
    )
    ReturnItem.objects.bulk_create(
        ReturnItem(return_request=request, section=i["section"], item_id=i["item_id"], message=i["message"])
        for i in decision.data["items"]
    )
    return request


def return_open_for(dossier: Dossier) -> ReturnRequest | None:
    """The applicant's open return (a department's return to the unit may stay open beside it)."""
    return (ReturnRequest.objects.filter(dossier=dossier, answered_at__isnull=True,
                                         addressee=ReturnRequest.Addressee.APPLICANT)
            .select_related("decision__organisation").order_by("-created_at", "-id").first())
