"""An expert, past the second factor, votes on a phone-sized screen; the candidate they must recuse from is absent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zhicheng.committees import services
from zhicheng.committees.models import Ballot, BallotParticipation
from zhicheng.committees.tests.factories import evaluation_people, meeting_ready
from zhicheng.review.tests.factories import campaign_2024, review_people

from .helpers import log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_expert_votes_on_a_phone_and_never_sees_the_conflicted_candidate(page):
    tree = evaluation_people(review_people())
    campaign = campaign_2024()
    meeting, experts, (mine, theirs) = meeting_ready(
        tree, campaign, members=25, present=25, candidate_units=[tree["unit"], tree["other_unit"]],
        expert_units={7: tree["other_unit"]})
    expert = next(e for e in experts if e.unit_id == tree["other_unit"].pk)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    for item in meeting.items.all():
        services.ballot_open(actor=tree["secretary"], item=item)

    page.set_viewport_size({"width": 375, "height": 740})
    log_in_with_code(page, expert.user)
    expect(page.get_by_role("main")).to_contain_text("1 名候选人待您投票")
    page.get_by_role("link", name=meeting.name).first.click()
    main = page.get_by_role("main")
    expect(main).to_contain_text(mine.applicant.real_name)
    expect(main).not_to_contain_text(theirs.applicant.real_name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scrolling
    vote = main.get_by_role("button", name="同意", exact=True)
    box = vote.bounding_box()
    assert box is not None and box["height"] >= 40  # a thumb-sized button
    vote.click()
    expect(page.get_by_role("main")).to_contain_text("已投票")
    expect(page.get_by_role("main").get_by_role("button", name="同意", exact=True)).to_have_count(0)
    # the recused expert's own dossier link answers 404
    response = page.goto(f"/committees/my/{meeting.pk}/candidates/{theirs.pk}/")
    assert response is not None and response.status == 404
    mine_item = meeting.items.get(dossier=mine)
    assert BallotParticipation.objects.filter(item=mine_item, expert=expert).count() == 1
    assert Ballot.objects.filter(item=mine_item).count() == 1
    assert not BallotParticipation.objects.filter(item__dossier=theirs).exists()
