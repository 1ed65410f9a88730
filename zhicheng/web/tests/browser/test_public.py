"""The public publicity page for an anonymous visitor, in Chinese and, after the switch, in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_publicity_page_is_chinese_for_a_visitor_and_english_after_the_switch(page):
    page.goto("/public/publicity/")
    expect(page.get_by_role("heading", level=1)).to_have_text("职称申报单位公示")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_text("目前没有正在公示的人员。")).to_be_visible()

    page.get_by_role("button", name="English").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Unit publicity of title applications")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/public/publicity/$"))  # set_language sent the visitor back
    expect(page.get_by_role("button", name="简体中文")).to_be_visible()
