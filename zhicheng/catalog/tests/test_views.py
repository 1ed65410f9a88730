"""Catalog office pages: series list, conditions editor; edits by the office only."""

import pytest
from django.test import Client
from django.urls import reverse

from zhicheng.audit.models import AuditEvent
from zhicheng.catalog.models import Condition, Level, Series

from .helpers import clerk_user, logged_in_client, office_user

pytestmark = pytest.mark.django_db


def _engineering():
    return Series.objects.get(name="工程"), Level.objects.get(name="副高级")


def test_anonymous_is_sent_to_login():
    response = Client().get(reverse("catalog:series_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_series_list_shows_titles_with_codes():
    content = logged_in_client(clerk_user()).get(reverse("catalog:series_list")).content.decode()
    assert "0502</span> 高级工程师" in content and "民用航空飞行技术" in content


def test_conditions_page_lists_rows_without_edit_buttons_for_clerk():
    series, level = _engineering()
    url = reverse("catalog:conditions") + f"?series={series.pk}&level={level.pk}"
    content = logged_in_client(clerk_user()).get(url).content.decode()
    assert "第二学士" in content and "添加条件" not in content


def test_office_adds_condition_from_the_page():
    series, level = _engineering()
    url = reverse("catalog:conditions") + f"?series={series.pk}&level={level.pk}"
    client = logged_in_client(office_user())
    below = Condition.objects.filter(series=series, level=level, below_title__isnull=False).first().below_title
    data = {"series": series.pk, "level": level.pk, "education": "college", "min_years": 8,
            "below_title": below.pk, "scope": "", "note": "", "position": 9}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Condition.objects.filter(series=series, level=level, education="college").exists()
    assert AuditEvent.objects.filter(event_type="catalog.condition_created").exists()


def test_page_shows_error_next_to_field_and_saves_nothing():
    series, level = _engineering()
    client = logged_in_client(office_user())
    before = Condition.objects.count()
    data = {"series": series.pk, "level": level.pk, "education": "college", "min_years": 3, "position": 0}
    response = client.post(reverse("catalog:conditions") + f"?series={series.pk}", data)
    assert response.status_code == 200
    assert "要求任职年限时须选择下一级职称" in response.content.decode()
    assert Condition.objects.count() == before


def test_clerk_cannot_post_edit_or_delete():
    series, level = _engineering()
    condition = Condition.objects.filter(series=series, level=level).first()
    client = logged_in_client(clerk_user())
    assert client.post(reverse("catalog:conditions"), {"series": series.pk}).status_code == 403
    assert client.get(reverse("catalog:condition_edit", args=[condition.pk])).status_code == 403
    assert client.post(reverse("catalog:condition_delete", args=[condition.pk])).status_code == 403
    assert Condition.objects.filter(pk=condition.pk).exists()


def test_office_edits_a_condition():
    condition = Condition.objects.get(series__name="工程", level__name="中级", education="college")
    client = logged_in_client(office_user())
    url = reverse("catalog:condition_edit", args=[condition.pk])
    assert client.get(url).status_code == 200
    data = {"series": condition.series_id, "level": condition.level_id, "education": "college", "min_years": 5,
            "below_title": condition.below_title_id, "scope": "", "note": "", "position": condition.position}
    assert client.post(url, data).status_code == 302
    condition.refresh_from_db()
    assert condition.min_years == 5


def test_office_adds_and_switches_off_a_specialty():
    client = logged_in_client(office_user())
    engineering = Series.objects.get(name="工程")
    response = client.post(reverse("catalog:specialties"), {"series": engineering.pk, "name": "电子信息"})
    assert response.status_code == 302
    specialty = engineering.specialties.get(name="电子信息")
    client.post(reverse("catalog:specialties"), {"toggle": specialty.pk, "active": "0"})
    specialty.refresh_from_db()
    assert not specialty.is_active
    content = client.get(reverse("catalog:specialties")).content.decode()
    assert "电子信息" in content and "地质勘查测绘采矿土地" in content


def test_duplicate_specialty_message_on_page():
    client = logged_in_client(office_user())
    engineering = Series.objects.get(name="工程")
    response = client.post(reverse("catalog:specialties"), {"series": engineering.pk, "name": "水利"})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()


def test_office_adds_a_waiver():
    client = logged_in_client(office_user())
    assert client.post(reverse("catalog:waivers"), {"name": "获全国技术能手称号", "position": 3}).status_code == 302
    assert "获全国技术能手称号" in client.get(reverse("catalog:waivers")).content.decode()
    assert AuditEvent.objects.filter(event_type="catalog.waiver_created").exists()


def test_clerk_reads_but_cannot_change_specialties_or_waivers():
    client = logged_in_client(clerk_user())
    assert client.get(reverse("catalog:specialties")).status_code == 200
    assert client.get(reverse("catalog:waivers")).status_code == 200
    engineering = Series.objects.get(name="工程")
    assert client.post(reverse("catalog:specialties"), {"series": engineering.pk, "name": "x"}).status_code == 403
    assert client.post(reverse("catalog:waivers"), {"name": "x", "position": 0}).status_code == 403
