"""Issue 15's acceptance in a real browser at 1366×900: a returned applicant's dashboard names the return — who
returned it, what to change — and its answer deadline, on the first screen, with the way to answer it."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from zhicheng.review.tests.factories import at, campaign_2024, return_items, returned_dossier, review_people
from zhicheng.web import dates

from .helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)

RETURNED_AT = "2024-10-12T10:00:00+08:00"


def test_a_returned_applicants_dashboard_names_the_return_and_its_deadline(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    with at(RETURNED_AT):
        tree = review_people()
        dossier = returned_dossier(tree, campaign_2024(), when=RETURNED_AT)
        request = dossier.return_requests.get()
        with translation.override("zh-hans"):
            deadline = dates.format_datetime(request.answer_deadline, deadline=True)

        log_in(page, tree["applicant"])  # lands on the dashboard
        card = page.locator("#guidance")
        expect(card).to_be_in_viewport()
        expect(card).to_contain_text("单位审核第 1 次退回")
        expect(card).to_contain_text(tree["unit"].name)  # who returned it
        expect(card).to_contain_text(f"答复截止：{deadline}")
        for item in return_items():
            expect(card).to_contain_text(item["message"])
        expect(card).not_to_contain_text("等待单位审核")

        card.get_by_role("link", name="查看退回修改要求并答复").click()
        expect(page).to_have_url(re.compile(rf"/review/dossiers/{dossier.pk}/returns/$"))
