"""The review chain's pages are reachable from the menu of the roles that use them, and the public list from log-in."""

from __future__ import annotations

from django.urls import reverse

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.web.menu import menu_entries_for


def _names(role, kind):
    return {entry.url_name for entry in menu_entries_for(role, kind)}


def test_unit_reviewers_find_publicity_and_objections():
    for role in (Role.REVIEW_CLERK, Role.REVIEW_LEADER):
        names = _names(role, OrganisationKind.UNIT)
        assert {"review:queue_for", "publicity:batches", "publicity:objections"} <= names


def test_department_and_applicant_do_not_see_unit_publicity():
    assert "publicity:batches" not in _names(Role.REVIEW_CLERK, OrganisationKind.DEPARTMENT)
    assert "publicity:batches" not in _names(Role.APPLICANT, OrganisationKind.UNIT)


def test_login_page_links_the_public_list(client, db):
    content = client.get(reverse("accounts:login")).content.decode()
    assert reverse("public_publicity:list") in content
