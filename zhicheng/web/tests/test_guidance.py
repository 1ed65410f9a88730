"""The applicant's guidance: for every state an applicant can see, the dashboard and the dossier page say what
happens next, by which real instant of the campaign, and what blocks it — in Chinese and in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.models import DossierState as S
from zhicheng.review.tests.factories import (
    at,
    campaign_2024,
    dossier_in_state,
    return_items,
    returned_dossier,
    review_people,
    signed,
)
from zhicheng.web import dates

from .helpers import login

pytestmark = pytest.mark.django_db

INSIDE = "2024-10-01T10:00:00+08:00"  # submission window open (09-10 … 10-10 24:00)
LATER = "2024-10-20T10:00:00+08:00"  # after the window: review, publicity, evaluation
RETURNED_AT = "2024-10-12T10:00:00+08:00"


@pytest.fixture
def tree(db):
    return review_people()


@pytest.fixture
def campaign(db):
    return campaign_2024()


def _dashboard(client, user, when: str = LATER, english: bool = False) -> str:
    login(client, user)
    if english:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with at(when):
        return client.get(reverse("web:dashboard")).content.decode()


def _guidance(html: str) -> str:
    """The guidance card alone, so a word elsewhere on the page cannot make a test pass."""
    assert 'id="guidance"' in html, "no guidance card on the page"
    return html.split('id="guidance"', 1)[1].split("</section>", 1)[0]


def _deadline(value: dt.datetime, english: bool = False) -> str:
    from django.utils import translation

    with translation.override("en" if english else "zh-hans"):
        return dates.format_datetime(value, deadline=True)


def _day_end(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


class TestDraft:
    def test_draft_is_told_to_finish_and_submit_by_the_close_never_to_wait_for_the_unit(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.DRAFT)
        card = _guidance(_dashboard(client, tree["applicant"], INSIDE))
        assert "等待单位审核" not in card and "等待" not in card
        assert "尚未签署诚信承诺书" in card
        assert "个人申报截止" in card and _deadline(campaign.submission_closes_at) in card

    def test_blocked_draft_names_the_block_and_the_submit_button_is_shut(self, client, tree, campaign):
        dossier = dossier_in_state(tree["applicant"], campaign, S.DRAFT)
        with at(INSIDE):
            signed(dossier, tree["applicant"])
        Dossier.objects.filter(pk=dossier.pk).update(eligibility_status="incomplete")
        login(client, tree["applicant"])
        with at(INSIDE):
            page = client.get(reverse("dossiers:mine")).content.decode()
        card = _guidance(page)
        assert "申报信息不完整" in card and "请提交本单位审核。" not in card
        assert reverse("dossiers:submit", args=[dossier.pk]) not in page  # no live submit beside a block
        assert "尚有 1 项未完成，完成后才能提交" in page

    def test_eligible_signed_draft_is_told_to_submit_and_the_button_is_there(self, client, tree, campaign):
        dossier = dossier_in_state(tree["applicant"], campaign, S.DRAFT)
        with at(INSIDE):
            signed(dossier, tree["applicant"])
        Dossier.objects.filter(pk=dossier.pk).update(eligibility_status="eligible")
        login(client, tree["applicant"])
        with at(INSIDE):
            page = client.get(reverse("dossiers:mine")).content.decode()
        card = _guidance(page)
        assert "申报条件符合，诚信承诺书已签署：请提交本单位审核" in card and "尚待完成" not in card
        assert reverse("dossiers:submit", args=[dossier.pk]) in page

    @pytest.mark.parametrize(("offset", "open_"), [(-1, True), (0, False)], ids=["last-second", "at-the-close"])
    def test_at_the_close_the_draft_can_no_longer_be_submitted(self, client, tree, campaign, offset, open_):
        dossier = dossier_in_state(tree["applicant"], campaign, S.DRAFT)
        with at(INSIDE):
            signed(dossier, tree["applicant"])
        Dossier.objects.filter(pk=dossier.pk).update(eligibility_status="eligible")
        when = (campaign.submission_closes_at + dt.timedelta(seconds=offset)).isoformat()
        login(client, tree["applicant"])
        with at(when):
            page = client.get(reverse("dossiers:mine")).content.decode()
        card = _guidance(page)
        assert ("请提交本单位审核" in card) is open_
        assert ("个人申报已截止" in card) is not open_
        assert (reverse("dossiers:submit", args=[dossier.pk]) in page) is open_

    def test_dashboard_names_each_blocking_condition_and_what_to_do(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.DRAFT)  # filled: a 2023 CE row, no certificate uploaded
        assert Dossier.objects.get(applicant=tree["applicant"]).eligibility_status == "incomplete"
        card = _guidance(_dashboard(client, tree["applicant"], INSIDE))
        assert "资格条件检查中未满足的条件" in card
        assert "继续教育：继续教育证书 — 在“继续教育”栏目上传" in card
        assert "R-CE" not in card and "continuing_education" not in card

    def test_before_the_window_says_when_it_opens(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.DRAFT)
        card = _guidance(_dashboard(client, tree["applicant"], "2024-09-01T10:00:00+08:00"))
        assert "个人申报尚未开始" in card and _deadline(campaign.submission_opens_at) in card

    def test_draft_in_english(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.DRAFT)
        card = _guidance(_dashboard(client, tree["applicant"], INSIDE, english=True))
        assert "The integrity pledge is not signed yet" in card and "Submission closes" in card
        assert _deadline(campaign.submission_closes_at, english=True) in card
        assert "诚信" not in card


class TestWithTheUnit:
    def test_submitted_waits_for_its_unit_until_the_recommendation_deadline(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.SUBMITTED)
        card = _guidance(_dashboard(client, tree["applicant"], INSIDE))
        assert "等待单位审核" in card and tree["unit"].name in card and "撤回" in card
        assert "单位审核推荐截止" in card and _deadline(campaign.unit_recommendation_deadline) in card

    @pytest.mark.parametrize("state", [S.UNIT_PASSED, S.IN_PUBLICITY, S.PUBLICITY_DONE])
    def test_unit_publicity_family_names_the_hand_over_deadline(self, client, tree, campaign, state):
        dossier_in_state(tree["applicant"], campaign, state)
        card = _guidance(_dashboard(client, tree["applicant"]))
        assert "公示" in card and "报送审核部门截止" in card and _deadline(campaign.department_deadline) in card

    def test_unit_publicity_in_english(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.IN_PUBLICITY)
        card = _guidance(_dashboard(client, tree["applicant"], english=True))
        assert "public notice" in card and _deadline(campaign.department_deadline, english=True) in card


class TestReturned:
    def test_dashboard_names_the_return_who_returned_it_the_items_and_the_deadline(self, client, tree, campaign):
        returned_dossier(tree, campaign, when=RETURNED_AT)
        html = _dashboard(client, tree["applicant"], RETURNED_AT)
        card = _guidance(html)
        assert "单位审核第 1 次退回" in card and tree["unit"].name in card
        assert "答复截止" in card
        request = Dossier.objects.get(applicant=tree["applicant"]).return_requests.get()
        assert _deadline(request.answer_deadline) in card
        for item in return_items():
            assert item["message"] in card
        assert "学历" in card  # the ticked section by its name
        assert reverse("review:returns", args=[request.dossier_id]) in card
        assert "等待单位审核" not in card

    def test_the_answer_waits_for_a_pledge_signed_after_the_return(self, client, tree, campaign):
        dossier = returned_dossier(tree, campaign, when=RETURNED_AT)
        assert "修改后须重新签署诚信承诺书，才能答复" in _guidance(_dashboard(client, tree["applicant"], RETURNED_AT))
        with at("2024-10-13T09:00:00+08:00"):
            signed(dossier, tree["applicant"])
        card = _guidance(_dashboard(client, tree["applicant"], "2024-10-13T09:05:00+08:00"))
        assert "修改后须重新签署诚信承诺书，才能答复" not in card and "答复截止" in card

    def test_returned_in_english(self, client, tree, campaign):
        returned_dossier(tree, campaign, when=RETURNED_AT)
        card = _guidance(_dashboard(client, tree["applicant"], RETURNED_AT, english=True))
        assert "return no. 1" in card and "Reply by" in card and "Returned by" in card
        assert "Education" in card  # the section's English name beside the request

    def test_returned_dashboard_reads_in_a_fixed_number_of_queries(self, client, tree, campaign,
                                                                   django_assert_max_num_queries):
        returned_dossier(tree, campaign, items=return_items(12), when=RETURNED_AT)
        login(client, tree["applicant"])
        # 18 measured with 3 items and with 12 (the items come with the return, not one query each; 20 before the
        # session's query read the user)
        with at(RETURNED_AT), django_assert_max_num_queries(20):
            assert client.get(reverse("web:dashboard")).status_code == 200


class TestDepartmentAndOffice:
    @pytest.mark.parametrize("state", [S.RECOMMENDED, S.DEPARTMENT_PASSED])
    def test_review_after_the_unit_names_the_supplement_cutoff(self, client, tree, campaign, state):
        dossier_in_state(tree["applicant"], campaign, state)
        card = _guidance(_dashboard(client, tree["applicant"]))
        assert "审核" in card and _deadline(campaign.supplement_cutoff) in card

    def test_department_return_goes_to_the_unit(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.DEPARTMENT_RETURNED)
        card = _guidance(_dashboard(client, tree["applicant"]))
        assert "退回" in card and tree["unit"].name in card and "补充资料截止" in card

    def test_department_in_english(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.RECOMMENDED)
        card = _guidance(_dashboard(client, tree["applicant"], english=True))
        assert "review department" in card and "Review and supplements close" in card


class TestEvaluationAndResults:
    @pytest.mark.parametrize("state", [S.OFFICE_ACCEPTED, S.SCHEDULED, S.IN_MEETING])
    def test_evaluation_names_the_meetings_deadline(self, client, tree, campaign, state):
        dossier_in_state(tree["applicant"], campaign, state)
        card = _guidance(_dashboard(client, tree["applicant"]))
        assert "评审" in card and _deadline(_day_end(campaign.meetings_by)) in card

    @pytest.mark.parametrize("state", [S.PASSED, S.IN_RESULT_PUBLICITY, S.RESULT_PUBLICITY_DONE])
    def test_results_name_the_issue_deadline(self, client, tree, campaign, state):
        dossier_in_state(tree["applicant"], campaign, state)
        card = _guidance(_dashboard(client, tree["applicant"]))
        assert "证书" in card and _deadline(_day_end(campaign.issue_by)) in card

    def test_conferred_points_to_the_certificate(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.CONFERRED)
        card = _guidance(_dashboard(client, tree["applicant"]))
        assert "我的证书" in card and "截止" not in card

    def test_results_in_english(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.IN_RESULT_PUBLICITY)
        card = _guidance(_dashboard(client, tree["applicant"], english=True))
        assert "title document" in card and _deadline(_day_end(campaign.issue_by), english=True) in card


class TestEnded:
    @pytest.mark.parametrize("state", [S.FAILED, S.NOT_ACCEPTED, S.NOT_RECOMMENDED, S.DEPARTMENT_REJECTED,
                                       S.OFFICE_REJECTED, S.RESULT_OBJECTION_UPHELD, S.WITHDRAWN])
    def test_an_ended_application_says_so_and_gives_no_deadline(self, client, tree, campaign, state):
        dossier_in_state(tree["applicant"], campaign, state)
        card = _guidance(_dashboard(client, tree["applicant"]))
        assert "本年度申报已结束" in card or "本年度不予确认资格" in card
        assert "截止" not in card and "等待" not in card

    def test_revoked(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.REVOKED)
        assert "职称资格已撤销" in _guidance(_dashboard(client, tree["applicant"]))

    def test_ended_in_english(self, client, tree, campaign):
        dossier_in_state(tree["applicant"], campaign, S.FAILED)
        card = _guidance(_dashboard(client, tree["applicant"], english=True))
        assert "this year's application has ended" in card.replace("&#x27;", "'")


def test_every_state_has_guidance_of_its_own():
    """No state falls through to its bare label: each one says what happens next."""
    from types import SimpleNamespace

    from zhicheng.dossiers.guidance import applicant_guidance

    campaign = SimpleNamespace(**{name: _day_end(dt.date(2024, 10, 1)) for name in (
        "submission_opens_at", "submission_closes_at", "unit_recommendation_deadline", "department_deadline",
        "entrusted_recommendation_deadline", "supplement_cutoff")},
        **{name: dt.date(2024, 11, 1) for name in ("meetings_by", "evaluation_complete_by", "issue_by")})
    organisation = SimpleNamespace(name="某单位")
    for state in S:
        dossier = SimpleNamespace(state=state, campaign=campaign, organisation=organisation, route="self",
                                  eligibility_status="eligible", get_state_display=lambda: "BARE")
        guidance = applicant_guidance(dossier, now=_day_end(dt.date(2024, 9, 1)))
        assert guidance.next_step and guidance.next_step != "BARE", state
