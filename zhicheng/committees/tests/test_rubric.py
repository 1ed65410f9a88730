"""The campaign's defence rubric: the office sets it before the meetings (page and API), scores validate against it,
the default stands until then; and the secretary's home shows only the actions its pages admit."""

from __future__ import annotations

import pytest
from django.test import Client

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError

from .. import rules, selectors, services
from ..models import DefenceCriterion, DefenceScore, MeetingStatus
from .factories import meeting_ready

RUBRIC = [rules.Criterion("专业水平", "Expertise", 50), rules.Criterion("答辩表现", "Defence", 50)]


def client_for(user, csrf: bool = True) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    login_verified(client, user)
    return client


def test_rubric_rules_at_their_boundaries():
    assert rules.rubric_problems(list(rules.DEFAULT_RUBRIC)) == []
    assert rules.rubric_problems([rules.Criterion("全部", "", 100)]) == []  # the ceiling itself is allowed
    assert rules.rubric_problems([rules.Criterion("全部", "", 101)])  # one over
    assert rules.rubric_problems([rules.Criterion("甲", "", 60), rules.Criterion("乙", "", 41)])  # 101 in total
    assert rules.rubric_problems([rules.Criterion("甲", "", 0)])  # a criterion worth nothing
    assert rules.rubric_problems([rules.Criterion("甲", "", 1)]) == []
    assert rules.rubric_problems([])
    assert rules.rubric_problems([rules.Criterion("甲", "", 10), rules.Criterion("甲", "", 10)])
    scores = {"专业水平": 50, "答辩表现": 0}
    assert rules.score_problems(RUBRIC, scores) == []  # 0 and the maximum are both allowed
    assert rules.score_problems(RUBRIC, {**scores, "专业水平": 51}) == [
        ("评分项“专业水平”的分数须在 0–50 之间", "“Expertise” is scored 0–50")]
    assert rules.score_problems(RUBRIC, {**scores, "答辩表现": -1})
    assert rules.score_problems(RUBRIC, {"专业水平": 50}) == [("请为评分项“答辩表现”评分", "Score “Defence”")]
    assert rules.score_problems(RUBRIC, {**scores, "外语": 5}) == [
        ("评分细则中没有评分项“外语”", "The rubric has no criterion “外语”")]


def test_the_default_rubric_stands_until_the_office_sets_the_campaigns(tree, campaign):
    assert selectors.defence_rubric(campaign.pk) == rules.DEFAULT_RUBRIC
    services.defence_rubric_set(actor=tree["office_staff"], campaign=campaign, criteria=RUBRIC)
    assert selectors.defence_rubric(campaign.pk) == tuple(RUBRIC)
    assert AuditEvent.objects.filter(event_type="campaign.rubric_set").count() == 1
    with pytest.raises(ApplicationError) as denied:
        services.defence_rubric_set(actor=tree["secretary"], campaign=campaign, criteria=RUBRIC[:1])
    assert denied.value.status == 403 and selectors.defence_rubric(campaign.pk) == tuple(RUBRIC)


def test_scores_follow_the_campaigns_rubric_and_it_is_fixed_once_a_meeting_starts(tree, campaign):
    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17)
    services.defence_rubric_set(actor=tree["office_staff"], campaign=campaign, criteria=RUBRIC)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    item = meeting.items.get()
    scorer = experts[1].user
    with pytest.raises(ApplicationError, match="0–50"):
        services.defence_score(actor=scorer, item=item, scores={"专业水平": 51, "答辩表现": 50})
    with pytest.raises(ApplicationError, match="请为评分项“答辩表现”评分"):
        services.defence_score(actor=scorer, item=item, scores={"专业水平": 50})
    with pytest.raises(ApplicationError, match="没有评分项“专业理论”"):  # the default's criterion is no longer asked
        services.defence_score(actor=scorer, item=item, scores={"专业理论": 20, "专业水平": 50, "答辩表现": 50})
    assert not DefenceScore.objects.exists()
    services.defence_score(actor=scorer, item=item, scores={"专业水平": 50, "答辩表现": 0})
    assert DefenceScore.objects.filter(item=item).count() == 2
    with pytest.raises(ApplicationError) as locked:
        services.defence_rubric_set(actor=tree["office_staff"], campaign=campaign, criteria=list(rules.DEFAULT_RUBRIC))
    assert locked.value.status == 409 and selectors.defence_rubric(campaign.pk) == tuple(RUBRIC)


