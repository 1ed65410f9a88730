"""Month arithmetic and the retirement month (rules-facts.md), at their boundaries; no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhicheng.eligibility.months import (
    CADRE_55,
    FEMALE,
    MALE,
    WORKER_50,
    add_months,
    retirement_delay,
    retirement_month,
    seniority_months,
)

D = dt.date


class TestSeniorityMonths:
    """§六(三): counted from the month the title was obtained through the month of the seniority date."""

    def test_obtained_2019_07_to_2024_12_31_is_66(self):
        assert seniority_months(D(2019, 7, 15), D(2024, 12, 31)) == 66

    def test_obtained_2020_01_is_60(self):
        assert seniority_months(D(2020, 1, 31), D(2024, 12, 31)) == 60

    def test_obtained_2020_02_is_59(self):
        assert seniority_months(D(2020, 2, 1), D(2024, 12, 31)) == 59

    def test_obtained_in_the_seniority_month_counts_that_month(self):
        assert seniority_months(D(2024, 12, 31), D(2024, 12, 1)) == 1

    def test_day_of_month_is_ignored(self):
        assert seniority_months(D(2019, 12, 31), D(2024, 12, 1)) == 61

    def test_never_negative(self):
        assert seniority_months(D(2025, 1, 1), D(2024, 12, 31)) == 0
        assert seniority_months(D(2025, 3, 1), D(2024, 12, 31)) == 0

    @given(st.dates(D(1900, 1, 1), D(2200, 12, 31)), st.dates(D(1900, 1, 1), D(2200, 12, 31)))
    def test_inclusive_on_both_ends_for_every_pair_of_months(self, obtained, until):
        """The count equals the number of calendar months listed from the first through the last."""
        months = []
        year, month = obtained.year, obtained.month
        while (year, month) <= (until.year, until.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        assert seniority_months(obtained, until) == len(months)

    @given(st.dates(D(1900, 1, 1), D(2200, 12, 31)), st.integers(0, 1200))
    def test_n_months_later_counts_n_plus_one(self, obtained, n):
        assert seniority_months(obtained, add_months(obtained, n)) == n + 1

    @given(st.dates(), st.dates(), st.dates())
    def test_never_decreases_as_the_reference_date_moves_later(self, obtained, a, b):
        early, late = sorted((a, b))
        assert seniority_months(obtained, early) <= seniority_months(obtained, late)


class TestRetirementMonth:
    @pytest.mark.parametrize(("birth", "sex", "category", "expected"), [
        (D(1964, 12, 31), MALE, None, D(2024, 12, 1)),  # before the reform: 60
        (D(1965, 1, 15), MALE, None, D(2025, 2, 1)),  # 60 years 1 month
        (D(1976, 9, 1), MALE, None, D(2039, 9, 1)),  # first at 63
        (D(1976, 8, 1), MALE, None, D(2039, 7, 1)),  # 62 years 11 months
        (D(1984, 11, 1), FEMALE, WORKER_50, D(2039, 11, 1)),  # first at 55
        (D(1984, 10, 1), FEMALE, WORKER_50, D(2039, 9, 1)),  # 54 years 11 months
        (D(1969, 12, 1), FEMALE, CADRE_55, D(2024, 12, 1)),
        (D(1970, 1, 1), FEMALE, CADRE_55, D(2025, 2, 1)),
        (D(1965, 1, 1), MALE, CADRE_55, D(2025, 2, 1)),  # a man's category is ignored
    ])
    def test_reform_cases(self, birth, sex, category, expected):
        assert retirement_month(birth, sex, category) == expected

    def test_caps(self):
        assert retirement_delay(D(1990, 1, 1), MALE) == 36
        assert retirement_delay(D(1990, 1, 1), CADRE_55) == 36
        assert retirement_delay(D(1990, 1, 1), WORKER_50) == 60

    @pytest.mark.parametrize(("sex", "category", "last_excluded"), [
        (MALE, None, D(1965, 9, 1)), (FEMALE, CADRE_55, D(1970, 9, 1)), (FEMALE, WORKER_50, D(1975, 8, 1)),
    ])
    def test_2025_campaign_boundaries(self, sex, category, last_excluded):
        assert retirement_month(last_excluded, sex, category).year == 2025
        assert retirement_month(add_months(last_excluded, 1), sex, category).year == 2026

    def test_woman_without_category_is_an_error(self):
        with pytest.raises(ValueError):
            retirement_month(D(1980, 1, 1), FEMALE, None)

    @given(st.dates(D(1940, 1, 1), D(2000, 12, 31)), st.dates(D(1940, 1, 1), D(2000, 12, 31)),
           st.sampled_from([(MALE, None), (FEMALE, CADRE_55), (FEMALE, WORKER_50)]))
    def test_monotonic_in_birth_month_within_each_category(self, a, b, group):
        early, late = sorted((a, b))
        assert retirement_month(early, *group) <= retirement_month(late, *group)
