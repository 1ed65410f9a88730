"""The catalog seeded by the data migration matches rules-facts.md and the notice."""

import pytest

from zhicheng.catalog.models import Condition, Level, Series, Specialty, TitleName, WaiverAchievement
from zhicheng.catalog.rules import SKILLED_WORKER_SERIES

pytestmark = pytest.mark.django_db


def _conditions(series: str, level: str) -> list[tuple]:
    rows = Condition.objects.filter(series__name=series, level__name=level).order_by("position")
    return [(c.education, c.min_years, c.below_title.name if c.below_title else None, c.scope) for c in rows]


class TestLevelsAndTitles:
    def test_five_levels_with_codes_by_seniority(self):
        assert list(Level.objects.values_list("code", "name", "rank")) == [
            ("01", "正高级", 5), ("02", "副高级", 4), ("03", "中级", 3), ("04", "助理级", 2), ("05", "员级", 1),
        ]

    def test_title_code_is_series_code_plus_level_code(self):
        title = TitleName.objects.get(code="0502")
        assert (title.name, title.series.name, title.level.name) == ("高级工程师", "工程", "副高级")
        for t in TitleName.objects.select_related("series", "level"):
            assert t.code == t.series.code + t.level.code

    def test_teacher_titles(self):
        names = TitleName.objects.filter(series__name="中小学教师").order_by("code").values_list("name", flat=True)
        assert list(names) == ["正高级教师", "高级教师", "一级教师", "二级教师", "三级教师"]

    def test_series_without_a_level_simply_lack_it(self):
        assert not TitleName.objects.filter(series__name="经济", level__name="员级").exists()
        assert TitleName.objects.filter(series__name="高校教师").count() == 4

    def test_every_listed_series_is_seeded(self):
        names = set(Series.objects.values_list("name", flat=True))
        expected = {"工程", "会计", "统计", "民用航空飞行技术", "卫生技术（医）", "卫生技术（护）", "图书资料", "档案"}
        assert expected <= names
        assert len(names) == 29
        assert len(set(Series.objects.values_list("code", flat=True))) == 29

    def test_skilled_workers_only_in_r_skill_series(self):
        allowed = set(Series.objects.filter(skilled_workers_may_apply=True).values_list("name", flat=True))
        assert allowed == set(SKILLED_WORKER_SERIES)


class TestSpecialtiesAndConditions:
    def test_engineering_specialties_from_the_notice(self):
        names = set(Specialty.objects.filter(series__name="工程").values_list("name", flat=True))
        assert {"交通运输", "水利", "地质勘查测绘采矿土地", "快递"} <= names
        assert len(names) == 9

    def test_engineer_conditions(self):
        assert _conditions("工程", "中级") == [
            ("doctor", 0, None, ""), ("master", 2, "助理工程师", ""), ("second_bachelor", 2, "助理工程师", ""),
            ("bachelor", 4, "助理工程师", ""), ("college", 4, "助理工程师", ""),
        ]

    def test_senior_engineer_conditions(self):
        assert _conditions("工程", "副高级") == [
            ("doctor", 2, "工程师", ""), ("master", 5, "工程师", ""), ("second_bachelor", 5, "工程师", ""),
            ("bachelor", 5, "工程师", ""),
        ]

    def test_first_grade_teacher_conditions_with_scope(self):
        assert _conditions("中小学教师", "中级") == [
            ("doctor", 0, None, ""), ("master", 2, "二级教师", ""), ("bachelor", 4, "二级教师", ""),
            ("college", 4, "二级教师", "小学和初中"), ("secondary_normal", 5, "二级教师", "小学"),
        ]

    def test_senior_teacher_conditions(self):
        assert _conditions("中小学教师", "副高级") == [
            ("doctor", 2, "一级教师", ""), ("master", 5, "一级教师", ""), ("bachelor", 5, "一级教师", ""),
            ("college", 5, "一级教师", "小学和初中"),
        ]

    def test_waiver_list_is_data(self):
        assert WaiverAchievement.objects.filter(is_active=True).count() >= 2


def test_every_series_but_art_and_ships_has_titles(db):
    """Without title names nobody can apply in a series; 艺术 and 船舶 depend on the specialty (office adds them)."""
    from zhicheng.catalog.models import TitleName

    without = set(Series.objects.exclude(titles__isnull=False).values_list("name", flat=True))
    assert without == {"艺术", "船舶"}
    assert TitleName.objects.get(code="1403").name == "实验师"
    assert TitleName.objects.get(code="0902").name == "高级统计师"
