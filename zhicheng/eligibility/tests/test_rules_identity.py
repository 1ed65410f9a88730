"""R-SCOPE, R-EXCL, R-SKILL, R-FILE, R-OUTSIDE at their boundaries (domain brief §4); no database."""

from __future__ import annotations

import datetime as dt

import pytest

from zhicheng.eligibility.facts import BLOCK, INFO

from .facts_factory import make_facts, make_params, problems, run

D = dt.date


def _only(findings, subject=None):
    chosen = [f for f in findings if subject is None or f.subject == subject]
    assert len(chosen) == 1, chosen
    return chosen[0]


class TestScope:
    def test_unit_in_district_passes(self):
        assert [f.ok for f in run("R-SCOPE")] == [True]

    def test_unit_registered_outside(self):
        (f,) = run("R-SCOPE", make_facts(organisation={"in_district": False}))
        assert f.blocking and "注册地不在本区" in f.message_zh

    def test_unit_with_own_committee(self):
        (f,) = run("R-SCOPE", make_facts(organisation={"has_own_committee": True}))
        assert f.blocking and "本单位评审委员会" in f.message_zh

    @pytest.mark.parametrize("province", ["甘肃省", "甘肃"])
    def test_flexible_worker_from_gansu(self, province):
        (f,) = run("R-SCOPE", make_facts(applicant={"employment": "flexible", "household_province": province}))
        assert f.ok

    def test_flexible_worker_from_henan(self):
        (f,) = run("R-SCOPE", make_facts(applicant={"employment": "flexible", "household_province": "河南省"}))
        assert f.blocking and "河南省" in f.message_zh

    def test_flexible_worker_without_province_is_incomplete(self):
        (f,) = run("R-SCOPE", make_facts(applicant={"employment": "flexible", "household_province": None}))
        assert f.incomplete and f.blocking and f.missing == ("identity.household_province",)

    def test_unit_staff_household_elsewhere_does_not_matter(self):
        assert run("R-SCOPE", make_facts(applicant={"household_province": "河南省"}))[0].ok

    def test_employment_missing_is_incomplete(self):
        (f,) = run("R-SCOPE", make_facts(applicant={"employment": None}))
        assert f.missing == ("identity.employment",)

    def test_outside_branch_is_in_scope_and_points_to_r_outside(self):
        (f,) = run("R-SCOPE", make_facts(organisation={"outside_branch": True, "in_district": False}))
        assert f.ok and "R-OUTSIDE" in f.message_zh


