"""An applicant's bell shows the unread count once the unit returns the dossier; reading it clears the count."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zhicheng.review.tests.factories import at, campaign_2024, return_items, review_people, submitted_dossier

from .helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)
RETURN_DAY = "2024-10-12T10:00:00+08:00"


def test_the_bell_shows_the_unread_count_after_a_return(page):
    from zhicheng.review.services.decisions import decision_confirm, decision_propose

    with at(RETURN_DAY):
        tree = review_people()
        applicant = tree["applicant"]
        dossier = submitted_dossier(applicant, campaign_2024())
        log_in(page, applicant)
        bell = page.get_by_role("link", name="通知：0 条未读")
        expect(bell).to_be_visible()
        expect(page.locator(".bell-count")).to_have_count(0)

        decision = decision_propose(dossier=dossier, action="return", actor=tree["unit_clerk"], reason="材料不完整",
                                    data={"items": return_items()})
        page.reload()
        expect(page.locator(".bell-count")).to_have_count(0)  # a proposal is internal: the applicant hears nothing
        decision_confirm(decision=decision, actor=tree["unit_leader"])

        page.reload()
        expect(page.locator(".bell-count")).to_have_text("1")
        page.get_by_role("link", name="通知：1 条未读").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("我的通知")
        expect(page.get_by_role("main")).to_contain_text("您的申报材料被退回修改")
        page.get_by_role("button", name="标为已读", exact=True).click()
        expect(page.locator(".bell-count")).to_have_count(0)
        expect(page.get_by_role("link", name="通知：0 条未读")).to_be_visible()
