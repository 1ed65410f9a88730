"""seed_demo's evaluation: a signed engineering senior meeting with minutes, one under way, an entrusted result."""

from __future__ import annotations

import subprocess

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from zhicheng.accounts.models import User
from zhicheng.accounts.tests.factories import login_verified
from zhicheng.committees.models import Committee, EvaluationResult, Meeting, MeetingStatus
from zhicheng.committees.services import draw_verify
from zhicheng.demo.evaluation import COMMITTEE_NAME
from zhicheng.dossiers.models import DossierState

pytestmark = pytest.mark.django_db
S = DossierState


def test_the_engineering_senior_committee_met_voted_signed_and_archived_minutes(seeded, db):
    committee = Committee.objects.get(name=COMMITTEE_NAME)
    assert committee.min_size == 25
    signed, running = Meeting.objects.filter(committee=committee).order_by("held_on")
    assert signed.status == MeetingStatus.SIGNED and running.status == MeetingStatus.IN_PROGRESS
    assert draw_verify(signed.draw) and draw_verify(running.draw)
    assert {e["reason"] for e in signed.draw.exclusions} == {"本人职称级别低于评审级别"}
    item = signed.items.get()
    assert (item.eligible, item.yes, item.passed) in {(21, 17, True), (20, 17, True)}
    assert item.dossier.state == S.PASSED
    with default_storage.open(signed.minutes_file.name, "rb") as fh:
        text = subprocess.run(["pdftotext", "-", "-"], input=fh.read(), capture_output=True, check=True).stdout
    assert "会议纪要" in text.decode()
    entrusted = EvaluationResult.objects.get(route="entrusted")
    assert entrusted.passed and entrusted.dossier.state == S.PASSED and entrusted.document_number


def test_the_expert_and_the_secretary_land_on_work_to_do(seeded, db):
    running = Meeting.objects.get(status=MeetingStatus.IN_PROGRESS)
    for username, expected in (("expert01", "待您投票"), ("pwh_gc_sec", running.name)):
        client = Client()
        login_verified(client, User.objects.get(username=username))
        page = client.get("/", follow=True)
        assert expected in page.content.decode(), username
    recused = User.objects.get(username="expert02")
    client = Client()
    login_verified(client, recused)
    page = client.get(f"/committees/my/{running.pk}/")
    assert running.items.get().dossier.applicant.real_name not in page.content.decode()
