"""The reviewer's dossier page keeps its sections' tabs, the return's rows to tick and the versions in the cache
(issue 11's query budget): a clerk must never see stale content. After a return, the applicant's edit and the new
version, the next view shows the new content; other organisations still get a 404."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.dossiers import services
from zhicheng.dossiers.sections import SECTIONS

from .factories import at, decided, fill, return_items, signed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_eligibility_gate")]


def _submitted(tree, campaign):
    from zhicheng.dossiers.tests.factories import dossier_for

    with at("2024-10-01T10:00:00+08:00"):
        dossier = dossier_for(tree["applicant"], campaign)
        fill(dossier, tree["applicant"])
        signed(dossier, tree["applicant"])
        return services.dossier_submit(dossier=dossier, actor=tree["applicant"])


def _page(user, dossier) -> str:
    """The dossier's page as `user` sees it, signed in at the test clock's instant."""
    client = Client()
    login_verified(client, user)
    response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_after_a_return_an_edit_and_a_new_version_the_clerk_sees_the_new_content(tree, campaign):
    dossier = _submitted(tree, campaign)
    clerk = tree["unit_clerk"]
    with at("2024-10-01T11:00:00+08:00"):
        first = _page(clerk, dossier)
        again = _page(clerk, dossier)  # from the cache: the same page, the CSRF token aside
        assert _without_csrf(again) == _without_csrf(first)
    assert "改过的学校" not in first and "第 2 版" not in first
    with at("2024-10-01T12:00:00+08:00"):
        dossier = decided(dossier, "return", clerk=tree["unit_clerk"], leader=tree["unit_leader"],
                          reason="材料不完整", data={"items": return_items()})
        assert "退回修改" in _page(clerk, dossier)
    item = SECTIONS["education"].model.objects.get(dossier=dossier)
    with at("2024-10-01T13:00:00+08:00"):
        services.section_item_update(dossier=dossier, actor=tree["applicant"], section="education",
                                     item_id=item.pk, data={"school": "改过的学校"})
        signed(dossier, tree["applicant"])
        services.dossier_submit(dossier=dossier, actor=tree["applicant"])
    with at("2024-10-01T14:00:00+08:00"):
        page = _page(clerk, dossier)
    tab = page[page.index('id="tab-education"'):page.index('id="tab-work_history"')]
    assert "改过的学校" in tab  # the education tab
    assert 'id="tab-versions"' in page and page.count("与第 1 版比较") == 1  # the second version is listed
    editor = page[page.index('id="return-editor"'):]
    assert "改过的学校" in editor[:editor.index("</fieldset>")]  # the row to tick is named by its new content


def _without_csrf(page: str) -> str:
    """The page with its CSRF tokens (masked anew on each rendering) blanked."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', page)
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken"', page)


def test_the_cached_page_still_checks_who_may_open_it(tree, campaign):
    """The tabs come from the cache, the permission from the dossier's row: another unit's clerk gets a 404, the
    department's clerk (above the unit) the page."""
    dossier = _submitted(tree, campaign)
    with at("2024-10-01T11:00:00+08:00"):
        _page(tree["unit_clerk"], dossier)  # the tabs are cached now
        other = Client()
        login_verified(other, tree["other_clerk"])
        assert other.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 404
        assert other.get(reverse("review:timeline", args=[dossier.pk]), HTTP_HX_REQUEST="true").status_code == 404
        assert 'id="tab-education"' in _page(tree["department_clerk"], dossier)
