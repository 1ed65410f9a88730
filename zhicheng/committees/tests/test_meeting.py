"""Quorum, the two-thirds pass, recusal in the denominator, second votes, sealed results, the chair's signature."""

from __future__ import annotations

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import DossierState

from .. import services
from ..models import AgendaItem, Ballot, BallotParticipation, Conflict, ConflictSource, EvaluationResult, MeetingStatus
from .factories import meeting_ready

S = DossierState


def _vote_all(item, experts, yes: int) -> None:
    """The first `yes` voters say yes, the rest no."""
    voters = [e for e in experts if e.pk in services.voters_of(item)]
    for i, expert in enumerate(voters):
        services.vote_cast(actor=expert.user, item_id=item.pk, choice="yes" if i < yes else "no")


@pytest.mark.parametrize(("present", "met"), [(17, True), (16, False)])
def test_a_committee_of_25_needs_17_present(tree, campaign, present, met):
    meeting, _experts, dossiers = meeting_ready(tree, campaign, members=25, present=present)
    assert services.meeting_quorum(meeting) == (present, 25, met)
    if met:
        services.meeting_start(actor=tree["secretary"], meeting=meeting)
        dossiers[0].refresh_from_db()
        assert dossiers[0].state == S.IN_MEETING
    else:
        with pytest.raises(ApplicationError) as refused:
            services.meeting_start(actor=tree["secretary"], meeting=meeting)
        assert refused.value.code == "quorum_not_met" and "16" in refused.value.message_zh
        dossiers[0].refresh_from_db()
        assert dossiers[0].state == S.SCHEDULED
        item = meeting.items.get()
        with pytest.raises(ApplicationError, match="会议尚未开始"):
            services.ballot_open(actor=tree["secretary"], item=item)


def _run(tree, campaign, *, members, present, yes, recused=0):
    meeting, experts, dossiers = meeting_ready(tree, campaign, members=members, present=present)
    item = meeting.items.get()
    for expert in experts[1:1 + recused]:
        Conflict.objects.create(expert=expert, dossier=dossiers[0], source=ConflictSource.FLAGGED)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    services.ballot_open(actor=tree["secretary"], item=item)
    _vote_all(item, experts[:present], yes)
    item = services.ballot_close(actor=tree["secretary"], item=item)
    return meeting, experts, dossiers, item


@pytest.mark.parametrize(("yes", "passed"), [(12, True), (11, False)])
def test_17_attending_12_yes_passes_11_fails(tree, campaign, yes, passed):
    meeting, experts, dossiers, item = _run(tree, campaign, members=25, present=17, yes=yes)
    assert (item.eligible, item.yes, item.no, item.passed) == (17, yes, 17 - yes, passed)
    services.tally_sign(actor=experts[0].user, meeting=meeting)
    dossiers[0].refresh_from_db()
    assert dossiers[0].state == (S.PASSED if passed else S.FAILED)
    result = EvaluationResult.objects.get(dossier=dossiers[0])
    assert (result.passed, result.yes_votes, result.attending, result.route) == (passed, yes, 17, "self_run")


def test_19_attending_one_recused_12_yes_passes(tree, campaign):
    _meeting, _experts, _dossiers, item = _run(tree, campaign, members=25, present=19, yes=12, recused=1)
    assert item.eligible == 18 and item.yes == 12 and item.passed is True
    assert BallotParticipation.objects.filter(item=item).count() == 18


def test_a_second_vote_is_refused_and_audited(tree, campaign):
    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17)
    item = meeting.items.get()
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    services.ballot_open(actor=tree["secretary"], item=item)
    services.vote_cast(actor=experts[0].user, item_id=item.pk, choice="yes")
    with pytest.raises(ApplicationError) as refused:
        services.vote_cast(actor=experts[0].user, item_id=item.pk, choice="no")
    assert refused.value.code == "already_voted" and refused.value.status == 409
    assert Ballot.objects.filter(item=item).count() == 1
    assert AuditEvent.objects.filter(event_type="committee.vote_refused", actor=experts[0].user).count() == 1


def test_votes_refused_after_close_off_agenda_by_non_member_and_absent(tree, campaign):
    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17)
    item = meeting.items.get()
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    with pytest.raises(ApplicationError, match="投票尚未开始"):
        services.vote_cast(actor=experts[0].user, item_id=item.pk, choice="yes")
    services.ballot_open(actor=tree["secretary"], item=item)
    with pytest.raises(ApplicationError) as off_agenda:
        services.vote_cast(actor=experts[0].user, item_id=999999, choice="yes")
    assert off_agenda.value.status == 404
    with pytest.raises(ApplicationError) as non_member:
        services.vote_cast(actor=tree["secretary"], item_id=item.pk, choice="yes")
    assert non_member.value.status == 403
    with pytest.raises(ApplicationError) as absent:  # experts[17:] were not checked in
        services.vote_cast(actor=experts[20].user, item_id=item.pk, choice="yes")
    assert absent.value.status == 403
    services.ballot_close(actor=tree["secretary"], item=item)
    with pytest.raises(ApplicationError) as closed:
        services.vote_cast(actor=experts[1].user, item_id=item.pk, choice="yes")
    assert closed.value.code == "ballot_closed"
    assert AuditEvent.objects.filter(event_type="committee.vote_refused").count() == 5
    assert Ballot.objects.count() == 0


