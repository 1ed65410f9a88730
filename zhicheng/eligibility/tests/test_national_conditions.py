"""R-CONDITIONS against the shipped national conditions (catalog migration 0005): a sample per series family,
each on both sides of its years boundary, counted inclusively to 2024-12-31 (§六(三))."""

from __future__ import annotations

import datetime as dt

import pytest

from zhicheng.catalog.models import Condition, Level, Series, TitleName
from zhicheng.eligibility.facts import EducationFact
from zhicheng.eligibility.selectors import condition_facts

from .facts_factory import make_facts, make_params, run, title

pytestmark = pytest.mark.django_db
D = dt.date

# series, target title, target rank, education, title below, rank below, last month that passes
SAMPLES = [
    ("工程", "工程师", 3, "bachelor", "助理工程师", 2, D(2021, 1, 1)),  # 本科 + 4 years
    ("工程", "助理工程师", 2, "college", "技术员", 1, D(2023, 1, 1)),  # 大专 + 2 years
    ("工程", "正高级工程师", 5, "bachelor", "高级工程师", 4, D(2020, 1, 1)),  # 本科 + 5 years
    ("会计", "高级会计师", 4, "master", "会计师", 3, D(2020, 1, 1)),  # 硕士 + 5 years
    ("经济", "经济师", 3, "master", "助理经济师", 2, D(2023, 1, 1)),  # 硕士 + 2 years
    ("中小学教师", "正高级教师", 5, "bachelor", "高级教师", 4, D(2020, 1, 1)),
    ("中小学教师", "二级教师", 2, "college", "三级教师", 1, D(2023, 1, 1)),  # 大专 + 2 (小学和幼儿园: warns)
    ("卫生技术（医）", "主治医师", 3, "bachelor", "医师", 2, D(2021, 1, 1)),  # 本科 + 4 years
    ("卫生技术（护）", "主管护师", 3, "college", "护师", 2, D(2019, 1, 1)),  # 大专 + 6 years
    ("卫生技术（护）", "副主任护师", 4, "college", "主管护师", 3, D(2018, 1, 1)),  # 大专 + 7 years
    ("高校教师", "副教授", 4, "doctor", "讲师", 3, D(2023, 1, 1)),  # 博士 + 2 years
    ("实验技术", "实验师", 3, "college", "助理实验师", 2, D(2021, 1, 1)),
]


def _check(series, target, rank, education, below, below_rank, obtained):
    params = make_params(conditions=condition_facts(series=Series.objects.get(name=series),
                                                    level=Level.objects.get(rank=rank)))
    facts = make_facts(target={"series": series, "title": target, "level_rank": rank},
                       titles=(title(below, below_rank, obtained, series),),
                       education=(EducationFact(education, None),))
    (finding,) = run("R-CONDITIONS", facts, params)
    return finding


@pytest.mark.parametrize("sample", SAMPLES, ids=[f"{s[0]}-{s[1]}" for s in SAMPLES])
def test_boundary_month_passes_and_the_next_month_does_not(sample):
    *head, last = sample
    passing = _check(*head, last)
    assert not passing.blocking, passing.message_zh
    assert "条件未配置" not in passing.message_zh
    failing = _check(*head, D(last.year, last.month + 1, 1) if last.month < 12 else D(last.year + 1, 1, 1))
    assert failing.blocking, failing.message_zh


def test_every_series_and_level_with_a_title_has_conditions_with_a_source():
    for t in TitleName.objects.select_related("series", "level"):
        rows = Condition.objects.filter(series=t.series, level=t.level)
        assert rows.exists(), t.name
        assert all(r.source.startswith("《关于深化") for r in rows), t.name


def test_every_shipped_row_is_valid():
    for row in Condition.objects.select_related("series", "level", "below_title__series", "below_title__level"):
        assert row.problems() == [], str(row)


def test_a_series_without_rows_still_says_not_configured():
    Condition.objects.filter(series__name="会计").delete()
    finding = _check("会计", "会计师", 3, "bachelor", "助理会计师", 2, D(2015, 1, 1))
    assert "条件未配置" in finding.message_zh and not finding.blocking


def test_the_office_edits_a_row_and_the_rule_follows():
    assert Condition.objects.filter(series__name="会计", level__rank=3, min_years=4).update(min_years=6) == 2
    assert _check("会计", "会计师", 3, "bachelor", "助理会计师", 2, D(2020, 1, 1)).blocking
    assert not _check("会计", "会计师", 3, "bachelor", "助理会计师", 2, D(2019, 1, 1)).blocking

