"""The working-day calendar against the State Council schedules in rules-facts.md, overrides and edges."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhicheng.core.calendar import CalendarYearUnknown, add_working_days, is_working_day, working_days_between
from zhicheng.core.errors import ApplicationError
from zhicheng.core.models import CalendarYearSchedule, HolidayOverride, OverrideKind

D = dt.date


def _span(first: str, last: str | None = None) -> list[dt.date]:
    a = D.fromisoformat(first)
    b = D.fromisoformat(last or first)
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


# Written from rules-facts.md "Working days (State Council holiday schedules)"
HOLIDAYS = {
    2024: [
        *_span("2024-01-01"), *_span("2024-02-10", "2024-02-17"), *_span("2024-04-04", "2024-04-06"),
        *_span("2024-05-01", "2024-05-05"), *_span("2024-06-10"), *_span("2024-09-15", "2024-09-17"),
        *_span("2024-10-01", "2024-10-07"),
    ],
    2025: [
        *_span("2025-01-01"), *_span("2025-01-28", "2025-02-04"), *_span("2025-04-04", "2025-04-06"),
        *_span("2025-05-01", "2025-05-05"), *_span("2025-05-31", "2025-06-02"), *_span("2025-10-01", "2025-10-08"),
    ],
}
MAKEUP_DAYS = {
    2024: [D(2024, 2, 4), D(2024, 2, 18), D(2024, 4, 7), D(2024, 4, 28), D(2024, 5, 11), D(2024, 9, 14),
           D(2024, 9, 29), D(2024, 10, 12)],
    2025: [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)],
}
ALL_HOLIDAYS = [d for days in HOLIDAYS.values() for d in days]
ALL_MAKEUP = [d for days in MAKEUP_DAYS.values() for d in days]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ALL_HOLIDAYS, ids=str)
def test_listed_holiday_is_not_a_working_day(day):
    assert is_working_day(day) is False


@pytest.mark.parametrize("day", ALL_MAKEUP, ids=str)
def test_listed_make_up_day_is_a_working_day(day):
    assert day.weekday() >= 5, "the table lists only weekend make-up days"
    assert is_working_day(day) is True


@pytest.mark.parametrize("year", [2024, 2025])
def test_every_other_day_of_the_year_follows_the_weekend(year):
    holidays, makeup = set(HOLIDAYS[year]), set(MAKEUP_DAYS[year])
    for day in _span(f"{year}-01-01", f"{year}-12-31"):
        expected = day in makeup or (day.weekday() < 5 and day not in holidays)
        assert is_working_day(day) is expected, day


def test_plain_weekend_and_weekday():
    assert is_working_day(D(2024, 11, 16)) is False  # Saturday
    assert is_working_day(D(2024, 11, 17)) is False  # Sunday
    assert is_working_day(D(2024, 11, 18)) is True  # Monday


class TestAddWorkingDays:
    @pytest.mark.parametrize(
        ("start", "n", "end"),
        [
            (D(2024, 10, 8), 5, D(2024, 10, 12)),  # unit publicity ends on the make-up Saturday (rules-facts)
            (D(2024, 9, 30), 5, D(2024, 10, 11)),  # 9-30, then National Day 10-1..10-7, then 10-8..10-11
            (D(2024, 9, 29), 2, D(2024, 9, 30)),  # Sunday 9-29 is a make-up working day and counts
            (D(2024, 10, 1), 1, D(2024, 10, 8)),  # a start on a holiday does not count
            (D(2024, 12, 23), 5, D(2024, 12, 27)),  # result publicity Mon..Fri (rules-facts)
            (D(2025, 9, 30), 5, D(2025, 10, 13)),  # 9-30, 10-9, 10-10, 10-11 (make-up Sat), 10-13
            (D(2025, 9, 30), 2, D(2025, 10, 9)),  # National Day + Mid-Autumn 2025 is 10-1..10-8
            (D(2025, 10, 11), 1, D(2025, 10, 11)),
            (D(2025, 1, 27), 2, D(2025, 2, 5)),  # Spring Festival 2025 1-28..2-4
        ],
    )
    def test_known_spans(self, start, n, end):
        assert add_working_days(start, n) == end

    @pytest.mark.parametrize("n", [0, -3])
    def test_refuses_non_positive_count(self, n):
        with pytest.raises(ApplicationError) as exc:
            add_working_days(D(2024, 10, 8), n)
        assert exc.value.code == "invalid_days"


class TestWorkingDaysBetween:
    @pytest.mark.parametrize(
        ("first", "last", "count"),
        [
            (D(2024, 10, 1), D(2024, 10, 7), 0),
            (D(2024, 9, 29), D(2024, 10, 12), 7),
            (D(2025, 10, 1), D(2025, 10, 11), 3),
            (D(2024, 12, 23), D(2024, 12, 27), 5),
            (D(2024, 12, 23), D(2024, 12, 23), 1),
            (D(2024, 12, 27), D(2024, 12, 23), 0),
        ],
    )
    def test_counts_both_ends(self, first, last, count):
        assert working_days_between(first, last) == count


class TestOverrides:
    def test_holiday_override_moves_the_publicity_end(self):
        assert add_working_days(D(2024, 12, 23), 5) == D(2024, 12, 27)
        HolidayOverride.objects.create(date=D(2024, 12, 25), kind=OverrideKind.HOLIDAY, name="测试放假")
        assert is_working_day(D(2024, 12, 25)) is False
        assert add_working_days(D(2024, 12, 23), 5) == D(2024, 12, 30)

    def test_saturday_made_a_working_day(self):
        assert add_working_days(D(2024, 12, 24), 5) == D(2024, 12, 30)
        HolidayOverride.objects.create(date=D(2024, 12, 28), kind=OverrideKind.WORKDAY, name="加班")
        assert is_working_day(D(2024, 12, 28)) is True
        assert add_working_days(D(2024, 12, 24), 5) == D(2024, 12, 28)

    def test_override_wins_over_a_packaged_make_up_day(self):
        HolidayOverride.objects.create(date=D(2024, 10, 12), kind=OverrideKind.HOLIDAY, name="取消调休")
        assert add_working_days(D(2024, 10, 8), 5) == D(2024, 10, 14)

    def test_deleting_the_override_restores_the_package(self):
        override = HolidayOverride.objects.create(date=D(2024, 12, 25), kind=OverrideKind.HOLIDAY, name="x")
        assert is_working_day(D(2024, 12, 25)) is False
        override.delete()
        assert is_working_day(D(2024, 12, 25)) is True


class TestUnknownYear:
    def test_unknown_year_is_refused_in_chinese(self):
        with pytest.raises(CalendarYearUnknown) as exc:
            is_working_day(D(2027, 3, 3))
        assert exc.value.message_zh.startswith("2027 年节假日安排尚未录入")
        assert exc.value.details == {"year": 2027}

    def test_overrides_alone_do_not_make_the_year_usable(self):
        HolidayOverride.objects.create(date=D(2027, 1, 1), kind=OverrideKind.HOLIDAY, name="元旦")
        with pytest.raises(CalendarYearUnknown):
            is_working_day(D(2027, 1, 1))

    def test_confirmed_year_uses_weekends_and_overrides(self):
        HolidayOverride.objects.create(date=D(2027, 1, 1), kind=OverrideKind.HOLIDAY, name="元旦")
        HolidayOverride.objects.create(date=D(2027, 1, 2), kind=OverrideKind.WORKDAY, name="调休")
        CalendarYearSchedule.objects.create(year=2027)
        assert is_working_day(D(2027, 1, 1)) is False  # a Friday made a holiday
        assert is_working_day(D(2027, 1, 2)) is True  # a Saturday made a working day
        assert is_working_day(D(2027, 1, 3)) is False  # a plain Sunday
        assert add_working_days(D(2026, 12, 31), 2) == D(2027, 1, 2)

    def test_span_running_into_an_unknown_year_is_refused(self):
        with pytest.raises(CalendarYearUnknown):
            add_working_days(D(2026, 12, 28), 10)


def test_batch_of_two_years_costs_a_handful_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert working_days_between(D(2024, 1, 1), D(2025, 12, 31)) > 480
        assert working_days_between(D(2024, 1, 1), D(2025, 12, 31)) > 480


KNOWN_DAYS = st.dates(min_value=D(2024, 1, 1), max_value=D(2025, 12, 31))


@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(start=KNOWN_DAYS, n=st.integers(min_value=1, max_value=200))
def test_add_working_days_is_strictly_increasing_and_lands_on_a_working_day(start, n):
    end = add_working_days(start, n)
    assert is_working_day(end)
    assert end >= start
    assert add_working_days(start, n + 1) > end


@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(start=KNOWN_DAYS, n=st.integers(min_value=1, max_value=200))
def test_working_days_between_inverts_add_working_days(start, n):
    # holds for any start: days before the first working day add nothing to either side
    assert working_days_between(start, add_working_days(start, n)) == n
