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


def _reached_passed(dossier) -> bool:
    """Passed by the tally (or the entrusted result); the results demo may have taken it on since (conferred …)."""
    return dossier.state_changes.filter(to_state=S.PASSED).exists()


def test_the_engineering_senior_committee_met_voted_signed_and_archived_minutes(seeded, db):
    committee = Committee.objects.get(name=COMMITTEE_NAME)
    assert committee.min_size == 25
    signed, running = Meeting.objects.filter(committee=committee).order_by("held_on")
    assert signed.status == MeetingStatus.SIGNED and running.status == MeetingStatus.IN_PROGRESS
    assert draw_verify(signed.draw) and draw_verify(running.draw)
    assert {e["reason"] for e in signed.draw.exclusions} == {"本人职称级别低于评审级别"}
    item = signed.items.get()
    assert (item.eligible, item.yes, item.passed) in {(21, 17, True), (20, 17, True)}
    assert _reached_passed(item.dossier)
    with default_storage.open(signed.minutes_file.name, "rb") as fh:
        text = subprocess.run(["pdftotext", "-", "-"], input=fh.read(), capture_output=True, check=True).stdout
    assert "会议纪要" in text.decode()
    # the defence: a slot, five experts' scores on the rubric, a review panel's opinion — all in the minutes
    assert item.defence_at is not None and item.defence_order == 1 and item.defence_scores.count() == 15
    assert "第一评议组：申报人业绩材料真实" in text.decode() and "5 名专家评分" in text.decode()
    assert running.items.get().panel_opinions.exists()
    entrusted = EvaluationResult.objects.get(route="entrusted")
    assert entrusted.passed and _reached_passed(entrusted.dossier) and entrusted.document_number


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


def test_a_conferred_demo_dossier_archives_with_an_index_that_points_at_its_pages(seeded, db, tmp_path):
    """Issue 16: the archive bundle of a demo dossier — cover, 材料目录, the frozen version, every evidence page."""
    from pypdf import PdfReader

    from zhicheng.accounts.models import Membership, Role
    from zhicheng.dossiers.holders import title_office_of
    from zhicheng.dossiers.models import Dossier
    from zhicheng.reports.services import archive_request
    from zhicheng.reports.tasks import archive_run_task
    from zhicheng.reports.tests.test_archive import _bundle_file, _index, _page_text

    dossier = Dossier.objects.filter(state=DossierState.CONFERRED).order_by("pk").first()
    assert dossier is not None, "the demo confers titles"
    office = title_office_of(dossier.organisation)
    clerk = Membership.objects.filter(organisation=office, role=Role.OFFICE_STAFF, is_active=True).first().user
    export = archive_request(actor=clerk, dossier_id=dossier.pk)
    archive_run_task.call(export.pk)  # the demo tests queue tasks without a worker: run it here
    path = _bundle_file(export, tmp_path)
    total = len(PdfReader(path).pages)
    index_pages = 1
    while "材料目录" in _page_text(path, 2 + index_pages):
        index_pages += 1
    entries = _index(path, index_pages)
    version = dossier.versions.order_by("-number").first()
    rendered_start = entries[f"申报材料（第 {version.number} 版）"]
    assert entries["封面"] == 1 and entries["材料目录"] == 2 and rendered_start == 2 + index_pages
    assert "专业技术职称评审档案" in _page_text(path, 1) and dossier.applicant.real_name in _page_text(path, 1)
    assert "审核记录" in entries and "审核记录" in _page_text(path, entries["审核记录"])
    evidence_start = entries["佐证材料"]
    files = [title for title, page in entries.items() if page >= evidence_start and title != "佐证材料"]
    assert files, "the demo dossier's evidence is appended"
    pages = sorted(entries[title] for title in files)
    assert pages[0] == evidence_start and pages == sorted(set(pages)) and pages[-1] <= total
    # every page counted: cover + index + rendered version (with the trail) + each evidence file's pages
    for page in (1, rendered_start, evidence_start, total):
        assert f"第{page}页/共{total}页" in "".join(_page_text(path, page).split())
