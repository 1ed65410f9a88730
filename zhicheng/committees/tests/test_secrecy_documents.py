"""The ballot cannot be linked to an expert; documents read back; entrusted route; who may see what (404s)."""

from __future__ import annotations

import json
import subprocess

import pytest
from django.core.files.storage import default_storage
from django.db import models
from django.test import Client

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import OrganisationFactory, login_verified, member
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import DossierState

from .. import services
from ..models import Ballot, BallotParticipation, EvaluationResult
from .factories import candidate, meeting_ready

S = DossierState


def client_for(user, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    login_verified(client, user)
    return client


def _pdf_text(stored) -> str:
    with default_storage.open(stored.name, "rb") as fh:
        data = fh.read()
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def _voted_meeting(tree, campaign, yes: int = 12):
    meeting, experts, dossiers = meeting_ready(tree, campaign, members=25, present=17)
    item = meeting.items.get()
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    services.ballot_open(actor=tree["secretary"], item=item)
    for i, expert in enumerate(experts[:17]):
        services.vote_cast(actor=expert.user, item_id=item.pk, choice="yes" if i < yes else "no")
    return meeting, experts, dossiers, item


def test_a_ballot_row_names_nobody_and_carries_no_time():
    ballot_fields = {f.name: f for f in Ballot._meta.get_fields()}
    assert set(ballot_fields) == {"id", "item", "choice"}
    assert not any(isinstance(f, models.DateTimeField | models.DateField) for f in ballot_fields.values())
    assert isinstance(ballot_fields["id"], models.UUIDField)
    participation = {f.name for f in BallotParticipation._meta.get_fields()}
    assert participation == {"id", "item", "expert"}  # no choice, no time


def test_no_query_as_secretary_or_admin_links_a_ballot_to_an_expert(tree, campaign):
    meeting, _experts, _dossiers, item = _voted_meeting(tree, campaign, yes=12)
    auditor = member(OrganisationFactory(name="省平台", kind=OrganisationKind.PROVINCE, parent=None, credit_code=None,
                                         unit_type=""), Role.AUDIT_ADMIN)
    secretary = client_for(tree["secretary"])
    bodies = [secretary.get(f"/api/v1/committees/meetings/{meeting.pk}").content.decode(),
              secretary.get(f"/api/v1/committees/meetings/{meeting.pk}/draw").content.decode(),
              secretary.get(f"/committees/meetings/{meeting.pk}/").content.decode()]
    detail = json.loads(bodies[0])
    assert detail["items"][0]["totals"] is None and detail["items"][0]["voted"] == 17  # sealed: a count only
    assert all("choice" not in json.dumps(seat) for seat in detail["seats"])
    audit = client_for(auditor)
    events = audit.get("/api/v1/audit/events?event_type=committee.vote_cast&page_size=100")
    assert events.status_code == 200
    bodies.append(events.content.decode())
    for event in AuditEvent.objects.filter(event_type="committee.vote_cast"):
        assert set(event.data) == {"item"}  # who voted on which candidate, never how
    for body in bodies:
        assert '"yes"' not in body and "同意 12" not in body
    # the discipline observer, who may read every dossier, has no page or endpoint for ballots either
    observer = client_for(tree["observer"])
    assert observer.get(f"/api/v1/committees/meetings/{meeting.pk}").status_code == 404
    assert observer.get(f"/committees/meetings/{meeting.pk}/").status_code == 404
    # the ballots themselves: 17 rows whose key order is not the order of the votes
    assert Ballot.objects.filter(item=item).count() == 17


def test_tally_sheet_and_minutes_read_back_in_chinese(tree, campaign):
    meeting, experts, dossiers, item = _voted_meeting(tree, campaign, yes=12)
    services.ballot_close(actor=tree["secretary"], item=item)
    services.tally_sign(actor=experts[0].user, meeting=meeting)
    meeting.refresh_from_db()
    tally = _pdf_text(meeting.tally_file)
    assert "计票单" in tally and dossiers[0].applicant.real_name in tally and "通过" in tally
    minutes = _pdf_text(meeting.minutes_file)
    assert "会议纪要" in minutes and "出席委员 17 人" in minutes and "同意 12" in minutes
    secretary = client_for(tree["secretary"])
    response = secretary.get(f"/committees/meetings/{meeting.pk}/files/tally/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_entrusted_route_letter_dispatch_and_recorded_result(tree, campaign):
    dossier = candidate(tree, campaign, route="entrusted", level="正高级")
    office = client_for(tree["office_staff"], csrf=True)
    office.get("/committees/entrusted/")
    token = office.cookies["csrftoken"].value
    assert office.post(f"/committees/entrusted/{dossier.pk}/dispatch/", {"csrfmiddlewaretoken": token}
                       ).status_code == 302  # refused, flashed: nothing prepared yet
    dossier.refresh_from_db()
    assert dossier.state == S.OFFICE_ACCEPTED
    response = office.post(f"/committees/entrusted/{dossier.pk}/prepare/",
                           {"committee": "甘肃省工程系列正高级职称评审委员会", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    entrustment = dossier.entrustment
    assert "职称评审委托函" in _pdf_text(entrustment.letter_file)
    assert "甘肃省工程系列正高级职称评审委员会" in _pdf_text(entrustment.letter_file)
    import io
    import zipfile

    with default_storage.open(entrustment.package_file.name, "rb") as fh:
        names = zipfile.ZipFile(io.BytesIO(fh.read())).namelist()
    assert "申报材料.pdf" in names and "data.json" in names
    api = client_for(tree["office_staff"])
    assert api.post(f"/api/v1/committees/entrusted/{dossier.pk}/dispatch", {"reference": "EMS123"},
                    content_type="application/json").status_code == 200
    dossier.refresh_from_db()
    assert dossier.state == S.ENTRUSTED_SENT
    result = api.post(f"/api/v1/committees/entrusted/{dossier.pk}/result",
                      {"passed": True, "committee_name": "甘肃省工程系列正高级职称评审委员会",
                       "document_number": "甘职改〔2024〕88号", "decided_on": "2024-12-01"},
                      content_type="application/json")
    assert result.status_code == 201, result.content
    dossier.refresh_from_db()
    assert dossier.state == S.PASSED
    recorded = EvaluationResult.objects.get(dossier=dossier)
    assert (recorded.route, recorded.passed, recorded.document_number) == ("entrusted", True, "甘职改〔2024〕88号")


def test_a_self_run_dossier_is_not_entrusted_and_another_office_sees_nothing(tree, campaign):
    dossier = candidate(tree, campaign, route="self")
    with pytest.raises(ApplicationError, match="委托评审"):
        services.entrustment_prepare(actor=tree["office_staff"], dossier=dossier, receiving_committee="省评委会")
    other_office = OrganisationFactory(name="另一职改办", kind=OrganisationKind.OFFICE, parent=None, credit_code=None,
                                       unit_type="")
    stranger = client_for(member(other_office, Role.OFFICE_STAFF))
    entrusted = candidate(tree, campaign, route="entrusted")
    assert stranger.post(f"/api/v1/committees/entrusted/{entrusted.pk}/prepare", {"receiving_committee": "x"},
                         content_type="application/json").status_code == 404


def test_another_committees_secretary_and_a_non_member_get_404(tree, campaign):
    meeting, _experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17)
    other_org = OrganisationFactory(name="新区卫生系列评审委员会", kind=OrganisationKind.COMMITTEE,
                                    parent=tree["office"], credit_code=None, unit_type="")
    stranger = client_for(member(other_org, Role.COMMITTEE_SECRETARY))
    assert stranger.get(f"/committees/meetings/{meeting.pk}/").status_code == 404
    assert stranger.get(f"/api/v1/committees/meetings/{meeting.pk}").status_code == 404
    assert stranger.post(f"/api/v1/committees/meetings/{meeting.pk}/start").status_code == 404
    outsider = client_for(member(tree["committee_org"], Role.EXPERT))
    assert outsider.get(f"/committees/my/{meeting.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/committees/my/meetings/{meeting.pk}/candidates").status_code == 404


def test_vote_through_the_page_with_csrf_and_through_the_api(tree, campaign, django_assert_max_num_queries):
    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17, candidates=3)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    first, second, _third = meeting.items.order_by("position")
    services.ballot_open(actor=tree["secretary"], item=first)
    services.ballot_open(actor=tree["secretary"], item=second)
    page = client_for(experts[2].user, csrf=True)
    with django_assert_max_num_queries(28):  # −2: the session's query reads the user and device
        body = page.get(f"/committees/my/{meeting.pk}/")
    assert body.status_code == 200 and "同意" in body.content.decode()
    token = page.cookies["csrftoken"].value
    assert page.post(f"/committees/my/{meeting.pk}/vote/", {"item": first.pk, "choice": "yes"}).status_code == 403
    assert page.post(f"/committees/my/{meeting.pk}/vote/", {"item": first.pk, "choice": "yes",
                                                           "csrfmiddlewaretoken": token}).status_code == 302
    again = page.post(f"/committees/my/{meeting.pk}/vote/", {"item": first.pk, "choice": "no",
                                                            "csrfmiddlewaretoken": token}, follow=True)
    assert "不能重复投票" in again.content.decode()
    api = client_for(experts[3].user)
    assert api.post(f"/api/v1/committees/items/{second.pk}/vote", {"choice": "no"},
                    content_type="application/json").status_code == 204
    repeat = api.post(f"/api/v1/committees/items/{second.pk}/vote", {"choice": "no"},
                      content_type="application/json")
    assert repeat.status_code == 409 and repeat.json()["code"] == "already_voted"
    assert api.post(f"/api/v1/committees/items/{second.pk}/vote", {"choice": "maybe"},
                    content_type="application/json").status_code == 400
    assert Ballot.objects.filter(item=first).count() == 1 and Ballot.objects.filter(item=second).count() == 1
    with django_assert_max_num_queries(48):  # the shell (session with user and second factor, menu) included
        assert client_for(tree["secretary"]).get(f"/committees/meetings/{meeting.pk}/").status_code == 200



def test_the_experts_ballot_suggests_no_answer_and_dates_read_in_english(tree, campaign):
    """The expert's page: the three choices look alike (同意 was the one highlighted button), and the meeting's
    date follows the reader's language like every other date (English showed Django's "Dec. 10, 2024")."""
    import re

    meeting, experts, _dossiers = meeting_ready(tree, campaign, members=25, present=17)
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    services.ballot_open(actor=tree["secretary"], item=meeting.items.get())
    page = client_for(experts[2].user)
    body = page.get(f"/committees/my/{meeting.pk}/").content.decode()
    vote = body[body.index('class="vote"'):]
    classes = re.findall(r'<button class="([^"]+)" name="choice"', vote[:vote.index("</form>")])
    assert len(classes) == 3 and len(set(classes)) == 1
    assert "2024年12月10日" in body
    page.cookies["django_language"] = "en"
    english = page.get(f"/committees/my/{meeting.pk}/").content.decode()
    assert "10 Dec 2024" in english and "Dec. 10, 2024" not in english

def test_secretary_api_runs_a_meeting(tree, campaign):
    meeting, _experts, _dossiers = meeting_ready(tree, campaign, members=25, present=16)
    api = client_for(tree["secretary"])
    refused = api.post(f"/api/v1/committees/meetings/{meeting.pk}/start")
    assert refused.status_code == 409 and refused.json()["code"] == "quorum_not_met"
    seat = meeting.members.filter(present=False).first()
    assert api.post(f"/api/v1/committees/meetings/{meeting.pk}/attendance", {"expert_id": seat.expert_id},
                    content_type="application/json").status_code == 200
    started = api.post(f"/api/v1/committees/meetings/{meeting.pk}/start")
    assert started.status_code == 200 and started.json()["quorum_met"] is True
    item = meeting.items.get()
    assert api.post(f"/api/v1/committees/items/{item.pk}/open").json()["ballot_state"] == "open"
    closed = api.post(f"/api/v1/committees/items/{item.pk}/close").json()
    assert closed["totals"] == {"eligible": 17, "yes": 0, "no": 0, "abstain": 0, "passed": False}
    assert api.get("/api/v1/committees/meetings").json()["items"][0]["id"] == meeting.pk


def test_pledge_and_decline_takes_the_next_alternate(tree, campaign):
    from ..models import MeetingMember, SeatStatus
    from .factories import HELD_ON, committee_make, expert_make

    committee = committee_make(tree)
    for _ in range(27):
        expert_make(tree)
    meeting = services.meeting_create(actor=tree["secretary"], committee=committee, campaign=campaign, name="会",
                                      held_on=HELD_ON, size=25, alternates_per_member=0.08)
    services.meeting_draw(actor=tree["secretary"], meeting=meeting)
    seats = list(MeetingMember.objects.filter(meeting=meeting).order_by("position"))
    assert [s.status for s in seats[25:]] == [SeatStatus.RESERVE, SeatStatus.RESERVE]
    services.pledge_sign(actor=seats[0].expert.user, meeting=meeting)
    services.invitation_answer(actor=seats[1].expert.user, meeting=meeting, accept=False)
    seats = list(MeetingMember.objects.filter(meeting=meeting).order_by("position"))
    assert seats[0].pledge_signed_at is not None and seats[1].status == SeatStatus.DECLINED
    assert [s.status for s in seats[25:]] == [SeatStatus.INVITED, SeatStatus.RESERVE]


def test_secretary_arranges_a_meeting_on_the_page_and_a_committee_through_the_api(tree, campaign):
    from zhicheng.campaigns.models import Campaign

    from ..models import Committee, Meeting
    from .factories import committee_make, engineering

    Campaign.objects.filter(pk=campaign.pk).update(status="active")
    committee = committee_make(tree)
    page = client_for(tree["secretary"], csrf=True)
    page.get("/committees/")
    token = page.cookies["csrftoken"].value
    even = page.post("/committees/meetings/new/", {"committee": committee.pk, "name": "会", "held_on": "2024-12-10",
                                                  "size": "26", "csrfmiddlewaretoken": token}, follow=True)
    assert "单数" in even.content.decode() and not Meeting.objects.exists()
    made = page.post("/committees/meetings/new/", {"committee": committee.pk, "name": "会", "held_on": "2024-12-10",
                                                  "size": "25", "csrfmiddlewaretoken": token})
    assert made.status_code == 302 and Meeting.objects.get().size == 25
    series, level = engineering()
    api = client_for(tree["office_staff"])
    body = {"organisation_id": tree["committee_org"].pk, "name": "新区工程系列高级评委会（专业组）",
            "series_id": series.pk, "level_id": level.pk, "approval_number": "甘人社〔2024〕2号",
            "valid_from": "2024-01-01", "valid_until": "2027-01-02", "formed_by": "specialty"}
    too_long = api.post("/api/v1/committees/committees", body, content_type="application/json")
    assert too_long.status_code == 400 and too_long.json()["code"] == "validity_too_long"
    created = api.post("/api/v1/committees/committees", {**body, "valid_until": "2027-01-01"},
                       content_type="application/json")
    assert created.status_code == 201 and created.json()["min_size"] == 11
    assert Committee.objects.count() == 2
    stranger = client_for(tree["unit_clerk"])
    assert stranger.post("/api/v1/committees/committees", body, content_type="application/json").status_code == 403
