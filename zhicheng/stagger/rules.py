"""Pure checks of a slot: its days inside the submission window, first not after last, a label."""

from __future__ import annotations

import datetime as dt

from zhicheng.catalog.rules import Problem


def slot_problems(*, label: str, first_day: dt.date | None, last_day: dt.date | None, window_first: dt.date,
                  window_last: dt.date) -> list[Problem]:
    problems = []
    if not label.strip():
        problems.append(Problem("label", "请填写批次名称", "The group needs a name"))
    if first_day is None or last_day is None:
        problems.append(Problem("first_day", "请填写建议提交的起止日期", "Both suggested days are required"))
        return problems
    if first_day > last_day:
        problems.append(Problem("last_day", "建议提交结束日不能早于开始日", "The last day cannot be before the first"))
    for name, day in (("first_day", first_day), ("last_day", last_day)):
        if not window_first <= day <= window_last:
            problems.append(Problem(
                name, f"建议提交日期须在个人申报期内（{window_first:%m-%d}—{window_last:%m-%d}），收到 {day:%Y-%m-%d}",
                f"Suggested days must fall inside the submission window ({window_first}–{window_last}), got {day}",
            ))
    return problems
