"""The office opens its statistics from the menu: the charts are SVG drawn by the server, allowed by the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zhicheng.dossiers.tests.factories import campaign_2024
from zhicheng.reports.tests.factories import make_dossier, reports_people

from .helpers import log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_statistics_page_renders_its_charts(page):
    tree = reports_people()
    campaign = campaign_2024()
    make_dossier(campaign, tree["unit"], "passed", history=[("submitted", 0), ("passed", 30)])
    make_dossier(campaign, tree["unit"], "failed", level="中级", history=[("submitted", 0), ("failed", 25)])
    make_dossier(campaign, tree["unit2"], "submitted", series="卫生技术（医）", level="中级",
                 history=[("submitted", 0)])
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    log_in_with_code(page, tree["office_staff"])
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="统计分析").click()
    page.get_by_label("年度评审").select_option(label=campaign.name)
    page.get_by_role("button", name="筛选").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("统计分析")
    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 6
    units = page.locator("#figure-unit svg.chart")
    expect(units.locator("rect.chart-bar")).to_have_count(2)
    expect(units).to_contain_text("第一中学")
    box = units.locator("rect.chart-bar").first.bounding_box()
    assert box is not None and box["width"] > 10  # drawn, not an empty element
    expect(page.locator("#figure-pass_rate")).to_contain_text("50.0")
    assert violations == []