class TestExclusions:
    def test_eligible_gives_three_ok_lines(self):
        findings = run("R-EXCL")
        assert [(f.subject, f.ok) for f in findings] == [("civil_servant", True), ("sanction", True),
                                                         ("retirement", True)]

    def test_civil_servant(self):
        assert _only(run("R-EXCL", make_facts(applicant={"is_civil_servant": True})), "civil_servant").blocking

    def test_civil_servant_unknown_is_incomplete(self):
        f = _only(run("R-EXCL", make_facts(applicant={"is_civil_servant": None})), "civil_servant")
        assert f.missing == ("identity.is_civil_servant",)

    @pytest.mark.parametrize(("until", "excluded"), [
        (D(2024, 6, 30), False),  # SANCTION-ENDED
        (D(2025, 3, 31), True),  # SANCTION-IN-EFFECT
        (D(2024, 10, 9), False),  # ended the day before the submission close
        (D(2024, 10, 10), True),  # still in effect on the last submission day
    ])
    def test_sanction_effect_period(self, until, excluded):
        facts = make_facts(applicant={"sanction_from": D(2023, 1, 1), "sanction_to": until})
        assert _only(run("R-EXCL", facts), "sanction").blocking is excluded

    def test_sanction_starting_after_the_campaign_year_does_not_exclude(self):
        facts = make_facts(applicant={"sanction_from": D(2025, 1, 1), "sanction_to": D(2026, 1, 1)})
        assert _only(run("R-EXCL", facts), "sanction").ok

    def test_sanction_starting_after_submission_in_the_year_excludes(self):
        facts = make_facts(applicant={"sanction_from": D(2024, 11, 15), "sanction_to": D(2025, 11, 14)})
        assert _only(run("R-EXCL", facts), "sanction").blocking

    def test_sanction_without_end_is_incomplete(self):
        f = _only(run("R-EXCL", make_facts(applicant={"sanction_from": D(2024, 1, 1)})), "sanction")
        assert f.missing == ("identity.sanction_to",)

    @pytest.mark.parametrize(("birth", "excluded"), [(D(1964, 12, 31), True), (D(1965, 1, 1), False)])
    def test_man_2024(self, birth, excluded):
        f = _only(run("R-EXCL", make_facts(applicant={"birth_date": birth})), "retirement")
        assert f.blocking is excluded

    @pytest.mark.parametrize(("category", "last_excluded", "first_allowed"), [
        ("cadre55", D(1969, 12, 1), D(1970, 1, 1)), ("worker50", D(1974, 12, 1), D(1975, 1, 1)),
    ])
    def test_women_2024(self, category, last_excluded, first_allowed):
        def one(birth):
            facts = make_facts(applicant={"birth_date": birth, "sex": "F", "retirement_category": category})
            return _only(run("R-EXCL", facts), "retirement")
        assert one(last_excluded).blocking and one(first_allowed).ok

    @pytest.mark.parametrize(("sex", "category", "last_excluded", "first_allowed"), [
        ("M", None, D(1965, 9, 30), D(1965, 10, 1)),
        ("F", "cadre55", D(1970, 9, 30), D(1970, 10, 1)),
        ("F", "worker50", D(1975, 8, 31), D(1975, 9, 1)),
    ])
    def test_2025_campaign(self, sex, category, last_excluded, first_allowed):
        params = make_params(year=2025, submission_closes_on=D(2025, 10, 10), seniority_date=D(2025, 12, 31))

        def one(birth):
            facts = make_facts(applicant={"birth_date": birth, "sex": sex, "retirement_category": category})
            return _only(run("R-EXCL", facts, params), "retirement")
        assert one(last_excluded).blocking and one(first_allowed).ok

    def test_message_names_the_months(self):
        f = _only(run("R-EXCL", make_facts(applicant={"birth_date": D(1964, 12, 5)})), "retirement")
        assert "1964-12" in f.message_zh and "2024-12" in f.message_zh
        assert f.facts_used["retirement_month"] == "2024-12"

    def test_woman_without_category_is_incomplete(self):
        f = _only(run("R-EXCL", make_facts(applicant={"sex": "F", "retirement_category": None})), "retirement")
        assert f.missing == ("identity.retirement_category",) and f.blocking

    def test_no_birth_date_is_incomplete(self):
        f = _only(run("R-EXCL", make_facts(applicant={"birth_date": None})), "retirement")
        assert f.missing == ("account.id_number",)


class TestSkill:
    def test_not_skilled_is_not_applicable(self):
        assert run("R-SKILL")[0].ok

    def test_skilled_worker_in_engineering(self):
        assert run("R-SKILL", make_facts(target={"category": "skilled"}))[0].ok

    def test_skilled_worker_in_economics(self):
        (f,) = run("R-SKILL", make_facts(target={"category": "skilled", "series": "经济", "title": "经济师"}))
        assert f.blocking and "经济" in f.message_zh


class TestFileAndOutside:
    def test_local_file(self):
        assert run("R-FILE")[0].ok

    @pytest.mark.parametrize("custody", ["outside_province", "elsewhere"])
    def test_file_elsewhere_needs_approval(self, custody):
        assert run("R-FILE", make_facts(applicant={"file_custody": custody}))[0].blocking
        facts = make_facts(applicant={"file_custody": custody, "documents": frozenset({"file_custody_approval"})})
        assert run("R-FILE", facts)[0].ok

    def test_file_custody_missing_is_incomplete(self):
        assert run("R-FILE", make_facts(applicant={"file_custody": None}))[0].missing == ("identity.file_custody",)

    def test_outside_branch_needs_entrustment_letter(self):
        (f,) = run("R-OUTSIDE", make_facts(organisation={"outside_branch": True}))
        assert f.blocking and f.severity == BLOCK and "委托函" in f.message_zh
        letter = {"documents": frozenset({"entrustment_letter"})}
        facts = make_facts(organisation={"outside_branch": True}, applicant=letter)
        assert problems(run("R-OUTSIDE", facts)) == []

    def test_ordinary_unit_not_applicable(self):
        (f,) = run("R-OUTSIDE")
        assert f.ok and f.severity == INFO
