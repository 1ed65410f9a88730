"""An expert on a phone-sized screen scores a candidate's defence on the campaign's rubric and sees it saved; the
candidate they are recused from is absent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zhicheng.committees import rules, services
from zhicheng.committees.models import DefenceScore
from zhicheng.committees.tests.factories import evaluation_people, meeting_ready
from zhicheng.review.tests.factories import campaign_2024, review_people

from .helpers import log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_expert_scores_a_defence_on_a_phone(page):
    tree = evaluation_people(review_people())
    campaign = campaign_2024()
    services.defence_rubric_set(actor=tree["office_staff"], campaign=campaign, criteria=[
        rules.Criterion("专业水平", "Expertise", 60), rules.Criterion("答辩表现", "Defence", 40)])
    meeting, experts, (mine, theirs) = meeting_ready(
        tree, campaign, members=25, present=25, candidate_units=[tree["unit"], tree["other_unit"]],
        expert_units={7: tree["other_unit"]})
    expert = next(e for e in experts if e.unit_id == tree["other_unit"].pk)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)

    page.set_viewport_size({"width": 375, "height": 740})
    log_in_with_code(page, expert.user)
    page.goto(f"/committees/my/{meeting.pk}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text(mine.applicant.real_name)
    expect(main).not_to_contain_text(theirs.applicant.real_name)  # recused: not on this expert's page at all
    main.get_by_text("答辩评分").first.click()
    first = main.get_by_label("专业水平（0–60）")
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375  # the field fits the phone's width
    first.fill("55")
    main.get_by_label("答辩表现（0–40）").fill("38")
    main.get_by_role("button", name="保存评分").click()
    expect(page.get_by_text("答辩评分已保存")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("已评 93 分")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scrolling
    assert sorted(DefenceScore.objects.filter(expert=expert, item__dossier=mine).values_list("score", flat=True)) == [
        38, 55]
    assert not DefenceScore.objects.filter(item__dossier=theirs).exists()
