"""R-SOCSEC: months paid by the applying unit, unit changes, work history, exemptions (§一、§六(九))."""

from __future__ import annotations

import datetime as dt

from zhicheng.eligibility.facts import ExemptionFact, WorkFact

from .facts_factory import CREDIT_CODE, OTHER_CODE, OTHER_UNIT, UNIT, make_facts, problems, run, socsec

D = dt.date


def _months(findings):
    return next(f for f in findings if f.subject == "months")


class TestCount:
    def test_exactly_six_months(self):
        f = _months(run("R-SOCSEC", make_facts(social_security=socsec("2024-04", 6))))
        assert f.ok and f.facts_used["months"] == 6

    def test_five_months_blocks_and_says_so(self):
        f = _months(run("R-SOCSEC", make_facts(social_security=socsec("2024-04", 5))))
        assert f.blocking
        assert f.message_zh == "社保：2024-04 … 2024-08 由本单位缴纳，共 5 个月，少于 6 个月"

    def test_months_after_the_submission_month_do_not_count(self):
        facts = make_facts(social_security=socsec("2024-06", 6), reference_date=D(2024, 10, 8))  # 2024-11 is later
        f = _months(run("R-SOCSEC", facts))
        assert f.blocking and f.facts_used["months"] == 5

    def test_the_submission_month_counts(self):
        facts = make_facts(social_security=socsec("2024-05", 6), reference_date=D(2024, 10, 8))
        assert _months(run("R-SOCSEC", facts)).ok

    def test_a_gap_breaks_the_run(self):
        record = socsec("2024-01", 3) + socsec("2024-05", 5)
        f = _months(run("R-SOCSEC", make_facts(social_security=record)))
        assert f.blocking and f.facts_used["first_month"] == "2024-05"

    def test_other_units_months_alone_do_not_count(self):
        (f,) = run("R-SOCSEC", make_facts(social_security=socsec("2023-01", 20, OTHER_CODE, OTHER_UNIT)))
        assert f.blocking

    def test_threshold_comes_from_the_campaign(self):
        from .facts_factory import make_params
        facts = make_facts(social_security=socsec("2024-04", 6))
        assert _months(run("R-SOCSEC", facts, make_params(social_security_months=7))).blocking


class TestUnitChange:
    work = (WorkFact(OTHER_UNIT, D(2020, 1, 1), D(2024, 5, 31)), WorkFact(UNIT, D(2024, 6, 1), None))

    def test_continuous_across_both_units(self):
        record = socsec("2023-12", 6, OTHER_CODE, OTHER_UNIT) + socsec("2024-06", 4)
        findings = run("R-SOCSEC", make_facts(social_security=record, work=self.work))
        assert problems(findings) == []
        assert _months(findings).facts_used["own_unit_months"] == 4

    def test_two_month_gap_across_the_change(self):
        record = socsec("2023-12", 4, OTHER_CODE, OTHER_UNIT) + socsec("2024-06", 4)
        f = _months(run("R-SOCSEC", make_facts(social_security=record, work=self.work)))
        assert f.blocking and f.facts_used["months"] == 4

    def test_record_contradicting_work_history_blocks(self):
        record = socsec("2023-12", 6, OTHER_CODE, "另一家公司") + socsec("2024-06", 4)
        findings = run("R-SOCSEC", make_facts(social_security=record, work=self.work))
        bad = next(f for f in findings if f.subject == "work_history")
        assert bad.blocking and "2024-05 另一家公司" in bad.message_zh

    def test_own_unit_months_outside_the_work_period_block(self):
        work = (WorkFact(UNIT, D(2024, 8, 1), None),)
        findings = run("R-SOCSEC", make_facts(social_security=socsec("2024-03", 6), work=work))
        bad = next(f for f in findings if f.subject == "work_history")
        assert bad.blocking and "2024-07" in bad.message_zh and "2024-08" not in bad.message_zh

    def test_names_match_ignoring_spaces_and_bracket_width(self):
        work = (WorkFact("兰州新区 城投（集团）", D(2020, 1, 1), None),)
        record = socsec("2024-03", 6, CREDIT_CODE, "兰州新区城投(集团)")
        assert problems(run("R-SOCSEC", make_facts(social_security=record, work=work))) == []

    def test_agency_client_history_names_the_workplace_not_the_agency(self):
        agency = {"kind": "agency", "name": "兰州新区石化人力资源培训有限公司"}
        work = (WorkFact("兰州新区化工园区企业（人事代理：兰州新区石化人力资源培训有限公司）", D(2020, 1, 1), None),)
        record = socsec("2024-03", 6, CREDIT_CODE, agency["name"])
        facts = make_facts(organisation=agency, applicant={"employment": "agency_client"}, social_security=record,
                           work=work)
        assert problems(run("R-SOCSEC", facts)) == []
        late = make_facts(organisation=agency, applicant={"employment": "agency_client"}, social_security=record,
                          work=(WorkFact("某企业", D(2024, 6, 1), None),))
        bad = next(f for f in run("R-SOCSEC", late) if f.subject == "work_history")
        assert bad.blocking and "2024-05" in bad.message_zh

    def test_no_work_history_is_incomplete(self):
        findings = run("R-SOCSEC", make_facts(work=()))
        assert next(f for f in findings if f.subject == "work_history").missing == ("work_history",)


class TestExemptions:
    def test_legal_representative_with_both_documents(self):
        exemption = ExemptionFact("legal_rep", frozenset({"labour_contract", "salary_statement"}))
        (f,) = run("R-SOCSEC", make_facts(social_security=(), exemptions=(exemption,)))
        assert f.ok and "法定代表人" in f.message_zh

    def test_shareholder_without_salary_statement(self):
        exemption = ExemptionFact("shareholder", frozenset({"labour_contract"}))
        (f,) = run("R-SOCSEC", make_facts(social_security=(), exemptions=(exemption,)))
        assert f.blocking and f.missing == ("labour_exemption.salary_statement",)

    def test_head_office_needs_its_proof(self):
        bare = ExemptionFact("head_office", frozenset({"labour_contract", "salary_statement"}))
        assert run("R-SOCSEC", make_facts(social_security=(), exemptions=(bare,)))[0].blocking
        proven = ExemptionFact("head_office", frozenset({"head_office_socsec"}))
        assert run("R-SOCSEC", make_facts(social_security=(), exemptions=(proven,)))[0].ok


class TestMissing:
    def test_flexible_worker_is_not_applicable(self):
        (f,) = run("R-SOCSEC", make_facts(applicant={"employment": "flexible"}, social_security=()))
        assert f.ok

    def test_no_credit_code(self):
        (f,) = run("R-SOCSEC", make_facts(organisation={"credit_code": None}))
        assert f.missing == ("organisation.credit_code",)

    def test_no_reference_date(self):
        (f,) = run("R-SOCSEC", make_facts(reference_date=None))
        assert f.missing == ("reference_date",)
