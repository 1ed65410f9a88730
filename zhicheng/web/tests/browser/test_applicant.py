"""An applicant in a real browser: log in, start a dossier, autosave, and refusals shown beside the field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from zhicheng.dossiers.tests.factories import at, campaign_2024, people

from .helpers import WINDOW_OPEN, log_in, open_section, start_dossier

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def applicant(page):
    """An applicant of a unit, the 2024 campaign loaded, and the server clock inside the submission window."""
    with at(WINDOW_OPEN):
        campaign_2024()
        yield people()["applicant"]


def test_identity_autosaves_and_survives_a_reload(page, applicant):
    log_in(page, applicant)
    start_dossier(page)
    open_section(page, "基本信息")

    # The first save of the identity section is an ordinary form post.
    page.get_by_label("民族").fill("汉族")
    page.get_by_label("政治面貌").fill("群众")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("户籍所在省份").fill("甘肃省")
    page.get_by_label("退休类别").select_option("cadre55")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()

    # From then on a change saves itself (htmx), and the eligibility checklist asks for fresh findings.
    phone = page.get_by_label("联系电话")
    checklist_refresh = re.compile(r"/eligibility/dossiers/\d+/")
    with page.expect_response(lambda r: bool(checklist_refresh.search(r.url)) and r.request.method == "GET") as got:
        phone.fill("13912345678")
        phone.press("Tab")  # leaving the field fires `change`, the autosave trigger
        expect(page.get_by_role("status").filter(has_text="已自动保存")).to_be_visible()
    assert got.value.ok
    expect(page.locator("#eligibility-checklist")).to_contain_text("资格条件检查")

    page.reload()
    expect(page.get_by_label("联系电话")).to_have_value("13912345678")
    expect(page.get_by_label("户籍所在省份")).to_have_value("甘肃省")


def test_education_dates_in_the_wrong_order_are_refused_beside_the_field_keeping_the_input(page, applicant):
    log_in(page, applicant)
    start_dossier(page)
    open_section(page, "学历")

    add = page.locator("form").filter(has=page.get_by_role("button", name="添加"))
    add.get_by_label("学历").select_option("bachelor")
    add.get_by_label("毕业院校").fill("兰州大学")
    add.get_by_label("所学专业").fill("土木工程")
    add.get_by_label("入学时间").fill("2004-09-01")
    add.get_by_label("毕业时间").fill("2000-07-01")
    add.get_by_role("button", name="添加").click()

    add = page.locator("form").filter(has=page.get_by_role("button", name="添加"))
    end_field = add.locator(".field").filter(has=page.get_by_label("毕业时间"))
    expect(end_field.locator(".errorlist")).to_have_text("毕业时间不能早于入学时间")
    expect(add.get_by_label("毕业院校")).to_have_value("兰州大学")
    expect(add.get_by_label("所学专业")).to_have_value("土木工程")
    expect(add.get_by_label("入学时间")).to_have_value("2004-09-01")
    expect(add.get_by_label("毕业时间")).to_have_value("2000-07-01")
    expect(page.get_by_text("尚未填写。")).to_be_visible()

    # Corrected, the row is added; the same refusal comes back through autosave on the saved row.
    add.get_by_label("毕业时间").fill("2008-07-01")
    add.get_by_role("button", name="添加").click()
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()
    row = page.locator("form[id^='row-education-']")
    row.get_by_label("毕业时间").fill("2003-07-01")
    row.get_by_label("毕业时间").press("Tab")
    expect(row.locator(".field").filter(has=page.get_by_label("毕业时间")).locator(".errorlist")).to_have_text(
        "毕业时间不能早于入学时间"
    )
    expect(row.get_by_label("毕业时间")).to_have_value("2003-07-01")

    page.reload()  # the refused value was not stored
    expect(page.locator("form[id^='row-education-']").get_by_label("毕业时间")).to_have_value("2008-07-01")
