"""Pure policy of evaluation: sizes, quorum, the two-thirds pass, the draw's order, the level rule, terms, quotas.

Plain values in, plain answers out (no ORM), so each rule is tested at its boundary on both sides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

# 《职称评审管理暂行规定》: senior committees by series ≥ 25, by specialty ≥ 11; intermediate/junior: province
# practice (configurable through settings ZHICHENG_COMMITTEE_MIN_SIZES)
DEFAULT_MIN_SIZES: dict[tuple[str, str], int] = {
    ("senior", "series"): 25, ("senior", "specialty"): 11,
    ("intermediate", "series"): 15, ("intermediate", "specialty"): 7,
    ("junior", "series"): 7, ("junior", "specialty"): 7,
}
SENIOR_RANK = 4  # 副高级 and 正高级 are senior (Level.rank 4 and 5)
TOP_RANK = 5
MAX_TERM_YEARS = 3


def level_group(rank: int) -> str:
    if rank >= SENIOR_RANK:
        return "senior"
    return "intermediate" if rank == 3 else "junior"


def committee_min_size(rank: int, formed_by: str, overrides: dict | None = None) -> int:
    sizes = {**DEFAULT_MIN_SIZES, **(overrides or {})}
    return sizes[(level_group(rank), formed_by)]


def size_problems(size: int, min_size: int) -> list[tuple[str, str]]:
    """Why a committee (or a meeting's drawn membership) of `size` is not allowed: odd and at least the minimum."""
    problems = []
    if size % 2 == 0:
        problems.append((f"委员人数须为单数（现为 {size} 人）", f"The number of members must be odd ({size})"))
    if size < min_size:
        problems.append((f"委员人数不得少于 {min_size} 人（现为 {size} 人）",
                         f"At least {min_size} members are required ({size})"))
    return problems


def within_years(start: dt.date, end: dt.date, years: int = MAX_TERM_YEARS) -> bool:
    """`end` is no later than `years` years after `start` (a term of service, a committee's approval)."""
    try:
        limit = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + years, day=28)
    return end <= limit


def may_review(expert_rank: int, reviewed_rank: int) -> bool:
    """An expert reviews only levels at or below their own title's level; 正高 reviews need 正高 experts."""
    if reviewed_rank >= TOP_RANK:
        return expert_rank >= TOP_RANK
    return expert_rank >= reviewed_rank


def quorum_met(present: int, members: int, numerator: int = 2, denominator: int = 3) -> bool:
    """At least numerator/denominator of the meeting's members attend (in integers: no rounding)."""
    return members > 0 and denominator * present >= numerator * members


def passes(yes: int, eligible: int) -> bool:
    """Yes votes ≥ 2/3 of the experts attending and entitled to vote on this candidate: 3·yes ≥ 2·eligible."""
    return eligible > 0 and 3 * yes >= 2 * eligible


def alternates_for(size: int, ratio: float) -> int:
    return math.ceil(size * ratio)


def draw_key(seed: str, expert_id: int) -> str:
    """Each expert's place in the draw: SHA-256 of the seed and the id — anyone can recompute it."""
    return hashlib.sha256(f"{seed}:{expert_id}".encode()).hexdigest()


def draw_order(seed: str, eligible_ids: Iterable[int]) -> list[int]:
    """The eligible experts in the order the seed puts them (members first, then alternates)."""
    return sorted(eligible_ids, key=lambda pk: (draw_key(seed, pk), pk))


@dataclass(frozen=True)
class PoolEntry:
    id: int
    series_id: int
    level_rank: int
    active: bool
    term_start: dt.date
    term_end: dt.date
    conflicted_with: tuple[int, ...] = ()  # candidates' dossier ids


