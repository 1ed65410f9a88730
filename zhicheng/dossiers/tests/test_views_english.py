"""English mode: the applicant's dossier pages name sections and fields in English (issue 15)."""

import pytest
from django.test import Client
from django.urls import reverse

from zhicheng.dossiers import services

from .factories import valid_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(applicant):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(applicant)
    return client


def test_section_page_in_english_names_the_section_and_its_fields(me, dossier, applicant):
    services.section_item_create(dossier=dossier, actor=applicant, section="education", data=valid_row("education"))
    html = me.get(reverse("dossiers:section", args=[dossier.pk, "continuing_education"])).content.decode()
    assert "<h1>Continuing education</h1>" in html and "<h1>继续教育</h1>" not in html
    html = me.get(reverse("dossiers:section", args=[dossier.pk, "education"])).content.decode()
    assert "<h1>Education</h1>" in html and "School" in html and "学校" not in html


def test_dossier_page_in_english_heads_the_sections_in_english(me, dossier):
    html = me.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    for name in ("Continuing education", "Annual assessments", "Work history"):
        assert f"<h2>{name} <a" in html
    for name in ("继续教育", "年度考核", "工作经历"):
        assert f"<h2>{name}" not in html


def test_section_page_in_chinese_stays_chinese(applicant, dossier):
    client = Client()
    client.force_login(applicant)
    html = client.get(reverse("dossiers:section", args=[dossier.pk, "continuing_education"])).content.decode()
    assert "<h1>继续教育</h1>" in html
