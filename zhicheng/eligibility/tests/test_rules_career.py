"""R-SENIORITY, R-CONDITIONS, R-TRANSFER, R-NARROW, R-RURAL at their boundaries; no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from zhicheng.eligibility.facts import WARN, AchievementFact, ConditionFact, EducationFact, TransferFact

from .facts_factory import make_facts, make_params, problems, run, title

D = dt.date


class TestSeniority:
    def test_info_with_total_and_level_years(self):
        facts = make_facts(titles=(title("助理工程师", 2, D(2013, 12, 1)), title(obtained=D(2019, 12, 1))))
        (f,) = run("R-SENIORITY", facts)
        # inclusive on both ends (§六(三)): 2013-12 … 2024-12 is 133 months, 2019-12 … 2024-12 is 61
        assert f.ok and f.facts_used["total_months"] == 133 and f.facts_used["level_months"] == 61
        assert "11 年 1 个月" in f.message_zh and "5 年 1 个月" in f.message_zh

    def test_no_titles(self):
        assert run("R-SENIORITY", make_facts(titles=()))[0].ok

    def test_undated_title_is_incomplete(self):
        (f,) = run("R-SENIORITY", make_facts(titles=(title(obtained=None),)))
        assert f.missing == ("title_held.obtained_on",)


class TestConditions:
    @pytest.mark.parametrize(("obtained", "ok"), [(D(2020, 1, 1), True), (D(2020, 2, 29), False)])
    def test_bachelor_60_vs_59_months(self, obtained, ok):
        """5 years at 2024-12-31: obtained 2020-01 counts 60 months (2020-01 … 2024-12), 2020-02 counts 59."""
        (f,) = run("R-CONDITIONS", make_facts(titles=(title(obtained=obtained),)))
        assert f.ok is ok
        if not ok:
            assert f.blocking and "4 年 11 个月" in f.message_zh

    def test_doctor_needs_only_two_years(self):
        facts = make_facts(titles=(title(obtained=D(2022, 12, 1)),), education=(EducationFact("doctor", None),))
        assert run("R-CONDITIONS", facts)[0].ok

    def test_master_counts_at_least_as_bachelor(self):
        facts = make_facts(education=(EducationFact("master", None),))
        assert run("R-CONDITIONS", facts)[0].ok

    def test_college_is_below_every_row(self):
        facts = make_facts(education=(EducationFact("college", None),))
        assert run("R-CONDITIONS", facts)[0].blocking

    def test_highest_education_is_used(self):
        facts = make_facts(education=(EducationFact("college", None), EducationFact("bachelor", None)))
        assert run("R-CONDITIONS", facts)[0].ok

    def test_years_in_another_series_do_not_count(self):
        facts = make_facts(titles=(title("会计师", series="会计"),))
        assert run("R-CONDITIONS", facts)[0].blocking

    def test_row_limited_to_a_school_level_only_warns(self):
        teacher_rows = (ConditionFact("bachelor", 5, "中小学教师", 3),
                        ConditionFact("college", 5, "中小学教师", 3, "小学和初中"))
        facts = make_facts(target={"series": "中小学教师", "title": "高级教师"},
                           education=(EducationFact("college", None),),
                           titles=(title("一级教师", series="中小学教师", obtained=D(2017, 9, 1)),))
        (f,) = run("R-CONDITIONS", facts, make_params(conditions=teacher_rows))
        assert not f.ok and f.severity == WARN and "小学和初中" in f.message_zh
        bachelor = replace(facts, education=(EducationFact("bachelor", None),))
        assert run("R-CONDITIONS", bachelor, make_params(conditions=teacher_rows))[0].ok

    def test_not_configured_warns(self):
        (f,) = run("R-CONDITIONS", params=make_params(conditions=()))
        assert not f.ok and f.severity == WARN and "未配置" in f.message_zh

    def test_no_education_is_incomplete(self):
        assert run("R-CONDITIONS", make_facts(education=()))[0].missing == ("education",)

    def test_exceptional_with_listed_waiver(self):
        award = AchievementFact(7, "award", "甘肃省科学技术进步奖二等奖", D(2023, 11, 20), waiver_id=1)
        facts = make_facts(target={"category": "exceptional"}, titles=(title(obtained=D(2021, 12, 1)),),
                           achievements=(award,))
        assert run("R-CONDITIONS", facts)[0].ok

    @pytest.mark.parametrize(("achieved", "waiver_id"), [(D(2024, 10, 1), 1), (D(2023, 11, 20), 2)])
    def test_exceptional_waiver_after_cutoff_or_unlisted_does_not_waive(self, achieved, waiver_id):
        award = AchievementFact(7, "award", "奖", achieved, waiver_id=waiver_id)
        facts = make_facts(target={"category": "exceptional"}, titles=(title(obtained=D(2021, 12, 1)),),
                           achievements=(award,))
        (f,) = run("R-CONDITIONS", facts)
        assert f.blocking and "破格" in f.message_zh

    def test_rural_and_skilled_are_waived(self):
        for category in ("rural", "skilled"):
            assert run("R-CONDITIONS", make_facts(target={"category": category}, titles=()))[0].ok


class TestTransfer:
    lab = {"series": "实验技术", "title": "实验师", "level_rank": 3, "category": "transfer"}

    def test_same_level_transfer(self):
        facts = make_facts(target=self.lab, transfers=(TransferFact(D(2024, 3, 1), True),))
        assert problems(run("R-TRANSFER", facts)) == []

    def test_higher_level_in_the_transfer_year(self):
        target = dict(self.lab, title="高级实验师", level_rank=4)
        facts = make_facts(target=target, transfers=(TransferFact(D(2024, 3, 1), True),))
        (f,) = run("R-TRANSFER", facts)
        assert f.blocking and "转系列当年" in f.message_zh

    @pytest.mark.parametrize(("transferred", "ok"), [(D(2023, 12, 31), True), (D(2023, 1, 1), True)])
    def test_higher_level_a_year_later(self, transferred, ok):
        target = dict(self.lab, title="高级实验师", level_rank=4)
        facts = make_facts(target=target, transfers=(TransferFact(transferred, True),))
        assert (problems(run("R-TRANSFER", facts)) == []) is ok

    def test_fewer_than_12_months_in_the_new_series(self):
        params = make_params(year=2025, seniority_date=D(2024, 12, 31))  # seniority date before a year passed
        target = dict(self.lab, title="高级实验师", level_rank=4)
        facts = make_facts(target=target, transfers=(TransferFact(D(2024, 2, 1), True),))
        (f,) = run("R-TRANSFER", facts, params)
        assert f.blocking and f.facts_used["months_in_new_series"] == 11

    def test_twelve_months_in_the_new_series_counting_the_transfer_month(self):
        params = make_params(year=2025, seniority_date=D(2024, 12, 31))
        target = dict(self.lab, title="高级实验师", level_rank=4)
        facts = make_facts(target=target, transfers=(TransferFact(D(2024, 1, 31), True),))
        assert problems(run("R-TRANSFER", facts, params)) == []

    def test_transfer_needs_unit_assessment(self):
        facts = make_facts(target=self.lab, transfers=(TransferFact(D(2024, 3, 1), False),))
        (f,) = run("R-TRANSFER", facts)
        assert f.missing == ("series_transfer.unit_assessment",)

    def test_transfer_date_missing_is_incomplete(self):
        (f,) = run("R-TRANSFER", make_facts(target=self.lab, transfers=(TransferFact(None, True),)))
        assert f.missing == ("series_transfer.transferred_on",)

    def test_transfer_category_without_transfer_entry(self):
        (f,) = run("R-TRANSFER", make_facts(target=self.lab))
        assert f.missing == ("series_transfer",)

    def test_cross_series_promotion_without_transfer(self):
        facts = make_facts(target={"series": "实验技术", "title": "高级实验师", "level_rank": 4})
        (f,) = run("R-TRANSFER", facts)
        assert f.blocking and "跨系列" in f.message_zh

    def test_normal_promotion_in_own_series(self):
        assert run("R-TRANSFER")[0].ok


class TestNarrow:
    def test_enterprise_title_without_re_evaluation(self):
        (f,) = run("R-NARROW", make_facts(titles=(title(scope="enterprise"),)))
        assert f.blocking and "企业有效" in f.message_zh

    def test_re_evaluated_province_wide_at_the_same_level(self):
        titles = (title(scope="enterprise"), title(obtained=D(2021, 12, 1), scope="province"))
        assert run("R-NARROW", make_facts(titles=titles))[0].ok

    def test_re_evaluation_at_the_same_level_is_allowed(self):
        facts = make_facts(titles=(title(scope="grassroots"),), target={"title": "工程师", "level_rank": 3})
        assert run("R-NARROW", facts)[0].ok

    def test_scope_missing_is_incomplete(self):
        assert run("R-NARROW", make_facts(titles=(title(scope=""),)))[0].missing == ("title_held.scope",)


class TestRural:
    teacher = {"series": "中小学教师", "category": "rural"}

    @pytest.mark.parametrize(("years", "rank", "ok"), [
        (20, 3, True), (19, 3, False), (30, 4, True), (29, 4, False), (30, 5, False),
    ])
    def test_years_and_level(self, years, rank, ok):
        facts = make_facts(target=dict(self.teacher, level_rank=rank), rural_service_years=years)
        (f,) = run("R-RURAL", facts)
        assert f.ok is ok
        if ok:
            assert "不受岗位结构比例限制" in f.message_zh

    def test_non_teacher_needs_remote_area(self):
        target = {"category": "rural", "level_rank": 3}
        assert run("R-RURAL", make_facts(target=target, rural_service_years=25))[0].blocking
        assert run("R-RURAL", make_facts(target=target, rural_service_years=25, rural_remote_area=True))[0].ok

    def test_years_missing_is_incomplete(self):
        (f,) = run("R-RURAL", make_facts(target=self.teacher))
        assert f.missing == ("rural_service.years",)
