"""evaluate(): every rule answers, deterministically, never crashes on odd facts; findings are plain JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zhicheng.eligibility.facts import (
    AchievementFact,
    ContinuingEducationFact,
    ExemptionFact,
    SocialSecurityFact,
    TitleFact,
    TransferFact,
)
from zhicheng.eligibility.rules import REGISTRY, evaluate

from .facts_factory import OTHER_CODE, OTHER_UNIT, make_facts, make_params, paper, problems

D = dt.date
PER_DOSSIER = [rule for rule, spec in REGISTRY.items() if spec.per_dossier]


def test_the_eligible_default_passes_every_rule_with_a_checklist_line_each():
    findings = evaluate(make_facts(), make_params())
    assert problems(findings) == []
    assert {f.rule for f in findings} == set(PER_DOSSIER)
    assert [f.rule for f in findings] == sorted((f.rule for f in findings), key=PER_DOSSIER.index)


def test_registry_lists_clause_and_titles():
    for rule_id, spec in REGISTRY.items():
        assert spec.id == rule_id and spec.clause.startswith("§") and spec.title_zh and spec.title_en
    for f in evaluate(make_facts(), make_params()):
        assert f.clause == REGISTRY[f.rule].clause


def test_all_facts_missing_gives_incomplete_findings_not_a_crash():
    facts = make_facts(
        applicant={"birth_date": None, "sex": None, "employment": None, "is_civil_servant": None,
                   "household_province": None, "file_custody": None},
        organisation={"credit_code": None}, reference_date=None, education=(), work=(),
        titles=(TitleFact("工程", 3, "工程师", "", None),), target={"category": "rural"},
        achievements=(AchievementFact(1, "paper", "论文", None),), continuing_education=(),
    )
    findings = evaluate(facts, make_params())
    missing = {name for f in findings for name in f.missing}
    assert {"account.id_number", "identity.employment", "identity.is_civil_servant", "identity.file_custody",
            "organisation.credit_code", "rural_service.years", "achievement.achieved_on",
            "continuing_education", "title_held.obtained_on",
            "title_held.scope"} <= missing
    assert all(f.blocking for f in findings if f.incomplete)


_titles = st.lists(st.builds(TitleFact, st.sampled_from(["工程", "会计", "实验技术"]), st.integers(1, 5),
                             st.just("职称"), st.sampled_from(["province", "grassroots", "enterprise", ""]),
                             st.none() | st.dates(D(1990, 1, 1), D(2026, 1, 1))), max_size=3)
_papers = st.lists(st.builds(paper, st.integers(1, 50), st.sampled_from(["core", "provincial", "other", ""]),
                             st.none() | st.decimals("0", "40", places=2).map(str),
                             cnki_indexed=st.none() | st.booleans(),
                             achieved_on=st.none() | st.dates(D(2020, 1, 1), D(2025, 1, 1))), max_size=3)
_months = st.lists(st.builds(SocialSecurityFact, st.dates(D(2023, 1, 1), D(2025, 1, 1)).map(lambda d: d.replace(day=1)),
                             st.sampled_from(["91350200MA2YJ1XR9G", OTHER_CODE]),
                             st.sampled_from(["", OTHER_UNIT])), max_size=30)
_exemptions = st.lists(st.builds(ExemptionFact, st.sampled_from(["legal_rep", "head_office", "shareholder"]),
                                 st.frozensets(st.sampled_from(["labour_contract", "salary_statement",
                                                                "head_office_socsec"]))), max_size=2)
_transfers = st.lists(st.builds(TransferFact, st.none() | st.dates(D(2020, 1, 1), D(2025, 1, 1)), st.booleans()),
                      max_size=2)
_ce = st.lists(st.builds(ContinuingEducationFact, st.integers(2020, 2024), st.integers(0, 90), st.integers(0, 90),
                         st.booleans()), max_size=3)


@settings(max_examples=300, deadline=None)
@given(titles=_titles, papers=_papers, months=_months, ce=_ce, birth=st.none() | st.dates(D(1950, 1, 1), D(2000, 1, 1)),
       sex=st.sampled_from([None, "M", "F"]), category=st.sampled_from([None, "cadre55", "worker50"]),
       target_category=st.sampled_from(["normal", "exceptional", "grassroots", "transfer", "skilled", "rural"]),
       rank=st.integers(1, 5), exemptions=_exemptions, transfers=_transfers, seed=st.randoms())
def test_never_crashes_every_rule_answers_and_order_of_inputs_does_not_matter(
        titles, papers, months, ce, birth, sex, category, target_category, rank, exemptions, transfers, seed):
    facts = make_facts(titles=tuple(titles), achievements=tuple(papers), social_security=tuple(months),
                       continuing_education=tuple(ce), target={"category": target_category, "level_rank": rank},
                       exemptions=tuple(exemptions), transfers=tuple(transfers),
                       applicant={"birth_date": birth, "sex": sex, "retirement_category": category})
    params = make_params()
    findings = evaluate(facts, params)
    assert {f.rule for f in findings} == set(PER_DOSSIER)
    json.dumps([f.facts_used for f in findings])  # stored as JSON
    assert evaluate(facts, params) == findings

    def shuffled(items):
        items = list(items)
        seed.shuffle(items)
        return tuple(items)

    reordered = replace(facts, titles=shuffled(facts.titles), achievements=shuffled(facts.achievements),
                        social_security=shuffled(facts.social_security),
                        continuing_education=shuffled(facts.continuing_education),
                        exemptions=shuffled(facts.exemptions), transfers=shuffled(facts.transfers),
                        work=shuffled(facts.work), education=shuffled(facts.education))
    assert evaluate(reordered, params) == findings


def test_deterministic_over_many_random_fact_sets():
    rng = random.Random(4)
    for _ in range(200):
        facts = make_facts(achievements=(paper(similarity=f"{rng.randint(0, 3000) / 100:.2f}"),),
                           applicant={"birth_date": D(rng.randint(1960, 1990), rng.randint(1, 12), 1)})
        params = make_params(similarity_core_max=Decimal(rng.randint(10, 20)))
        assert evaluate(facts, params) == evaluate(facts, params)


def test_rules_and_bench_need_no_django():
    code = ("import sys; import zhicheng.eligibility.rules, zhicheng.eligibility.tests.facts_factory; "
            "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0
