"""The dossier pages composed from the apps' panels, and the one error path for pages (ErrorPageMiddleware)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from zhicheng.core.errors import ApplicationError, NotFound, PermissionDenied
from zhicheng.core.middleware import ErrorPageMiddleware
from zhicheng.core.panels import Panel
from zhicheng.dossiers.models import DossierState
from zhicheng.eligibility.models import EligibilityCheck
from zhicheng.review.tests.factories import campaign_2024, dossier_in_state, review_people
from zhicheng.web import panels as web_panels

from .helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return review_people()


@pytest.fixture
def submitted(tree):
    return dossier_in_state(tree["applicant"], campaign_2024(), DossierState.SUBMITTED)


def _page(client, user, dossier) -> str:
    login(client, user)
    response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert response.status_code == 200
    return response.content.decode()


class TestComposedPage:
    def test_the_reviewer_sees_each_apps_panel_in_order(self, client, tree, submitted):
        """The reviewer's page: the checklist, each section and the history as tabs, the decision panel beside."""
        content = _page(client, tree["unit_clerk"], submitted)
        order = [content.find(marker) for marker in
                 ('id="eligibility-checklist"', 'id="tab-education"', 'id="timeline"', '<aside class="decision-side"',
                  'id="review-panel"')]
        assert -1 not in order and order == sorted(order)
        assert content.count('role="tab"') == 1 + 11 + 2  # the checklist, identity and ten sections, versions, history

    def test_the_applicant_sees_the_checklist_but_not_the_reviewers_history(self, client, tree, submitted):
        content = _page(client, tree["applicant"], submitted)
        assert 'id="eligibility-checklist"' in content and 'id="timeline"' not in content

    def test_a_panel_answering_none_is_left_out(self, submitted):
        shown = Panel("includes/message.html", {"message": "来自测试面板"})
        slots = {"beside": [lambda request, dossier: None, lambda request, dossier: shown], "after": []}
        rendered = web_panels.panels_render(RequestFactory().get("/"), submitted, slots)
        assert rendered["beside"].count("来自测试面板") == 1 and rendered["after"] == ""

    def test_dossier_templates_load_no_higher_apps_tags(self):
        """The dossier's templates show other apps only through the panels web composes."""
        folder = Path(settings.BASE_DIR) / "zhicheng" / "templates" / "dossiers"
        loaded = set()
        for template in folder.glob("*.html"):
            for names in re.findall(r"{%\s*load\s+([^%]+)%}", template.read_text(encoding="utf-8")):
                loaded.update(names.split())
        assert loaded <= {"i18n", "zc_format", "static"}


class TestErrorPath:
    def test_another_units_dossier_is_the_404_page(self, client, tree, submitted):
        login(client, tree["other_clerk"])
        response = client.get(reverse("dossiers:detail", args=[submitted.pk]))
        assert response.status_code == 404 and "页面不存在" in response.content.decode()

    def test_htmx_gets_the_message_alone_with_the_status(self, client, tree, submitted):
        login(client, tree["other_clerk"])
        response = client.get(reverse("eligibility:checklist", args=[submitted.pk]), HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 404 and "<!doctype" not in body.lower() and 'role="alert"' in body

    def test_an_opted_in_form_post_shows_the_refusal_above_its_page(self, client, tree, submitted):
        """Submitting twice: the service refuses, the applicant is sent back to the dossier with the message."""
        login(client, tree["applicant"])
        response = client.post(reverse("dossiers:submit", args=[submitted.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("dossiers:detail", args=[submitted.pk])
        assert "申报材料已提交，不能重复提交" in response.content.decode()


def _request(*, htmx: bool = False, method: str = "get"):
    request = getattr(RequestFactory(), method)("/x/", **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize(("exc", "status"), [
    (NotFound("not_found", "不存在", "Not found"), 404),
    (PermissionDenied("forbidden", "无权办理", "Not allowed"), 403),
    (ApplicationError("stale", "已被他人处理", "Already handled", status=409), 409),
])
def test_service_errors_leaving_a_page_become_their_status(exc, status):
    response = ErrorPageMiddleware(lambda r: None).process_exception(_request(), exc)
    assert response is not None and response.status_code == status


def test_a_refusal_on_a_page_that_did_not_opt_in_shows_its_message():
    response = ErrorPageMiddleware(lambda r: None).process_exception(
        _request(), ApplicationError("stale", "已被他人处理", "Already handled", status=409))
    assert "已被他人处理" in response.content.decode() and "stale" not in response.content.decode()


def test_htmx_refusal_is_the_partial_with_its_status():
    response = ErrorPageMiddleware(lambda r: None).process_exception(
        _request(htmx=True), ApplicationError("stale", "已被他人处理", "Already handled", status=409))
    body = response.content.decode()
    assert response.status_code == 409 and "已被他人处理" in body and "<html" not in body


def test_other_exceptions_are_left_to_django():
    assert ErrorPageMiddleware(lambda r: None).process_exception(_request(), ValueError("boom")) is None


class TestSummaryAfterTheFirstCheck:
    def test_the_summary_says_what_the_checklist_just_found(self, client, tree):
        """A dossier never checked: the checklist panel runs the check while the page renders, and the summary
        above it must not still say "未检查" beside the findings."""
        draft = dossier_in_state(tree["applicant"], campaign_2024(), DossierState.DRAFT)
        EligibilityCheck.objects.filter(dossier=draft).delete()  # as the live demo's fresh drafts: no check yet
        type(draft).objects.filter(pk=draft.pk).update(eligibility_status="not_checked")
        content = _page(client, tree["applicant"], draft)
        draft.refresh_from_db()
        assert draft.eligibility_status != "not_checked"  # the panel checked it during this request
        summary = content[content.find('<dl class="card">'):]
        summary = summary[:summary.find("</dl>")]
        assert "申报条件" in summary and "未检查" not in summary

    def test_a_dossier_already_checked_still_shows_its_status(self, client, tree):
        """The re-read happens only when the status moved; the second visit shows the stored status as it was."""
        draft = dossier_in_state(tree["applicant"], campaign_2024(), DossierState.DRAFT)
        _page(client, tree["applicant"], draft)  # the first visit checks
        content = _page(client, tree["applicant"], draft)
        assert "未检查" not in content
