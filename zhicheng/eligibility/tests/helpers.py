"""Fixtures for the Django side of eligibility: people, the 2024 campaign, dossiers, a small stand-in rule set.

The stand-in (`fake_rules`) lets these tests pin down storage, hooks, permissions and pages without depending
on the policy in rules/; tests that need the real rules say so.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhicheng.dossiers.tests.factories import dossier_for, fill, signed, valid_row
from zhicheng.eligibility.facts import BLOCK, WARN, Finding

INSIDE = "2024-10-01T10:00:00+08:00"


class FakeRules:
    """Three rules shaped like the real ones: a count, one finding per paper, an incomplete identity."""

    RULES_VERSION = "fake-1"

    @staticmethod
    def evaluate(facts, params) -> tuple[Finding, ...]:
        months = len({s.month for s in facts.social_security})
        need = params.social_security_months
        found = [Finding(
            "R-SOCSEC", BLOCK, months >= need, f"社保：共 {months} 个月，须满 {need} 个月",
            f"Social security: {months} months, {need} needed", "§一", {"months": months, "required": need},
        )]
        for a in facts.achievements:
            if a.similarity_percent is None:
                continue
            limit = params.similarity_core_max if a.tier == "core" else params.similarity_provincial_max
            found.append(Finding(
                "R-PLAGIARISM", BLOCK, a.similarity_percent <= limit, f"论文复制比 {a.similarity_percent}%",
                f"Similarity {a.similarity_percent}%", "§六(七)", {"similarity": a.similarity_percent},
                subject=f"achievement:{a.id}",
            ))
        if facts.applicant.retirement_category is None:
            found.append(Finding("R-EXCL", WARN, False, "未填写退休类别", "Retirement category missing", "§四",
                                 missing=("retirement_category",)))
        return tuple(found)


@pytest.fixture
def fake_rules(monkeypatch):
    from zhicheng.eligibility import services

    monkeypatch.setattr(services, "_rules", lambda: FakeRules)
    return FakeRules


@pytest.fixture
def dossier(campaign, applicant, inside_window, fake_rules):
    """A filled draft: one social-security month (R-SOCSEC blocks) and one core paper at 12.5 %."""
    d = dossier_for(applicant, campaign)
    fill(d, applicant)
    d.refresh_from_db()
    return d


def add_months(dossier, actor, months: list[str], credit_code: str | None = None) -> None:
    from zhicheng.dossiers.services import section_item_create

    code = credit_code or valid_row("social_security")["credit_code"]
    for month in months:
        section_item_create(dossier=dossier, actor=actor, section="social_security",
                            data={"month": month, "paying_unit": "第一中学", "credit_code": code})


def submit(dossier, actor):
    from zhicheng.dossiers.services import dossier_submit

    signed(dossier, actor)
    return dossier_submit(dossier=dossier, actor=actor)


def submitted(dossier, actor):
    """Make the dossier pass the stand-in rules (six months) and submit it."""
    add_months(dossier, actor, ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08"],
               credit_code=dossier.socialsecuritymonth_items.first().credit_code)
    return submit(dossier, actor)


def office_result(dossier, paper, percent: str) -> None:
    """The office's CNKI result for the paper (§六(七)), stored as the similarity service stores it."""
    from zhicheng.accounts.models import Organisation, User
    from zhicheng.similarity.services import similarity_store

    office = Organisation.objects.get(kind="office")
    staff = User.objects.filter(memberships__organisation=office).first()
    similarity_store(dossier=dossier, paper=paper, actor=staff, organisation=office, percent=Decimal(percent),
                     reference_no="CNKI-1")
