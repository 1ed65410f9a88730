"""R-CUTOFF, R-PLAGIARISM, R-CE at their boundaries; no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhicheng.eligibility.facts import INFO, AchievementFact
from zhicheng.eligibility.rules import ce_years

from .facts_factory import ce, make_facts, make_params, paper, problems, run

D = dt.date


class TestCutoff:
    @pytest.mark.parametrize(("achieved", "counts"), [(D(2024, 9, 30), True), (D(2024, 10, 1), False)])
    def test_09_30_vs_10_01(self, achieved, counts):
        facts = make_facts(achievements=(AchievementFact(3, "patent", "发明专利", achieved),))
        (f,) = run("R-CUTOFF", facts)
        assert f.ok is counts
        if not counts:
            assert f.severity == INFO and not f.blocking and "下一年度" in f.message_zh
            assert f.subject == "achievement:3"

    def test_undated_is_incomplete(self):
        (f,) = run("R-CUTOFF", make_facts(achievements=(AchievementFact(3, "patent", "专利", None),)))
        assert f.missing == ("achievement.achieved_on",) and f.subject == "achievement:3"


class TestPlagiarism:
    @pytest.mark.parametrize(("tier", "similarity", "ok"), [
        ("core", "15.00", True), ("core", "15.01", False), ("provincial", "25.00", True),
        ("provincial", "25.01", False), ("other", "25.01", False),
    ])
    def test_limits(self, tier, similarity, ok):
        (f,) = run("R-PLAGIARISM", make_facts(achievements=(paper(tier=tier, similarity=similarity),)))
        assert f.ok is ok and f.blocking is not ok

    def test_limits_come_from_the_campaign(self):
        params = make_params(similarity_core_max=Decimal("10"))
        assert run("R-PLAGIARISM", make_facts(achievements=(paper(similarity="10.01"),)), params)[0].blocking

    def test_one_finding_per_paper(self):
        facts = make_facts(achievements=(paper(2, similarity="15.01"), paper(1, similarity="3.00")))
        findings = run("R-PLAGIARISM", facts)
        assert [(f.subject, f.ok) for f in findings] == [("achievement:1", True), ("achievement:2", False)]

    def test_no_result_yet_warns_the_reviewers_and_does_not_stop_submission(self):
        """The office enters a CNKI result after submission (§六(七)); the applicant cannot supply it."""
        (f,) = run("R-PLAGIARISM", make_facts(achievements=(paper(similarity=None),)))
        assert not f.ok and not f.blocking and f.missing == () and "待职改办录入" in f.message_zh

    def test_tier_and_cnki_missing_are_named(self):
        (f,) = run("R-PLAGIARISM", make_facts(achievements=(paper(tier="", cnki_indexed=None),)))
        assert f.missing == ("achievement.tier", "achievement.cnki_indexed")

    def test_non_cnki_paper_needs_sealed_report(self):
        (f,) = run("R-PLAGIARISM", make_facts(achievements=(paper(cnki_indexed=False),)))
        assert not f.ok and not f.blocking and "单位" in f.message_zh and "盖章" in f.message_zh
        facts = make_facts(achievements=(paper(cnki_indexed=False, has_similarity_report=True),))
        assert run("R-PLAGIARISM", facts)[0].ok

    def test_paper_after_cutoff_is_left_for_next_year(self):
        facts = make_facts(achievements=(paper(similarity="40.00", achieved_on=D(2024, 10, 1)),))
        (f,) = run("R-PLAGIARISM", facts)
        assert f.ok and "无计入" in f.message_zh

    def test_non_papers_ignored(self):
        facts = make_facts(achievements=(AchievementFact(5, "award", "奖", D(2023, 1, 1)),))
        assert run("R-PLAGIARISM", facts)[0].ok


class TestContinuingEducation:
    def test_years_read(self):
        assert ce_years(make_params()) == (2023,)
        assert ce_years(make_params(ce_years_required=3)) == (2023, 2022, 2021)
        assert ce_years(make_params(ce_years_required=0)) == ()

    @pytest.mark.parametrize(("general", "specialty", "ok"), [(30, 60, True), (31, 59, False), (0, 90, True)])
    def test_specialty_share_90_60_vs_90_59(self, general, specialty, ok):
        (f,) = run("R-CE", make_facts(continuing_education=(ce(general=general, specialty=specialty),)))
        assert f.ok is ok
        if not ok:
            assert "2/3" in f.message_zh and "59" in f.message_zh

    def test_89_hours_is_short(self):
        (f,) = run("R-CE", make_facts(continuing_education=(ce(general=29, specialty=60),)))
        assert f.blocking and "少于 90" in f.message_zh

    def test_rows_of_one_year_add_up(self):
        rows = (ce(general=30, specialty=30), ce(general=0, specialty=30))
        assert run("R-CE", make_facts(continuing_education=rows))[0].ok

    def test_certificate_required(self):
        (f,) = run("R-CE", make_facts(continuing_education=(ce(certificate=False),)))
        assert f.blocking and f.missing == ("continuing_education.certificate",)

    def test_campaign_year_itself_does_not_count(self):
        (f,) = run("R-CE", make_facts(continuing_education=(ce(year=2024),)))
        assert f.missing == ("continuing_education",) and f.subject == "ce:2023"

    def test_each_required_year_checked(self):
        findings = run("R-CE", make_facts(continuing_education=(ce(2023), ce(2021))), make_params(ce_years_required=3))
        assert [(f.subject, f.ok) for f in findings] == [("ce:2023", True), ("ce:2022", False), ("ce:2021", True)]
        assert len(problems(findings)) == 1
