"""Calendar services: office staff only, audited, all-or-nothing, and the cache follows every change."""

from __future__ import annotations

import datetime as dt

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.core import selectors
from zhicheng.core.calendar import add_working_days, is_working_day
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.core.models import CalendarRevision, CalendarYearSchedule, HolidayOverride, OverrideKind
from zhicheng.workdays import services

D = dt.date
pytestmark = pytest.mark.django_db


class TestOverrideCreate:
    def test_office_staff_add_a_holiday_that_moves_the_deadline(self, office_user):
        services.override_create(actor=office_user, date=D(2024, 12, 25), kind="holiday", name="测试", ip="10.0.0.1")
        assert add_working_days(D(2024, 12, 23), 5) == D(2024, 12, 30)
        event = AuditEvent.objects.get(event_type="calendar.override_create")
        assert event.actor_id == office_user.pk and event.ip == "10.0.0.1"
        assert event.data["first"] == "2024-12-25" and event.data["count"] == 1

    def test_clerk_is_refused(self, clerk_user):
        with pytest.raises(PermissionDenied) as exc:
            services.override_create(actor=clerk_user, date=D(2024, 12, 25), kind="holiday", name="测试")
        assert "职改办" in exc.value.message_zh
        assert not HolidayOverride.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_name_is_required(self, office_user):
        with pytest.raises(ApplicationError) as exc:
            services.override_create(actor=office_user, date=D(2024, 12, 25), kind="holiday", name="  ")
        assert exc.value.code == "name_required"

    def test_unknown_kind_is_refused(self, office_user):
        with pytest.raises(ApplicationError) as exc:
            services.override_create(actor=office_user, date=D(2024, 12, 25), kind="party", name="x")
        assert exc.value.code == "invalid_kind"


class TestOverrideRangeCreate:
    def test_range_creates_each_day_with_one_audit_event(self, office_user):
        created = services.override_range_create(
            actor=office_user, first=D(2027, 10, 1), last=D(2027, 10, 7), kind=OverrideKind.HOLIDAY, name="国庆节"
        )
        assert [o.date for o in created] == [D(2027, 10, 1) + dt.timedelta(days=i) for i in range(7)]
        assert AuditEvent.objects.filter(event_type="calendar.override_create").count() == 1

    def test_end_before_start_is_refused_in_chinese(self, office_user):
        with pytest.raises(ApplicationError) as exc:
            services.override_range_create(
                actor=office_user, first=D(2027, 10, 7), last=D(2027, 10, 1), kind="holiday", name="国庆节"
            )
        assert exc.value.code == "range_reversed"
        assert "结束日期（2027年10月1日）早于开始日期（2027年10月7日）" in exc.value.message_zh
        assert not HolidayOverride.objects.exists()

    def test_overlap_names_the_conflicting_dates_and_saves_nothing(self, office_user):
        services.override_create(actor=office_user, date=D(2027, 10, 3), kind="holiday", name="国庆节")
        services.override_create(actor=office_user, date=D(2027, 10, 5), kind="holiday", name="国庆节")
        with pytest.raises(ApplicationError) as exc:
            services.override_range_create(
                actor=office_user, first=D(2027, 10, 1), last=D(2027, 10, 7), kind="holiday", name="国庆节"
            )
        assert exc.value.code == "override_overlap"
        assert "2027年10月3日（国庆节）、2027年10月5日（国庆节）" in exc.value.message_zh
        assert exc.value.details == {"conflicts": ["2027-10-03", "2027-10-05"]}
        assert HolidayOverride.objects.count() == 2

    def test_too_long_a_range_is_refused(self, office_user):
        with pytest.raises(ApplicationError) as exc:
            services.override_range_create(
                actor=office_user, first=D(2027, 1, 1), last=D(2027, 6, 30), kind="holiday", name="x"
            )
        assert exc.value.code == "range_too_long"


class TestOverrideDelete:
    def test_delete_restores_the_package_and_is_audited(self, office_user):
        override = services.override_create(actor=office_user, date=D(2024, 12, 25), kind="holiday", name="x")
        pk = override.pk
        assert is_working_day(D(2024, 12, 25)) is False
        services.override_delete(actor=office_user, override=override)
        assert is_working_day(D(2024, 12, 25)) is True
        event = AuditEvent.objects.get(event_type="calendar.override_delete")
        assert event.object_id == str(pk) and event.data["date"] == "2024-12-25"

    def test_clerk_cannot_delete(self, office_user, clerk_user):
        override = services.override_create(actor=office_user, date=D(2024, 12, 25), kind="holiday", name="x")
        with pytest.raises(PermissionDenied):
            services.override_delete(actor=clerk_user, override=override)
        assert HolidayOverride.objects.filter(pk=override.pk).exists()


class TestScheduleYearConfirm:
    def test_confirmed_year_becomes_usable(self, office_user):
        services.override_range_create(
            actor=office_user, first=D(2027, 1, 1), last=D(2027, 1, 1), kind="holiday", name="元旦"
        )
        services.schedule_year_confirm(actor=office_user, year=2027, note="国办发明电〔2026〕x号")
        assert is_working_day(D(2027, 1, 1)) is False
        assert is_working_day(D(2027, 1, 4)) is True
        assert AuditEvent.objects.filter(event_type="calendar.year_confirm", data__year=2027).exists()

    def test_confirming_twice_is_refused(self, office_user):
        services.schedule_year_confirm(actor=office_user, year=2027)
        with pytest.raises(ApplicationError) as exc:
            services.schedule_year_confirm(actor=office_user, year=2027)
        assert exc.value.code == "year_already_confirmed"

    def test_clerk_cannot_confirm(self, clerk_user):
        with pytest.raises(PermissionDenied):
            services.schedule_year_confirm(actor=clerk_user, year=2027)
        assert not CalendarYearSchedule.objects.exists()

    @pytest.mark.parametrize("year", [1999, 2101])
    def test_year_out_of_range(self, office_user, year):
        with pytest.raises(ApplicationError) as exc:
            services.schedule_year_confirm(actor=office_user, year=year)
        assert exc.value.code == "year_out_of_range"


class TestCacheAcrossProcesses:
    """Another process's write is seen once this process re-checks the revision counter."""

    def _write_elsewhere(self):
        # bulk_create sends no signal: this is what a write in another process looks like from here
        HolidayOverride.objects.bulk_create([HolidayOverride(date=D(2024, 12, 25), kind="holiday", name="x")])
        CalendarRevision.objects.update_or_create(id=1, defaults={"number": selectors.calendar_revision_current() + 1})

    def test_stale_until_the_check_interval_passes(self, settings):
        settings.ZHICHENG_CALENDAR_CACHE_SECONDS = 3600
        assert is_working_day(D(2024, 12, 25)) is True
        self._write_elsewhere()
        assert is_working_day(D(2024, 12, 25)) is True  # the documented trade-off: stale within the interval
        settings.ZHICHENG_CALENDAR_CACHE_SECONDS = 0
        assert is_working_day(D(2024, 12, 25)) is False

    def test_every_write_bumps_the_revision(self, office_user):
        before = selectors.calendar_revision_current()
        override = services.override_create(actor=office_user, date=D(2024, 12, 25), kind="holiday", name="x")
        services.override_delete(actor=office_user, override=override)
        services.schedule_year_confirm(actor=office_user, year=2027)
        assert selectors.calendar_revision_current() >= before + 3
