"""Pure policy of evaluation: sizes, quorum, the two-thirds pass, the draw's order, the level rule, terms, quotas.

Plain values in, plain answers out (no ORM), so each rule is tested at its boundary on both sides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
