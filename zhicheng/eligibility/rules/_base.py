"""Finding builders and small fact helpers shared by the rule modules; no Django, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhicheng.eligibility.facts import BLOCK, INFO, WARN, AchievementFact, CampaignParams, Finding, TitleFact

__all__ = ["BLOCK", "INFO", "LEVEL_EN", "LEVEL_ZH", "PROVINCE", "WARN", "Rule", "achievement_key", "counted",
           "highest_title", "iso", "num"]

PROVINCE = "province"  # dossiers.ValidityScope.PROVINCE
LEVEL_ZH = {5: "正高级", 4: "副高级", 3: "中级", 2: "助理级", 1: "员级"}
LEVEL_EN = {5: "full senior", 4: "deputy senior", 3: "intermediate", 2: "assistant", 1: "junior"}


def iso(day: dt.date | None) -> str | None:
    """Dates in facts_used as ISO strings, so stored findings are plain JSON."""
    return day.isoformat() if day is not None else None


def num(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


@dataclass(frozen=True)
class Rule:
    """One rule id and its clause; builds that rule's findings so every message carries both."""

    id: str
    clause: str

    def ok(self, zh: str, en: str, facts: dict[str, Any] | None = None, subject: str = "") -> Finding:
        return Finding(self.id, INFO, True, zh, en, self.clause, facts or {}, (), subject)

    def problem(self, severity: str, zh: str, en: str, facts: dict[str, Any] | None = None,
                subject: str = "") -> Finding:
        return Finding(self.id, severity, False, zh, en, self.clause, facts or {}, (), subject)

    def block(self, zh: str, en: str, facts: dict[str, Any] | None = None, subject: str = "") -> Finding:
        return self.problem(BLOCK, zh, en, facts, subject)

    def missing(self, fields: tuple[str, ...], zh: str, en: str, subject: str = "",
                facts: dict[str, Any] | None = None) -> Finding:
        """Incomplete: a needed fact is not filled in; blocks until it is, and names the field to fill."""
        return Finding(self.id, BLOCK, False, f"信息不完整：{zh}", f"Incomplete: {en}", self.clause, facts or {},
                       fields, subject)


def _title_key(title: TitleFact) -> tuple[Any, ...]:
    # a total order over every field, so the choice never depends on the order the titles arrive in
    obtained = title.obtained_on.toordinal() if title.obtained_on else 0
    return (title.level_rank, title.scope == PROVINCE, -obtained, title.series, title.title, title.scope)


def highest_title(titles: tuple[TitleFact, ...]) -> TitleFact | None:
    """The highest level held; among equals a 全省有效 one, then the earliest obtained."""
    return max(titles, key=_title_key, default=None)


def achievement_key(a: AchievementFact) -> tuple[Any, ...]:
    """A total order over every field: ids are unique in the database, but facts made by hand need not be."""
    return (a.id, a.title, a.kind, a.achieved_on or dt.date.min, a.tier, a.cnki_indexed is None, bool(a.cnki_indexed),
            a.similarity_percent is None, a.similarity_percent or 0, a.has_similarity_report, a.waiver_id or 0)


def counted(achievement: AchievementFact, params: CampaignParams) -> bool:
    """Counts this year: obtained by the achievement cut-off (R-CUTOFF); an undated one does not count."""
    return achievement.achieved_on is not None and achievement.achieved_on <= params.achievement_cutoff