def draw_exclusion(entry: PoolEntry, *, series_id: int, reviewed_rank: int, on: dt.date,
                   exclude_conflicted: bool) -> tuple[str, str] | None:
    """Why this pool expert cannot be drawn for the meeting (zh, en), or None."""
    if not entry.active:
        return "已停用", "inactive"
    if entry.series_id != series_id:
        return "非本系列专家", "another series"
    if not may_review(entry.level_rank, reviewed_rank):
        return "本人职称级别低于评审级别", "own title below the level reviewed"
    if not (entry.term_start <= on <= entry.term_end):
        return "不在聘期内", "outside the term of service"
    if exclude_conflicted and entry.conflicted_with:
        return (f"与本次会议候选人有利害关系（{len(entry.conflicted_with)} 人）",
                f"conflict with {len(entry.conflicted_with)} candidate(s)")
    return None


@dataclass(frozen=True)
class QuotaLine:
    series_id: int
    level_id: int
    plan: int | None  # None: no plan row, no cap
    used: int


def quota_overflow(lines: Sequence[QuotaLine], adding: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    """How many passes beyond the remaining quota each (series, level) would confirm (only those over)."""
    by_key = {(line.series_id, line.level_id): line for line in lines}
    over = {}
    for key, count in adding.items():
        line = by_key.get(key)
        if line is None or line.plan is None:
            continue
        extra = line.used + count - line.plan
        if extra > 0:
            over[key] = extra
    return over


# -- the defence rubric ------------------------------------------------------------------------------------------

class Criterion(NamedTuple):
    name: str
    name_en: str
    max_points: int


# What a campaign scores on until the office sets its own (the previous fixed rubric, 100 points).
DEFAULT_RUBRIC: tuple[Criterion, ...] = (
    Criterion("专业理论", "Professional theory", 30),
    Criterion("业绩成果", "Achievements", 40),
    Criterion("答辩表现", "Defence performance", 30),
)
RUBRIC_MAX_CRITERIA = 10
RUBRIC_MAX_POINTS = 100  # one criterion's ceiling; a defence is scored on a 100-point scale at most


def rubric_problems(criteria: Sequence[Criterion]) -> list[tuple[str, str]]:
    """What is wrong with a rubric the office proposes, as (Chinese, English) messages; empty when it is valid."""
    problems: list[tuple[str, str]] = []
    if not criteria:
        problems.append(("评分细则至少需要一个评分项", "A rubric needs at least one criterion"))
    if len(criteria) > RUBRIC_MAX_CRITERIA:
        problems.append((f"评分项最多 {RUBRIC_MAX_CRITERIA} 个", f"At most {RUBRIC_MAX_CRITERIA} criteria"))
    names = [c.name.strip() for c in criteria]
    if any(not n for n in names):
        problems.append(("评分项名称不能为空", "Each criterion needs a name"))
    if len(set(names)) != len(names):
        problems.append(("评分项名称不能重复", "Criterion names must differ"))
    for c in criteria:
        if not 1 <= c.max_points <= RUBRIC_MAX_POINTS:
            problems.append((f"评分项“{c.name}”的满分须在 1–{RUBRIC_MAX_POINTS} 之间",
                             f"The maximum of “{c.name_en or c.name}” must be 1–{RUBRIC_MAX_POINTS}"))
    if sum(c.max_points for c in criteria) > RUBRIC_MAX_POINTS:
        problems.append((f"各评分项满分合计不能超过 {RUBRIC_MAX_POINTS} 分",
                         f"The maxima add up to more than {RUBRIC_MAX_POINTS}"))
    return problems


def score_problems(rubric: Sequence[Criterion], scores: dict[str, int]) -> list[tuple[str, str]]:
    """An expert's scores against the rubric: every criterion scored once, each within 0 and its maximum."""
    problems: list[tuple[str, str]] = []
    known = {c.name: c for c in rubric}
    for name in scores:
        if name not in known:
            problems.append((f"评分细则中没有评分项“{name}”", f"The rubric has no criterion “{name}”"))
    for c in rubric:
        if c.name not in scores:
            problems.append((f"请为评分项“{c.name}”评分", f"Score “{c.name_en or c.name}”"))
        elif not 0 <= scores[c.name] <= c.max_points:
            problems.append((f"评分项“{c.name}”的分数须在 0–{c.max_points} 之间",
                             f"“{c.name_en or c.name}” is scored 0–{c.max_points}"))
    return problems