def test_results_are_invisible_before_the_close(tree, campaign, client):
    from ..selectors import item_totals

    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17)
    item = meeting.items.get()
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    services.ballot_open(actor=tree["secretary"], item=item)
    for expert in experts[:5]:
        services.vote_cast(actor=expert.user, item_id=item.pk, choice="yes")
    item.refresh_from_db()
    assert item.yes is None and item_totals(item) is None
    services.ballot_close(actor=tree["secretary"], item=item)
    item.refresh_from_db()
    assert item_totals(item) == {"eligible": 17, "yes": 5, "no": 0, "abstain": 0, "passed": False}


def test_only_the_chair_signs_and_only_when_every_ballot_is_closed(tree, campaign):
    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17, candidates=2)
    first, second = meeting.items.order_by("position")
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    services.ballot_open(actor=tree["secretary"], item=first)
    _vote_all(first, experts[:17], 12)
    services.ballot_close(actor=tree["secretary"], item=first)
    with pytest.raises(ApplicationError) as not_chair:
        services.tally_sign(actor=experts[1].user, meeting=meeting)
    assert not_chair.value.status == 403
    with pytest.raises(ApplicationError, match="未完成计票"):
        services.tally_sign(actor=experts[0].user, meeting=meeting)
    assert not EvaluationResult.objects.exists()
    services.ballot_open(actor=tree["secretary"], item=second)
    _vote_all(second, experts[:17], 3)
    services.ballot_close(actor=tree["secretary"], item=second)
    services.tally_sign(actor=experts[0].user, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SIGNED and meeting.tally_file_id and meeting.minutes_file_id
    assert sorted(EvaluationResult.objects.values_list("passed", flat=True)) == [False, True]


def test_revote_only_by_the_chairs_recorded_decision(tree, campaign):
    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17)
    item = meeting.items.get()
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    services.ballot_open(actor=tree["secretary"], item=item)
    _vote_all(item, experts[:17], 11)
    services.ballot_close(actor=tree["secretary"], item=item)
    with pytest.raises(ApplicationError):
        services.ballot_revote(actor=tree["secretary"], item=item, reason="计票有误")
    services.ballot_revote(actor=experts[0].user, item=item, reason="计票有误")
    item = AgendaItem.objects.get(pk=item.pk)
    assert item.ballot_state == "pending" and item.revotes == 1 and not Ballot.objects.filter(item=item).exists()
    assert item.revote_decisions.get().reason == "计票有误"
    services.ballot_open(actor=tree["secretary"], item=item)
    services.vote_cast(actor=experts[0].user, item_id=item.pk, choice="yes")  # voting again is allowed now


def test_closing_every_open_ballot_at_once_counts_each_candidate(tree, campaign):
    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17, candidates=3)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    items = list(meeting.items.order_by("position"))
    for item, yes in zip(items, (12, 11, 0), strict=True):
        services.ballot_open(actor=tree["secretary"], item=item)
        _vote_all(item, experts[:17], yes)
    assert services.meeting_ballots_close(actor=tree["secretary"], meeting=meeting) == 3
    totals = [(i.yes, i.no, i.passed) for i in meeting.items.order_by("position")]
    assert totals == [(12, 5, True), (11, 6, False), (0, 17, False)]


def test_defence_scores_and_review_panels(tree, campaign):
    meeting, experts, dossiers = meeting_ready(tree, campaign, members=25, present=17)
    item = meeting.items.get()
    rows = services.defence_score(actor=experts[1].user, item=item,
                                  scores={"专业理论": 25, "业绩成果": 40, "答辩表现": 30})
    assert sorted(r.score for r in rows) == [25, 30, 40]
    with pytest.raises(ApplicationError, match="0–30"):
        services.defence_score(actor=experts[1].user, item=item,
                               scores={"专业理论": 25, "业绩成果": 40, "答辩表现": 31})
    Conflict.objects.create(expert=experts[2], dossier=dossiers[0], source=ConflictSource.DECLARED)
    with pytest.raises(ApplicationError) as recused:
        services.defence_score(actor=experts[2].user, item=item, scores={"专业理论": 20})
    assert recused.value.status == 404
    with pytest.raises(ApplicationError, match="至少由 3 名"):
        services.panel_opinion_record(actor=tree["secretary"], item=item, panel_name="第一评议组",
                                      experts=experts[3:5], opinion="业绩突出")
    with pytest.raises(ApplicationError, match="须回避"):
        services.panel_opinion_record(actor=tree["secretary"], item=item, panel_name="第一评议组",
                                      experts=experts[2:5], opinion="业绩突出")
    opinion = services.panel_opinion_record(actor=tree["secretary"], item=item, panel_name="第一评议组",
                                            experts=experts[3:6], opinion="业绩突出，同意提交评委会表决")
    assert opinion.experts.count() == 3
    AgendaItem.objects.filter(pk=item.pk).update(defence_no_show=True)
    with pytest.raises(ApplicationError, match="未到场"):
        services.defence_score(actor=experts[1].user, item=item, scores={"专业理论": 20})


