"""Evaluate 100,000 synthetic dossiers' facts with the eligibility rules in one process; print dossiers/second.

Run by `make bench`. No database and no Django settings: the rules are pure functions of DossierFacts and
CampaignParams (zhicheng/eligibility/rules/). The fact sets are drawn with a fixed seed from pools of varied
parts (birth dates, sexes and retirement categories, units, titles, social-security histories with unit
changes and gaps, papers around the similarity limits, continuing education, achievements around the cut-off,
transfers, exemptions), so most rules take more than one path. Building them is not timed; evaluating is.
Target: at least 5,000 dossiers/second on one core (exit 1 otherwise). ZHICHENG_BENCH_ELIGIBILITY_N changes
the count.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zhicheng.eligibility.facts import (
    AchievementFact,
    ContinuingEducationFact,
    DossierFacts,
    EducationFact,
    ExemptionFact,
    TransferFact,
    WorkFact,
)
from zhicheng.eligibility.rules import evaluate
from zhicheng.eligibility.tests.facts_factory import (
    OTHER_CODE,
    OTHER_UNIT,
    UNIT,
    make_facts,
    make_params,
    socsec,
    title,
)

COUNT = int(os.environ.get("ZHICHENG_BENCH_ELIGIBILITY_N", "100000"))
TARGET_PER_SECOND = 5000
POOL = 1000
D = dt.date


def _socsec_history(rng: random.Random) -> tuple:
    own = rng.choice((3, 4, 5, 6, 6, 7, 12, 24, 36))
    first = D(2024, 9, 1).year * 12 + 9 - own  # month index of the first own month, so the last is 2024-09
    record = socsec(f"{first // 12}-{first % 12 + 1:02d}", own)
    if rng.random() < 0.2:  # a change of unit, sometimes with a gap
        gap = rng.choice((0, 0, 2))
        before = first - gap - 6
        record = socsec(f"{before // 12}-{before % 12 + 1:02d}", 6, OTHER_CODE, OTHER_UNIT) + record
    return record


def _titles(rng: random.Random) -> tuple:
    since = D(rng.randint(2008, 2022), rng.choice((6, 12)), 1)
    scope = rng.choice(("province",) * 8 + ("enterprise", "grassroots"))
    held = (title(obtained=since, scope=scope),)
    if rng.random() < 0.5:
        held += (title("助理工程师", 2, D(since.year - 4, 12, 1)),)
    return held if rng.random() < 0.95 else ()


def _achievements(rng: random.Random) -> tuple:
    items = []
    for n in range(rng.randint(0, 4)):
        day = rng.choice((D(2023, 6, 1), D(2024, 9, 30), D(2022, 3, 15), D(2021, 11, 2), D(2024, 10, 1)))
        if rng.random() < 0.7:
            similarity = Decimal(rng.randint(0, 1700)) / 100
            items.append(AchievementFact(n + 1, "paper", f"论文{n}", day, rng.choice(("core", "provincial")),
                                         rng.random() < 0.95, similarity, rng.random() < 0.5))
        else:
            items.append(AchievementFact(n + 1, "award", f"奖{n}", day, waiver_id=rng.choice((None, 1, 2))))
    return tuple(items)


def _ce(rng: random.Random) -> tuple:
    specialty = rng.choice((60, 60, 60, 60, 70, 90, 59))
    general = 90 - specialty + rng.choice((0,) * 9 + (-1,))
    return (ContinuingEducationFact(2023, general, specialty, rng.random() < 0.97),)


def _one(rng: random.Random, pools: dict) -> DossierFacts:
    sex = rng.choice(("M", "F"))
    facts = make_facts(
        applicant={"birth_date": D(rng.randint(1962, 1998), rng.randint(1, 12), rng.randint(1, 28)), "sex": sex,
                   "retirement_category": rng.choice(("cadre55",) * 6 + ("worker50", None)) if sex == "F" else None,
                   "employment": rng.choice(("unit_staff",) * 6 + ("agency_client", "flexible")),
                   "is_civil_servant": rng.random() < 0.02,
                   "file_custody": rng.choice(("local",) * 9 + ("outside_province",))},
        organisation={"in_district": rng.random() < 0.97, "outside_branch": rng.random() < 0.05},
        target={"category": rng.choice(("normal",) * 6 + ("exceptional", "transfer", "skilled", "rural")),
                "level_rank": rng.choice((3, 4, 4, 5))},
        titles=rng.choice(pools["titles"]), social_security=rng.choice(pools["socsec"]),
        achievements=rng.choice(pools["achievements"]), continuing_education=rng.choice(pools["ce"]),
        education=(EducationFact(rng.choice(("bachelor", "master", "college", "doctor")), None),),
        work=(WorkFact(OTHER_UNIT, D(2010, 1, 1), D(2023, 12, 31)), WorkFact(UNIT, D(2021, 1, 1), None)),
        rural_service_years=rng.choice((None, 15, 20, 30)),
    )
    if facts.target.category == "transfer":
        facts = replace(facts, transfers=(TransferFact(D(rng.choice((2022, 2023, 2024)), 3, 1), rng.random() < 0.9),))
    if rng.random() < 0.03:
        facts = replace(facts, exemptions=(ExemptionFact("legal_rep", frozenset({"labour_contract"})),))
    return facts


def build(count: int, seed: int = 2024) -> list[DossierFacts]:
    rng = random.Random(seed)
    pools = {"titles": [_titles(rng) for _ in range(POOL)], "socsec": [_socsec_history(rng) for _ in range(POOL)],
             "achievements": [_achievements(rng) for _ in range(POOL)], "ce": [_ce(rng) for _ in range(POOL)]}
    return [_one(rng, pools) for _ in range(count)]


def main() -> int:
    params = make_params()
    started = time.perf_counter()
    fact_sets = build(COUNT)
    built = time.perf_counter() - started
    blocked, findings = 0, 0
    rules_failing: Counter[str] = Counter()
    started, cpu_started = time.perf_counter(), time.process_time()
    for facts in fact_sets:
        result = evaluate(facts, params)
        findings += len(result)
        if any(f.blocking for f in result):
            blocked += 1
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    for facts in fact_sets[:2000]:  # not timed: which rules the synthetic set exercises
        rules_failing.update({f.rule for f in evaluate(facts, params) if not f.ok})
    rate = COUNT / cpu  # CPU seconds of this one process: other work on the machine does not count against it
    print(f"eligibility: {COUNT:,} fact sets built in {built:.1f} s")
    print(f"eligibility: evaluated in {cpu:.2f} s CPU ({elapsed:.2f} s wall) = {rate:,.0f} dossiers/second on one "
          f"core (target >= {TARGET_PER_SECOND:,}); {findings / COUNT:.1f} findings each, {blocked / COUNT:.0%} "
          "with a blocking finding")
    print("eligibility: rules reporting a problem in the first 2,000: "
          + ", ".join(f"{rule} {n}" for rule, n in sorted(rules_failing.items())))
    return 0 if rate >= TARGET_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main())
