"""R-SOCSEC on the bureau's months instead of the declared ones, and where the two disagree.

The call into the eligibility engine is in `socsec_on_bureau_months` only, so a change of its names touches
one function.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import cast

from zhicheng.eligibility.facts import DossierFacts, SocialSecurityFact
from zhicheng.eligibility.months import month_index
from zhicheng.eligibility.rules import REGISTRY, DossierRule
from zhicheng.eligibility.services import finding_as_dict

MISSING = "missing"  # declared, the bureau has no contribution that month
OTHER_PAYER = "other_payer"  # declared, the bureau has the month paid by another unit
UNDECLARED = "undeclared"  # the bureau has the month, the dossier does not declare it


def bureau_facts(records: Iterable) -> tuple[SocialSecurityFact, ...]:
    """The bureau's rows as the facts R-SOCSEC reads (one per month and payer)."""
    unique = {(r.month, r.credit_code): r.unit_name for r in records}
    return tuple(SocialSecurityFact(month=m, credit_code=c, paying_unit=unique[(m, c)]) for m, c in sorted(unique))


def socsec_on_bureau_months(facts: DossierFacts, params, bureau: tuple[SocialSecurityFact, ...]) -> list[dict]:
    """R-SOCSEC's findings with the dossier's own facts but the bureau's contribution months."""
    rule = cast(DossierRule, REGISTRY["R-SOCSEC"].function)
    return [finding_as_dict(f) for f in rule(dataclasses.replace(facts, social_security=bureau), params)]


def _row(kind: str, fact: SocialSecurityFact, **extra) -> dict:
    return {"kind": kind, "month": fact.month.strftime("%Y-%m"), "credit_code": fact.credit_code,
            "unit_name": fact.paying_unit, **extra}


def mismatches(declared: Iterable[SocialSecurityFact], bureau: Iterable[SocialSecurityFact], facts: DossierFacts
               ) -> list[dict]:
    """Declared months the bureau lacks (or has from another payer), and bureau months not declared.

    Only months up to the dossier's reference date count: the bureau's file may run past the submission.
    """
    last = month_index(facts.reference_date) if facts.reference_date else None
    keep = [f for f in bureau if last is None or month_index(f.month) <= last]
    declared = [f for f in declared if last is None or month_index(f.month) <= last]
    bureau_keys = {(f.month, f.credit_code) for f in keep}
    bureau_by_month: dict = {}
    for f in keep:
        bureau_by_month.setdefault(f.month, []).append(f)
    declared_keys = {(f.month, f.credit_code) for f in declared}
    declared_months = {f.month for f in declared}
    rows = []
    for f in declared:
        if (f.month, f.credit_code) in bureau_keys:
            continue
        others = bureau_by_month.get(f.month)
        if others:
            rows.append(_row(OTHER_PAYER, f, bureau_credit_code=others[0].credit_code,
                             bureau_unit_name=others[0].paying_unit))
        else:
            rows.append(_row(MISSING, f))
    for f in keep:
        if (f.month, f.credit_code) not in declared_keys and f.month not in declared_months:
            rows.append(_row(UNDECLARED, f))
    return sorted(rows, key=lambda r: (r["month"], r["kind"], r["credit_code"]))


def socsec_passes(findings: list[dict]) -> bool:
    return all(f["ok"] for f in findings)
