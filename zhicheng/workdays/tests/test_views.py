"""Calendar pages: office staff edit; others are refused; errors show next to the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhicheng.core.models import CalendarYearSchedule, HolidayOverride

pytestmark = pytest.mark.django_db
URL = reverse("calendar:overrides")


def test_office_sees_the_year_list(office_client):
    HolidayOverride.objects.create(date=dt.date(2027, 10, 1), kind="holiday", name="国庆节")
    response = office_client.get(URL, {"year": 2027})
    assert response.status_code == 200
    assert "国庆节" in response.content.decode()


def test_unconfirmed_unknown_year_asks_for_confirmation(office_client):
    assert "请在下方确认" in office_client.get(URL, {"year": 2027}).content.decode()
    assert "请在下方确认" not in office_client.get(URL, {"year": 2024}).content.decode()


def test_clerk_is_refused(clerk_client):
    assert clerk_client.get(URL).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_add_a_range(office_client):
    data = {"first": "2027-10-01", "last": "2027-10-07", "kind": "holiday", "name": "国庆节", "note": ""}
    response = office_client.post(URL, data)
    assert response.status_code == 302
    assert HolidayOverride.objects.count() == 7


def test_reversed_range_shows_the_message_next_to_the_end_date(office_client):
    data = {"first": "2027-10-07", "last": "2027-10-01", "kind": "holiday", "name": "国庆节"}
    response = office_client.post(URL, data)
    assert response.status_code == 200
    assert "早于开始日期" in str(response.context["form"].errors["last"])
    assert not HolidayOverride.objects.exists()


def test_overlap_is_shown_and_nothing_saved(office_client):
    HolidayOverride.objects.create(date=dt.date(2027, 10, 3), kind="holiday", name="国庆节")
    data = {"first": "2027-10-01", "last": "2027-10-07", "kind": "holiday", "name": "国庆节"}
    response = office_client.post(URL, data)
    assert "2027年10月3日（国庆节）" in response.content.decode()
    assert HolidayOverride.objects.count() == 1


def test_delete_by_post(office_client):
    override = HolidayOverride.objects.create(date=dt.date(2027, 10, 3), kind="holiday", name="国庆节")
    assert office_client.get(reverse("calendar:override_delete", args=[override.pk])).status_code == 405
    response = office_client.post(reverse("calendar:override_delete", args=[override.pk]))
    assert response.status_code == 302
    assert not HolidayOverride.objects.exists()


def test_clerk_cannot_delete(clerk_client):
    override = HolidayOverride.objects.create(date=dt.date(2027, 10, 3), kind="holiday", name="国庆节")
    assert clerk_client.post(reverse("calendar:override_delete", args=[override.pk])).status_code == 403
    assert HolidayOverride.objects.exists()


def test_confirm_year(office_client):
    response = office_client.post(reverse("calendar:year_confirm"), {"year": 2027, "note": "通知"})
    assert response.status_code == 302
    assert CalendarYearSchedule.objects.filter(year=2027).exists()


def test_clerk_cannot_confirm_year(clerk_client):
    assert clerk_client.post(reverse("calendar:year_confirm"), {"year": 2027}).status_code == 403
    assert not CalendarYearSchedule.objects.exists()


def test_year_grid_marks_make_up_days(clerk_client):
    response = clerk_client.get(reverse("calendar:year", args=[2024]))
    assert response.status_code == 200
    october = dict(response.context["months"])[10]
    days = {day.date: day for week in october for day in week if day}
    assert days[dt.date(2024, 10, 12)].state == "makeup"
    assert days[dt.date(2024, 10, 1)].state == "holiday" and days[dt.date(2024, 10, 1)].name == "国庆节"
    assert days[dt.date(2024, 10, 19)].state == "weekend"


def test_year_grid_of_an_unknown_year_says_so(clerk_client):
    response = clerk_client.get(reverse("calendar:year", args=[2027]))
    assert "2027 年节假日安排尚未录入" in response.content.decode()
