"""The clerk's workbench in the browser at 1366×900: the reviewer's dossier page is dense (a dossier with ten
filled sections fits in 2,400 px whichever section is open), evidence opens in the page, the decision is taken
with the keyboard alone and its message shows in the panel, n / p walk the queue, and axe-core finds no serious
or critical violation on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import member
from zhicheng.dossiers.evidence import evidence_attach
from zhicheng.dossiers.holders import holder_organisation
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.sections import SECTIONS
from zhicheng.dossiers.services import section_item_create
from zhicheng.dossiers.tests.factories import dossier_for, fill, valid_row
from zhicheng.files.tests.samples import image_bytes, pdf_bytes
from zhicheng.review.models import ReviewDecision
from zhicheng.review.tests.factories import INSIDE, at, campaign_2024, review_people, submitted_dossier

from .axe import assert_no_serious_violations
from .helpers import WINDOW_OPEN, log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True)
MAX_HEIGHT = 2400
EXTRA_ROWS = {"education": 2, "work_history": 4, "title_held": 1, "social_security": 23, "achievement": 3,
              "continuing_education": 2, "annual_assessment": 2}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)


def _rows(section: str, n: int) -> list[dict]:
    if section == "social_security":
        return [valid_row(section, month=f"{2022 + (i + 4) // 12}-{(i + 4) % 12 + 1:02d}") for i in range(n)]
    if section in ("continuing_education", "annual_assessment"):
        return [valid_row(section, year=str(2020 + i)) for i in range(n)]
    return [valid_row(section) for _ in range(n)]


def big_dossier(applicant, campaign) -> Dossier:
    """Every section filled (identity + ten), 50 rows in all, evidence on the rows that carry it; then submitted."""
    with at(INSIDE):
        dossier = dossier_for(applicant, campaign)
        fill(dossier, applicant)
        for section, n in EXTRA_ROWS.items():
            for data in _rows(section, n):
                section_item_create(dossier=dossier, actor=applicant, section=section, data=data)
        for row in SECTIONS["education"].model._default_manager.filter(dossier=dossier):
            evidence_attach(dossier=dossier, section="education", item_id=row.pk, actor=applicant,
                            upload=SimpleUploadedFile("毕业证书.jpg", image_bytes("jpeg", 900, 640)))
        for row in SECTIONS["achievement"].model._default_manager.filter(dossier=dossier)[:2]:
            evidence_attach(dossier=dossier, section="achievement", item_id=row.pk, actor=applicant,
                            upload=SimpleUploadedFile("论文.pdf", pdf_bytes(3)))
    when = dt.datetime.fromisoformat(INSIDE)
    dossier.state = DossierState.SUBMITTED
    Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.SUBMITTED, submitted_at=when,
                                                 state_changed_at=when, held_by=holder_organisation(dossier),
                                                 held_since=when)
    dossier.refresh_from_db()
    return dossier


def _height(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def test_a_ten_section_dossier_fits_in_2400_px_whichever_tab_is_open_and_evidence_opens_in_the_page(page, media):
    page.set_viewport_size({"width": 1366, "height": 900})
    with at(WINDOW_OPEN):
        tree = review_people()
        dossier = big_dossier(tree["applicant"], campaign_2024())
        assert SECTIONS["social_security"].model._default_manager.filter(dossier=dossier).count() == 24
        log_in_with_code(page, tree["unit_clerk"])
        page.goto(f"/dossiers/{dossier.pk}/")

        head = page.locator(".dossier-head")
        expect(head).to_contain_text(tree["applicant"].real_name)
        expect(head).to_contain_text(tree["unit"].name)
        expect(head).to_contain_text("已提交")
        expect(head).to_contain_text("当前办理")
        tabs = page.get_by_role("tab")
        assert tabs.count() == 1 + 11 + 2  # checklist, identity + ten sections, versions, history
        heights = {"资格条件": _height(page)}
        for i in range(1, tabs.count()):
            tab = tabs.nth(i)
            tab.click()
            expect(tab).to_have_attribute("aria-selected", "true")
            heights[tab.inner_text()] = _height(page)
        assert max(heights.values()) <= MAX_HEIGHT, heights

        page.get_by_role("tab", name="学历").click()
        page.locator("#tab-education").get_by_role("button", name="毕业证书.jpg").first.click()
        modal = page.locator("#evidence-modal")
        expect(modal).to_be_visible()
        expect(modal.get_by_role("link", name="毕业证书.jpg")).to_be_visible()
        assert modal.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        page.keyboard.press("Escape")
        expect(modal).to_be_hidden()
        assert_no_serious_violations(page, "the reviewer's dossier page")


def test_the_clerk_proposes_and_the_leader_confirms_with_the_keyboard_alone(page, media):
    page.set_viewport_size({"width": 1366, "height": 900})
    with at(WINDOW_OPEN):
        tree = review_people()
        dossier = submitted_dossier(tree["applicant"], campaign_2024())
        log_in_with_code(page, tree["unit_clerk"])
        page.goto(f"/dossiers/{dossier.pk}/")

        page.keyboard.press("d")  # the shortcut to the decision panel: focus on its first choice
        focused = page.evaluate("() => document.activeElement.closest('#review-panel') !== null")
        assert focused
        panel = page.locator("#review-panel")
        passed = panel.get_by_role("radio", name="审核通过")
        for _ in range(12):  # Tab (and the arrows inside the radio group) until 审核通过 has the focus
            if passed.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("ArrowDown")
        expect(passed).to_be_focused()
        page.keyboard.press("Space")
        expect(passed).to_be_checked()
        reason = panel.get_by_role("textbox", name="意见说明")
        for _ in range(10):
            page.keyboard.press("Tab")
            if reason.evaluate("el => el === document.activeElement"):
                break
        expect(reason).to_be_focused()
        page.keyboard.type("材料齐全")
        submit = panel.get_by_role("button", name="提出审核意见")
        for _ in range(40):
            page.keyboard.press("Tab")
            if submit.evaluate("el => el === document.activeElement"):
                break
        expect(submit).to_be_focused()
        page.keyboard.press("Enter")

        message = page.locator(".decision-side .panel-messages [role='status']")
        expect(message).to_be_visible()
        expect(message).to_be_in_viewport()
        decision = ReviewDecision.objects.get(dossier=dossier)
        assert decision.action == "pass" and decision.confirmed_at is None

        page.context.clear_cookies()
        log_in_with_code(page, tree["unit_leader"])
        page.goto(f"/dossiers/{dossier.pk}/")
        page.keyboard.press("d")
        confirm = page.locator("#review-panel").get_by_role("button", name="确认")
        for _ in range(10):
            if confirm.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("Tab")
        expect(confirm).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator(".decision-side .panel-messages")).to_be_in_viewport()
        dossier.refresh_from_db()
        assert dossier.state == DossierState.UNIT_PASSED


def test_n_and_p_walk_the_clerks_queue_and_stop_at_its_ends(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    with at(WINDOW_OPEN):
        tree = review_people()
        campaign = campaign_2024()
        first = submitted_dossier(tree["applicant"], campaign, submitted_at="2024-09-25T10:00:00+08:00")
        second = submitted_dossier(member(tree["unit"], Role.APPLICANT), campaign,
                                   submitted_at="2024-09-26T10:00:00+08:00")
        log_in_with_code(page, tree["unit_clerk"])
        page.goto(f"/dossiers/{first.pk}/")
        expect(page.get_by_role("navigation", name="我的审核队列")).to_contain_text("队列第 1 / 2 份")
        expect(page.locator("#queue-previous")).to_have_count(0)
        page.keyboard.press("n")
        expect(page).to_have_url(f"{page.url.split('/dossiers/')[0]}/dossiers/{second.pk}/")
        expect(page.locator("#queue-next")).to_have_count(0)
        page.keyboard.press("p")
        expect(page).to_have_url(f"{page.url.split('/dossiers/')[0]}/dossiers/{first.pk}/")