def test_the_sign_off_records_a_meeting_in_batches_with_the_same_history_and_an_intact_audit_chain(
        tree, campaign, django_assert_max_num_queries):
    """Three candidates (pass, fail, pass): each dossier gets its history row and audit event as a single step
    would give it, the chain verifies, and the sign-off's query count does not grow with the candidates."""
    from io import StringIO

    from django.core.management import call_command

    from zhicheng.dossiers.models import DossierStateChange

    meeting, experts, dossiers = meeting_ready(tree, campaign, members=25, present=17, candidates=3)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    for item, yes in zip(meeting.items.order_by("position"), (12, 11, 17), strict=True):
        services.ballot_open(actor=tree["secretary"], item=item)
        _vote_all(item, experts[:17], yes)
    services.meeting_ballots_close(actor=tree["secretary"], meeting=meeting)
    meeting.refresh_from_db()
    with django_assert_max_num_queries(55):  # about constant: 3 candidates or 200 (bench/ballot.py prints it)
        services.tally_sign(actor=experts[0].user, meeting=meeting)
    states = [d.state for d in (type(d).objects.get(pk=d.pk) for d in dossiers)]
    assert states == [S.PASSED, S.FAILED, S.PASSED]
    changes = DossierStateChange.objects.filter(dossier__in=dossiers, from_state=S.IN_MEETING).order_by("dossier_id")
    assert [(c.to_state, c.transition, c.actor_id) for c in changes] == [
        (S.PASSED, "meeting_pass", experts[0].user_id), (S.FAILED, "meeting_fail", experts[0].user_id),
        (S.PASSED, "meeting_pass", experts[0].user_id)]
    events = AuditEvent.objects.filter(event_type__in=["committee.dossier_passed", "committee.dossier_failed"])
    assert sorted(e.object_id for e in events) == sorted(str(d.pk) for d in dossiers)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "审计链完整" in out.getvalue()


def test_the_documents_are_drawn_after_the_sign_off_commits_and_archived_once(tree, campaign, settings,
                                                                                django_capture_on_commit_callbacks):
    """The signed result is recorded in the sign-off; the PDFs come after it commits (the page says "生成中" until
    then) and are never replaced once archived."""
    from django.test import Client

    from zhicheng.accounts.tests.factories import login_verified

    settings.ZHICHENG_COMMITTEE_DOCUMENTS_AFTER_COMMIT = True
    meeting, experts, dossiers = meeting_ready(tree, campaign, members=25, present=17)
    item = meeting.items.get()
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    services.ballot_open(actor=tree["secretary"], item=item)
    _vote_all(item, experts[:17], 12)
    services.ballot_close(actor=tree["secretary"], item=item)
    page = Client()
    login_verified(page, tree["secretary"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.tally_sign(actor=experts[0].user, meeting=meeting)
    meeting.refresh_from_db()
    # final and signed before any PDF exists: the result, the dossier's state, the signature
    assert meeting.status == MeetingStatus.SIGNED and meeting.signed_by == experts[0].user
    assert EvaluationResult.objects.get(dossier=dossiers[0]).passed
    assert meeting.tally_file_id is None and meeting.minutes_file_id is None and len(callbacks) == 1
    assert "生成中" in page.get(f"/committees/meetings/{meeting.pk}/").content.decode()
    assert page.get(f"/committees/meetings/{meeting.pk}/files/minutes/").status_code == 404
    callbacks[0]()  # the commit: the task (run at once by the test backend) draws and archives both
    meeting.refresh_from_db()
    archived = (meeting.tally_file_id, meeting.minutes_file_id)
    assert all(archived)
    body = page.get(f"/committees/meetings/{meeting.pk}/").content.decode()
    assert "生成中" not in body and "会议纪要" in body
    assert page.get(f"/committees/meetings/{meeting.pk}/files/minutes/").status_code == 200
    # a second run (a retried task) keeps the archived files
    assert services.meeting_documents_archive(meeting_id=meeting.pk) is False
    meeting.refresh_from_db()
    assert (meeting.tally_file_id, meeting.minutes_file_id) == archived


def test_the_secretarys_next_step_is_in_the_readers_language(tree, campaign):
    """The dashboard's "what comes next" for a meeting was a bare Chinese literal on the English page."""
    from django.utils import translation

    from ..selectors import secretary_work

    meeting, _experts, _dossiers = meeting_ready(tree, campaign)
    assert meeting.status == MeetingStatus.DRAWN
    with translation.override("en"):
        assert secretary_work(tree["secretary"])[0]["next"] == (
            "Experts check in; start the meeting once a quorum is present")
    with translation.override("zh-hans"):
        assert secretary_work(tree["secretary"])[0]["next"] == "专家签到，达到法定人数后开始会议"