def test_the_office_edits_the_rubric_on_the_campaign_page(tree, campaign):
    office = client_for(tree["office_staff"])
    assert "答辩评分细则" in office.get(f"/campaigns/{campaign.pk}/").content.decode()
    url = f"/committees/campaigns/{campaign.pk}/rubric/"
    page = office.get(url)
    assert page.status_code == 200 and 'value="专业理论"' in page.content.decode()
    token = office.cookies["csrftoken"].value
    assert office.post(url, {"name_1": "专业水平", "max_1": "50"}).status_code == 403  # no CSRF token
    too_much = office.post(url, {"csrfmiddlewaretoken": token, "name_1": "专业水平", "max_1": "60",
                                 "name_2": "答辩表现", "name_en_2": "Defence", "max_2": "50"})
    body = too_much.content.decode()
    assert too_much.status_code == 400 and "合计不能超过 100 分" in body and 'value="60"' in body  # typed kept
    assert not DefenceCriterion.objects.exists()
    saved = office.post(url, {"csrfmiddlewaretoken": token, "name_1": "专业水平", "name_en_1": "Expertise",
                              "max_1": "50", "name_2": "答辩表现", "name_en_2": "Defence", "max_2": "50"}, follow=True)
    assert "答辩评分细则已保存" in saved.content.decode()
    assert selectors.defence_rubric(campaign.pk) == tuple(RUBRIC)
    # not the office: neither the page nor the link
    secretary = client_for(tree["secretary"])
    assert secretary.get(url).status_code == 403
    assert f"/committees/campaigns/{campaign.pk}/rubric/" not in secretary.get(
        f"/campaigns/{campaign.pk}/").content.decode()


def test_the_rubric_api_reads_and_replaces_with_the_same_checks(tree, campaign):
    url = f"/api/v1/committees/campaigns/{campaign.pk}/rubric"
    office = client_for(tree["office_staff"], csrf=False)
    got = office.get(url).json()
    assert got["criteria"][0] == {"name": "专业理论", "name_en": "Professional theory", "max_points": 30}
    assert got["locked"] is False
    body = {"criteria": [c._asdict() for c in RUBRIC]}
    missing_max = office.put(url, {"criteria": [{"name": "专业水平", "name_en": "", "max_points": 0}]},
                             content_type="application/json")
    assert missing_max.status_code == 400 and not DefenceCriterion.objects.exists()
    assert client_for(tree["secretary"], csrf=False).put(url, body, content_type="application/json").status_code == 403
    put = office.put(url, body, content_type="application/json")
    assert put.status_code == 200 and [c["max_points"] for c in put.json()["criteria"]] == [50, 50]
    assert office.get("/api/v1/committees/campaigns/999999/rubric").status_code == 404


def test_the_expert_page_scores_on_the_campaigns_rubric(tree, campaign):
    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17)
    services.defence_rubric_set(actor=tree["office_staff"], campaign=campaign, criteria=RUBRIC)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    assert meeting.__class__.objects.get(pk=meeting.pk).status == MeetingStatus.IN_PROGRESS
    scorer = client_for(experts[1].user)
    my_url = f"/committees/my/{meeting.pk}/"
    body = scorer.get(my_url).content.decode()
    assert "专业水平（0–50）" in body and "专业理论" not in body
    token = scorer.cookies["csrftoken"].value
    item = meeting.items.get()
    left_empty = scorer.post(f"/committees/my/{meeting.pk}/score/",
                             {"csrfmiddlewaretoken": token, "item": item.pk, "score_1": "50"}, follow=True)
    assert "请为评分项“答辩表现”评分" in left_empty.content.decode() and not DefenceScore.objects.exists()


def test_the_secretary_home_shows_only_the_actions_its_pages_admit(tree):
    # someone signed in with no evaluation role: no button leading to a refusal
    outsider = client_for(tree["applicant"])
    home = outsider.get("/committees/").content.decode()
    for path in ("/committees/committees/new/", "/committees/pool/", "/committees/entrusted/"):
        assert path not in home
        assert outsider.get(path).status_code == 404 or path == "/committees/pool/"
    assert "/committees/pool/new/" not in outsider.get("/committees/pool/").content.decode()
    # the committee's secretary: every action, and each page opens
    secretary = client_for(tree["secretary"])
    home = secretary.get("/committees/").content.decode()
    for path in ("/committees/committees/new/", "/committees/pool/", "/committees/entrusted/"):
        assert path in home and secretary.get(path).status_code == 200
    assert "/committees/pool/new/" in secretary.get("/committees/pool/").content.decode()


def test_the_rubric_is_fixed_by_a_score_given_before_the_meeting_starts(tree, campaign):
    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17)
    assert meeting.status != MeetingStatus.IN_PROGRESS and not selectors.rubric_locked(campaign.pk)
    services.defence_score(actor=experts[1].user, item=meeting.items.get(),
                           scores={"专业理论": 30, "业绩成果": 40, "答辩表现": 30})
    assert selectors.rubric_locked(campaign.pk)
    with pytest.raises(ApplicationError) as locked:
        services.defence_rubric_set(actor=tree["office_staff"], campaign=campaign, criteria=RUBRIC)
    assert locked.value.status == 409 and selectors.defence_rubric(campaign.pk) == rules.DEFAULT_RUBRIC
