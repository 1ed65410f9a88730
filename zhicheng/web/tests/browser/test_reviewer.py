"""A unit's review clerk, past the second factor, reads the eligibility checklist of a submitted dossier."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zhicheng.review.tests.factories import at, campaign_2024, review_people, submitted_dossier

from .helpers import WINDOW_OPEN, log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_review_clerk_sees_the_eligibility_checklist_of_a_submitted_dossier(page):
    with at(WINDOW_OPEN):
        tree = review_people()
        dossier = submitted_dossier(tree["applicant"], campaign_2024())
        clerk = tree["unit_clerk"]

        log_in_with_code(page, clerk)
        page.goto(f"/dossiers/{dossier.pk}/")

        expect(page.get_by_role("heading", level=1)).to_contain_text(tree["applicant"].real_name)
        expect(page.get_by_role("tab", name="资格条件")).to_have_attribute("aria-selected", "true")
        checklist = page.locator("#eligibility-checklist")
        expect(checklist.get_by_role("heading", level=2)).to_contain_text("资格条件检查")
        findings = checklist.locator("tbody tr")
        expect(findings.first).to_be_visible()
        expect(checklist).not_to_contain_text("暂无检查结果")
        expect(checklist.get_by_role("button", name="认定为符合").first).to_be_visible()
