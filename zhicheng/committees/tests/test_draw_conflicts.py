"""The draw (reproducible, level rule, short pool), conflicts (auto, declared; 404, no ballot, no notice), quotas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhicheng.campaigns.models import CampaignQuota
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import DossierState, WorkHistoryEntry
from zhicheng.dossiers.recusal import is_impartial
from zhicheng.notifications.recipients import recipients_allowed

from .. import services
from ..models import Ballot, Conflict, ConflictSource, EvaluationResult, MeetingMember, SeatStatus
from .factories import HELD_ON, candidate, committee_make, engineering, expert_make, meeting_ready

S = DossierState


def staff_client(user, *, csrf: bool = False) -> Client:
    """A logged-in staff client past the second factor."""
    from zhicheng.accounts.tests.factories import login_verified

    client = Client(enforce_csrf_checks=csrf)
    login_verified(client, user)
    return client


def test_the_draw_is_reproducible_from_its_seed_and_snapshot(tree, campaign):
    committee = committee_make(tree)
    for _ in range(30):
        expert_make(tree)
    meeting = services.meeting_create(actor=tree["secretary"], committee=committee, campaign=campaign, name="会",
                                      held_on=HELD_ON, size=25, alternates_per_member=0.2)
    draw = services.meeting_draw(actor=tree["secretary"], meeting=meeting)
    assert len(draw.seed) == 64 and len(draw.pool_snapshot) == 30 and len(draw.picked) == 30
    assert services.draw_verify(draw)
    again, _ex = services.draw_compute(seed=draw.seed, snapshot=draw.pool_snapshot, series_id=committee.series_id,
                                       reviewed_rank=committee.level.rank, on=HELD_ON, exclude_conflicted=False,
                                       wanted=30)
    assert again == draw.picked
    other, _ex = services.draw_compute(seed="0" * 64, snapshot=draw.pool_snapshot, series_id=committee.series_id,
                                       reviewed_rank=committee.level.rank, on=HELD_ON, exclude_conflicted=False,
                                       wanted=30)
    assert other != draw.picked  # another seed, another order
    draw.picked = list(reversed(draw.picked))
    assert not services.draw_verify(draw)  # a tampered record does not verify
    assert MeetingMember.objects.filter(meeting=meeting, status=SeatStatus.INVITED).count() == 25
    assert MeetingMember.objects.filter(meeting=meeting, status=SeatStatus.RESERVE).count() == 5


def test_an_expert_below_the_level_is_never_drawn_and_a_short_pool_says_why(tree, campaign):
    committee = committee_make(tree)
    seniors = [expert_make(tree) for _ in range(24)]
    juniors = [expert_make(tree, level="中级") for _ in range(6)]
    meeting = services.meeting_create(actor=tree["secretary"], committee=committee, campaign=campaign, name="会",
                                      held_on=HELD_ON, size=25, alternates_per_member=0)
    with pytest.raises(ApplicationError) as short:
        services.meeting_draw(actor=tree["secretary"], meeting=meeting)
    assert short.value.code == "draw_short"
    assert "还缺 1 人" in short.value.message_zh and "本人职称级别低于评审级别 6 人" in short.value.message_zh
    seniors.append(expert_make(tree))
    for seed in ("a" * 64, "b" * 64, "c" * 64):
        meeting.status = "planned"
        draw = services.draw_compute(seed=seed, snapshot=services._pool_snapshot(meeting),
                                     series_id=committee.series_id, reviewed_rank=committee.level.rank, on=HELD_ON,
                                     exclude_conflicted=False, wanted=100)
        assert set(draw[0]) == {e.pk for e in seniors}
        assert {x["expert"] for x in draw[1]} == {e.pk for e in juniors}
    draw = services.meeting_draw(actor=tree["secretary"], meeting=meeting)
    assert not set(draw.picked) & {e.pk for e in juniors}
    assert {e["reason"] for e in draw.exclusions} == {"本人职称级别低于评审级别"}


def test_zheng_gao_reviews_need_zheng_gao_experts(tree):
    from ..rules import may_review

    assert may_review(5, 5) and not may_review(4, 5)
    assert may_review(5, 4) and may_review(4, 4) and not may_review(3, 4)


def test_an_expert_from_the_candidates_unit_is_recused_404_and_no_ballot(tree, campaign):
    meeting, experts, dossiers = meeting_ready(tree, campaign, members=25, present=25,
                                               expert_units={3: tree["unit"]})
    conflicted, dossier = experts[[e.unit_id for e in experts].index(tree["unit"].pk)], dossiers[0]
    assert Conflict.objects.filter(expert=conflicted, dossier=dossier, source=ConflictSource.SAME_UNIT).exists()
    # the dossier: the expert's read-only page and the dossiers' own page both answer 404
    client = staff_client(conflicted.user)
    assert client.get(f"/committees/my/{meeting.pk}/candidates/{dossier.pk}/").status_code == 404
    assert client.get(f"/dossiers/{dossier.pk}/").status_code == 404
    page = client.get(f"/committees/my/{meeting.pk}/")
    assert page.status_code == 200 and dossier.applicant.real_name not in page.content.decode()
    assert client.get(f"/api/v1/committees/my/meetings/{meeting.pk}/candidates").json() == []
    # the draw orders them: the first expert with no conflict, not a fixed index (1 run in 25 picked the conflicted)
    bystander = next(e for e in experts if not Conflict.objects.filter(expert=e, dossier=dossier).exists())
    other = staff_client(bystander.user)
    assert other.get(f"/committees/my/{meeting.pk}/candidates/{dossier.pk}/").status_code == 200
    # the ballot: not counted, and a vote is refused as if the candidate were not there
    item = meeting.items.get()
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    services.ballot_open(actor=tree["secretary"], item=item)
    item.refresh_from_db()
    assert item.eligible == 24
    with pytest.raises(ApplicationError) as refused:
        services.vote_cast(actor=conflicted.user, item_id=item.pk, choice="yes")
    assert refused.value.status == 404 and Ballot.objects.count() == 0
    # notifications and every decision path
    assert recipients_allowed([conflicted.user, bystander.user], dossier, "committee.ballot_opened") == [
        bystander.user]
    assert not is_impartial(conflicted.user, dossier).allowed and is_impartial(bystander.user, dossier).allowed


def test_work_history_and_declared_relations_and_declared_conflicts(tree, campaign):
    meeting, experts, dossiers = meeting_ready(tree, campaign, members=25, present=25, candidates=1)
    dossier = dossiers[0]
    WorkHistoryEntry.objects.create(dossier=dossier, unit_name="兰州设计院", post="工程师",
                                    start=dt.date(2015, 1, 1), end=dt.date.today() - dt.timedelta(days=400))
    experts[4].unit_name = "兰州设计院"
    experts[4].save()
    from ..conflicts import conflicts_found

    assert [s for s, _n in conflicts_found(experts[4], dossier)] == [ConflictSource.WORK_HISTORY]
    services.relation_declare(actor=experts[6].user, kind="relative", person_id_number=dossier.applicant.id_number)
    assert Conflict.objects.filter(expert=experts[6], dossier=dossier, source=ConflictSource.RELATION).exists()
    client = staff_client(experts[7].user, csrf=True)
    page = client.get(f"/committees/my/{meeting.pk}/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    item = meeting.items.get()
    response = client.post(f"/committees/my/{meeting.pk}/declare/", {"item": item.pk, "note": "同学",
                                                                      "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Conflict.objects.filter(expert=experts[7], dossier=dossier, source=ConflictSource.DECLARED).exists()
    assert client.get(f"/committees/my/{meeting.pk}/candidates/{dossier.pk}/").status_code == 404


def test_the_quota_stops_the_extra_pass(tree, campaign):
    series, level = engineering()
    CampaignQuota.objects.update_or_create(campaign=campaign, series=series, level=level, defaults={"count": 1})
    meeting, experts, dossiers = meeting_ready(tree, campaign, members=25, present=17, candidates=2)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    for item in meeting.items.order_by("position"):
        services.ballot_open(actor=tree["secretary"], item=item)
        for expert in experts[:17]:
            services.vote_cast(actor=expert.user, item_id=item.pk, choice="yes")
        services.ballot_close(actor=tree["secretary"], item=item)
    with pytest.raises(ApplicationError) as over:
        services.tally_sign(actor=experts[0].user, meeting=meeting)
    assert over.value.code == "quota_exceeded" and "超出评审计划剩余名额 1 人" in over.value.message_zh
    assert not EvaluationResult.objects.exists()
    second = meeting.items.order_by("position").last()
    services.quota_resolve(actor=experts[0].user, item=second, reason="按得票和答辩成绩排序，名额已满")
    services.tally_sign(actor=experts[0].user, meeting=meeting)
    for dossier in dossiers:
        dossier.refresh_from_db()
    assert [d.state for d in dossiers] == [S.PASSED, S.FAILED]
    assert list(EvaluationResult.objects.order_by("dossier_id").values_list("passed", flat=True)) == [True, False]


def test_the_quota_guard_refuses_a_pass_beyond_the_plan(tree, campaign):
    from django.utils import timezone

    from zhicheng.dossiers.guards import GUARDS, GuardContext

    series, level = engineering()
    CampaignQuota.objects.update_or_create(campaign=campaign, series=series, level=level, defaults={"count": 1})
    first, second = candidate(tree, campaign), candidate(tree, campaign)
    EvaluationResult.objects.create(dossier=first, route="self_run", passed=True, committee_name="c",
                                    decided_on=HELD_ON)
    assert GUARDS["quota_available"](GuardContext(first, None, {}, timezone.now(), "passed")).allowed
    EvaluationResult.objects.create(dossier=second, route="self_run", passed=True, committee_name="c",
                                    decided_on=HELD_ON)
    assert not GUARDS["quota_available"](GuardContext(second, None, {}, timezone.now(), "passed")).allowed


def test_a_meeting_size_must_be_odd_and_at_least_the_minimum(tree, campaign):
    committee = committee_make(tree)
    for size, ok in ((24, False), (25, True), (23, False), (27, True)):
        if ok:
            services.meeting_create(actor=tree["secretary"], committee=committee, campaign=campaign, name="会",
                                    held_on=HELD_ON, size=size)
        else:
            with pytest.raises(ApplicationError):
                services.meeting_create(actor=tree["secretary"], committee=committee, campaign=campaign, name="会",
                                        held_on=HELD_ON, size=size)


def test_an_expert_term_longer_than_three_years_is_refused(tree):
    from zhicheng.accounts.models import Role
    from zhicheng.accounts.tests.factories import member

    series, level = engineering()
    user = member(tree["committee_org"], Role.EXPERT)
    with pytest.raises(ApplicationError, match="不得超过 3 年"):
        services.expert_save(actor=tree["office_staff"], office=tree["office"], user=user, series=series, level=level,
                             title="高级工程师", term_start=dt.date(2023, 1, 1), term_end=dt.date(2026, 1, 2))
    services.expert_save(actor=tree["office_staff"], office=tree["office"], user=user, series=series, level=level,
                         title="高级工程师", term_start=dt.date(2023, 1, 1), term_end=dt.date(2026, 1, 1))
