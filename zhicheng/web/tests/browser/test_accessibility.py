"""axe-core (vendored) on the main page of each role: no serious or critical WCAG 2.1 A/AA violation, in Chinese
and, for the dashboards, in English too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import OrganisationFactory, member
from zhicheng.review.tests.factories import at, campaign_2024, review_people, submitted_dossier

from .axe import assert_no_serious_violations, axe_violations
from .helpers import WINDOW_OPEN, log_in, log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True)

# role key -> the pages that are that role's daily work
MAIN_PAGES = {
    "applicant": ["/", "/dossiers/mine/"],
    "unit_clerk": ["/", "/review/queue/"],
    "unit_leader": ["/"],
    "unit_admin": ["/"],
    "department_clerk": ["/", "/review/queue/"],
    "office_staff": ["/", "/review/queue/"],
    "committee_secretary": ["/"],
    "expert": ["/"],
    "system_admin": ["/"],
    "security_admin": ["/"],
}


def _user(tree, key):
    if key in tree:
        return tree[key]
    if key in ("committee_secretary", "expert"):
        committee = OrganisationFactory(kind=OrganisationKind.COMMITTEE, parent=tree["office"], credit_code=None,
                                        unit_type="")
        return member(committee, Role(key))
    return member(tree["office"], Role(key))


@pytest.mark.parametrize("key", list(MAIN_PAGES))
def test_the_main_pages_of_each_role_have_no_serious_violation(page, key):
    page.set_viewport_size({"width": 1366, "height": 900})
    with at(WINDOW_OPEN):
        tree = review_people()
        submitted_dossier(member(tree["unit"], Role.APPLICANT), campaign_2024())
        user = _user(tree, key)
        (log_in if key == "applicant" else log_in_with_code)(page, user)
        for path in MAIN_PAGES[key]:
            page.goto(path)
            expect(page.get_by_role("main")).to_be_visible()
            assert_no_serious_violations(page, f"{key} {path}")
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto("/")
        assert_no_serious_violations(page, f"{key} / (English)")


def test_the_audit_does_find_a_critical_violation_when_there_is_one(page):
    """The harness is not vacuous: an image without a text alternative and an unlabelled field are reported."""
    page.set_content('<html lang="zh-Hans"><head><title>t</title></head><body><main>'
                     '<img src="data:,"><input type="text"></main></body></html>')
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= found
