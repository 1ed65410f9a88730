"""The applicant's submission with the keyboard alone: Tab reaches the submit button on 我的申报, Enter submits, the
confirmation is announced in view. (The clerk's decision by keyboard is in test_workbench.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zhicheng.dossiers.guards import guard_overridden
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.tests.factories import dossier_for, fill, signed
from zhicheng.review.tests.factories import INSIDE, at, campaign_2024, review_people

from .axe import assert_no_serious_violations
from .helpers import WINDOW_OPEN, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_applicant_submits_with_the_keyboard_alone(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    with at(WINDOW_OPEN), guard_overridden("eligibility_clear"):  # this test is about the keyboard, not the rules
        tree = review_people()
        applicant = tree["applicant"]
        with at(INSIDE):
            dossier = dossier_for(applicant, campaign_2024())
            fill(dossier, applicant)
            signed(dossier, applicant)
        # the rules are set aside for the submission, so for the page too: the button is shut while a check blocks
        Dossier.objects.filter(pk=dossier.pk).update(eligibility_status="eligible")
        log_in(page, applicant)
        page.goto("/dossiers/mine/")
        assert_no_serious_violations(page, "我的申报")
        submit = page.locator("form[action$='/submit/'] button[type='submit']")
        expect(submit).to_have_count(1)
        for _ in range(80):  # from the top of the page, through the menu and the page, as a keyboard user would
            page.keyboard.press("Tab")
            if submit.evaluate("el => el === document.activeElement"):
                break
        expect(submit).to_be_focused()
        page.keyboard.press("Enter")
        announced = page.get_by_role("status").filter(has_text="申报材料已提交")
        expect(announced).to_be_visible()
        expect(announced).to_be_in_viewport()
        dossier.refresh_from_db()
        assert dossier.state == DossierState.SUBMITTED
