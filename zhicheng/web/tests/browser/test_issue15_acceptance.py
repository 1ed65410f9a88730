"""Issue 15's acceptance flows in a real browser at 1366×900 (the client tests check the same rules at their
boundaries; these check what a person sees and clicks): a return composed by ticking rows, the continuing-education
certificate clearing its checklist finding, withdrawal before and after the window closes, and the security admin's
user list."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.auth_helpers import user_with_role
from zhicheng.dossiers.evidence import evidence_attach
from zhicheng.dossiers.models import Dossier, EducationRecord
from zhicheng.dossiers.sections import SECTIONS
from zhicheng.dossiers.services import dossier_submit
from zhicheng.dossiers.tests.factories import PASSWORD, dossier_for, fill, people, signed
from zhicheng.files.tests.samples import pdf_bytes
from zhicheng.review.models import ReturnRequest, ReviewDecision
from zhicheng.review.tests.factories import at, campaign_2024, review_people, submitted_dossier

from .helpers import WINDOW_OPEN, log_in, log_in_with_code, open_section

pytestmark = pytest.mark.django_db(transaction=True)
RETURNED_AT = "2024-10-12T10:00:00+08:00"
LAST_MINUTE = "2024-10-10T23:59:00+08:00"  # the window closes at 10-10 24:00
AFTER_CLOSE = "2024-10-11T09:00:00+08:00"
CONFIRM = "放弃本年度申报"


def _screen(page: Page) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_clerk_returns_by_ticking_rows_and_the_applicant_sees_them_marked_in_place(page: Page):
    _screen(page)
    with at(RETURNED_AT):
        tree = review_people()
        dossier = submitted_dossier(tree["applicant"], campaign_2024())
        row = EducationRecord.objects.get(dossier=dossier)

        log_in_with_code(page, tree["unit_clerk"])
        page.goto(f"/dossiers/{dossier.pk}/")
        panel = page.locator("#review-panel")
        panel.get_by_role("radio", name="退回修改").check()
        panel.get_by_role("textbox", name="意见说明").fill("材料不全")
        wrap = panel.locator("details.return-editor-wrap")
        if not wrap.evaluate("details => details.open"):  # choosing 退回修改 may already have opened it
            wrap.locator("summary").click()
        expect(wrap.locator("#return-editor")).to_be_visible()
        editor = panel.locator("#return-editor")
        ticked = editor.locator(".return-row").filter(has_text="兰州大学")
        ticked.get_by_role("checkbox").check()
        ticked.get_by_role("textbox").fill("请上传清晰的毕业证书")
        whole = editor.locator(".return-section").filter(has_text="业绩成果").first
        whole.get_by_role("checkbox").check()
        whole.get_by_role("textbox").fill("补充论文检索证明")
        panel.get_by_role("button", name="提出审核意见").click()

        message = page.locator(".decision-side .panel-messages [role='status']")
        expect(message).to_contain_text("审核意见已提出")
        expect(message).to_be_in_viewport()
        pending = page.locator("#pending-decision")
        expect(pending).to_contain_text("请上传清晰的毕业证书")
        expect(pending).to_contain_text("补充论文检索证明")
        proposed = ReviewDecision.objects.get(dossier=dossier)
        assert proposed.data["items"] == [
            {"section": "education", "item_id": row.pk, "message": "请上传清晰的毕业证书"},
            {"section": "achievement", "item_id": None, "message": "补充论文检索证明"}]

        page.context.clear_cookies()
        log_in_with_code(page, tree["unit_leader"])
        page.goto(f"/dossiers/{dossier.pk}/")
        page.locator("#review-panel").get_by_role("button", name="确认").click()
        expect(page.locator(".decision-side .panel-messages")).to_contain_text("审核意见已确认生效")
        expect(page.locator(".decision-side .panel-messages")).to_be_in_viewport()
        request = ReturnRequest.objects.get(dossier=dossier)
        assert [(i.section, i.item_id) for i in request.items.order_by("pk")] == [
            ("education", row.pk), ("achievement", None)]

        page.context.clear_cookies()
        log_in(page, tree["applicant"])
        page.goto(f"/dossiers/{dossier.pk}/")
        education = page.locator("#section-education")
        marked = education.locator(".change-request")
        expect(marked).to_have_count(1)
        expect(marked).to_have_text("此条需修改：请上传清晰的毕业证书")
        # in place: right above the ticked row's fields, which are highlighted
        expect(marked.locator("xpath=following-sibling::dl[1]")).to_contain_text("兰州大学")
        expect(education.locator("dl.change-requested")).to_have_count(1)
        expect(page.locator("#section-achievement .change-request")).to_have_text("需修改：补充论文检索证明")
        expect(page.locator("#guidance")).to_contain_text("单位审核第 1 次退回")


def test_the_security_admin_finds_users_masked_and_locks_one_from_the_list(page: Page):
    _screen(page)
    admin = user_with_role(Role.SECURITY_ADMIN, real_name="安全管理员")
    clerk = user_with_role(Role.REVIEW_CLERK, id_number="62010219800101123X", phone="13912345678",
                           real_name="王审核")
    log_in_with_code(page, admin)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="用户与角色").click()
    expect(page).to_have_url(f"{page.url.split('/organisations/')[0]}/organisations/users/")
    row = page.get_by_role("row").filter(has_text=clerk.username)
    expect(row).to_contain_text("王审核")
    expect(row).to_contain_text("6201**********123X")
    expect(row).to_contain_text("139****5678")
    expect(page.locator("body")).not_to_contain_text("62010219800101123X")
    expect(row).to_contain_text("可登录")

    row.get_by_role("textbox", name="锁定原因").fill("离岗")
    row.get_by_role("button", name="锁定").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text("已锁定")
    row = page.get_by_role("row").filter(has_text=clerk.username)
    expect(row).to_contain_text("管理员锁定")
    expect(row.get_by_role("button", name="解锁")).to_be_visible()
    clerk.refresh_from_db()
    assert not clerk.is_active


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)


def test_the_ce_certificate_uploaded_on_its_section_clears_the_checklists_finding(page: Page, media, tmp_path):
    _screen(page)
    certificate = tmp_path / "继续教育证书.pdf"
    certificate.write_bytes(pdf_bytes())
    with at(WINDOW_OPEN):
        tree = people()
        dossier = dossier_for(tree["applicant"], campaign_2024())
        fill(dossier, tree["applicant"])  # one continuing-education year, 30 + 60 hours, no certificate
        log_in(page, tree["applicant"])
        page.goto(f"/dossiers/{dossier.pk}/")
        checklist = page.locator("#eligibility-checklist")
        expect(checklist).to_contain_text("未上传继续教育证书")

        page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的申报").click()
        open_section(page, "继续教育")
        purpose = page.get_by_label("此文件证明什么")
        expect(purpose).to_have_value("ce_certificate")  # pre-selected: kept as it is
        expect(purpose.locator("option:checked")).to_have_text("继续教育证书")
        page.get_by_label("上传佐证材料（PDF、JPG、PNG）").set_input_files(str(certificate))
        page.get_by_role("button", name="上传", exact=True).click()
        expect(page.get_by_role("link", name="继续教育证书.pdf").first).to_be_visible()

        page.goto(f"/dossiers/{dossier.pk}/")
        checklist = page.locator("#eligibility-checklist")
        expect(checklist).to_contain_text("与当前材料一致")  # the re-check has run
        expect(checklist).not_to_contain_text("未上传继续教育证书")
        expect(checklist.get_by_role("row").filter(has_text="继续教育共 90 学时")).to_contain_text("符合要求")


def _submitted_by_the_applicant():
    """Filled, with the proofs the rules ask for, signed and submitted through the services inside the window."""
    with at(WINDOW_OPEN):
        applicant = people()["applicant"]
        dossier = dossier_for(applicant, campaign_2024())
        fill(dossier, applicant)
        _proofs_the_rules_ask_for(dossier, applicant)
        signed(dossier, applicant)
        return applicant, dossier_submit(dossier=dossier, actor=applicant)


def _proofs_the_rules_ask_for(dossier, applicant) -> None:
    """The continuing-education certificate and the labour-relation proofs the filled dossier lacks."""
    for section, purpose in (("continuing_education", "ce_certificate"), ("labour_exemption", "labour_contract"),
                             ("labour_exemption", "salary_statement")):
        row = SECTIONS[section].model._default_manager.get(dossier=dossier)
        evidence_attach(dossier=dossier, section=section, item_id=row.pk, actor=applicant, purpose=purpose,
                        upload=SimpleUploadedFile(f"{purpose}.pdf", pdf_bytes()))


def _open_withdrawal(page: Page) -> None:
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的申报").click()
    page.locator(".page-actions").get_by_role("link", name="撤回").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("撤回申报")


def _state(dossier) -> str:
    return Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)


def test_withdrawal_before_the_close_gives_back_a_draft_that_can_be_submitted_again(page: Page, media):
    _screen(page)
    with at(LAST_MINUTE):
        applicant, dossier = _submitted_by_the_applicant()
        log_in(page, applicant)
        _open_withdrawal(page)
        expect(page.locator("#withdraw-draft")).to_contain_text("撤回后材料回到草稿")
        expect(page.get_by_label("登录密码")).to_have_count(0)
        page.get_by_label("撤回原因").fill("补充论文")
        page.get_by_role("button", name="撤回修改").click()
        expect(page.get_by_role("status").first).to_be_visible()
        assert _state(dossier) == "draft"

        page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的申报").click()
        open_section(page, "学历")  # editable again
        expect(page.get_by_role("button", name="保存").first).to_be_visible()
        signed(dossier, applicant)  # a withdrawn draft is signed again before it is submitted
        page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的申报").click()
        page.locator(".page-actions").get_by_role("button", name="提交至单位审核").click()
        expect(page.locator(".page-actions").get_by_role("link", name="撤回")).to_be_visible()
        assert _state(dossier) == "submitted"


def test_withdrawal_after_the_close_ends_the_year_asks_password_and_confirmation_and_stays_visible(page: Page,
                                                                                                   media):
    _screen(page)
    with at(AFTER_CLOSE):
        applicant, dossier = _submitted_by_the_applicant()
        log_in(page, applicant)
        _open_withdrawal(page)
        expect(page.locator("#withdraw-final")).to_contain_text("本年度的申报即告结束")
        page.get_by_label("撤回原因").fill("不再参评")
        page.get_by_label("登录密码").fill("wrong-password")
        page.get_by_label("请输入“放弃本年度申报”以确认").fill(CONFIRM)
        page.get_by_role("button", name="确认撤回并结束本年度申报").click()
        beside = page.locator(".field").filter(has=page.get_by_label("登录密码"))
        expect(beside.locator(".errorlist")).to_contain_text("登录密码不正确")
        expect(page.get_by_label("撤回原因")).to_have_value("不再参评")  # nothing typed is lost
        assert _state(dossier) == "submitted"

        page.get_by_label("登录密码").fill(PASSWORD)
        page.get_by_label("请输入“放弃本年度申报”以确认").fill(CONFIRM)
        page.get_by_role("button", name="确认撤回并结束本年度申报").click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text("撤回申报")
        assert _state(dossier) == "withdrawn"

        page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的申报").click()
        expect(page.locator("#withdrawn-final")).to_contain_text("本年度申报已结束")
        expect(page.get_by_role("row").filter(has_text="学历").get_by_role("link", name="填写")).to_have_count(0)
        expect(page.locator(".page-actions").get_by_role("button", name="提交至单位审核")).to_have_count(0)
        expect(page.locator(".page-actions").get_by_role("link", name="撤回")).to_have_count(0)
        page.get_by_role("row").filter(has_text="学历").get_by_role("link", name="查看").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("学历")
        expect(page.get_by_text("兰州大学").first).to_be_visible()  # the material stays, read-only
        expect(page.get_by_role("button", name="保存")).to_have_count(0)
        expect(page.get_by_role("button", name="上传", exact=True)).to_have_count(0)
