"""Anchoring: the command and the task append the heads to the file; the audit pages show the last anchor."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from zhicheng.audit.anchors import anchor_path, audit_anchor_latest
from zhicheng.audit.models import AuditChain, AuditEvent
from zhicheng.audit.tasks import audit_anchor_task
from zhicheng.audit.triggers import append_only_suspended

pytestmark = pytest.mark.django_db


def test_command_appends_one_line_per_run_with_every_written_head(events):
    out = StringIO()
    call_command("audit_anchor", stdout=out)
    call_command("audit_anchor", stdout=out)
    lines = anchor_path().read_text().splitlines()
    assert len(lines) == 2
    heads = json.loads(lines[-1])["heads"]
    lane = AuditChain.objects.get(pk=events[0].chain)
    assert heads[str(lane.pk)] == [lane.last_seq, lane.last_hash]
    assert all(seq > 0 for seq, _ in heads.values())  # lanes nobody wrote to are left out
    assert "已锚定" in out.getvalue()


def test_task_anchors_for_the_worker(events):
    result = audit_anchor_task.enqueue()
    assert result.return_value >= 1
    assert audit_anchor_latest().heads[events[0].chain][0] == events[4].seq


def test_page_shows_the_last_anchor_and_that_the_database_matches(reader_client, events):
    call_command("audit_anchor", stdout=StringIO())
    anchor = audit_anchor_latest()
    for url in (reverse("audit:events"), reverse("audit:verify")):
        text = reader_client.get(url).content.decode()
        assert "与数据库一致" in text and str(anchor.path) in text
        assert events[4].hash in text and timezone.localtime(anchor.at).strftime("%Y-%m-%d %H:%M:%S") in text


def test_page_says_when_the_database_no_longer_matches(reader_client, events):
    call_command("audit_anchor", stdout=StringIO())
    with append_only_suspended():
        AuditEvent.objects.filter(pk=events[4].pk).delete()
    text = reader_client.get(reverse("audit:events")).content.decode()
    assert "数据库与锚定不符" in text


def test_page_says_when_nothing_was_anchored_yet(reader_client, events):
    assert "尚无锚定" in reader_client.get(reverse("audit:events")).content.decode()


def test_anchor_survives_a_missing_directory(settings, tmp_path, events):
    settings.ZHICHENG_AUDIT_ANCHOR_FILE = tmp_path / "new" / "dir" / "anchors.jsonl"
    call_command("audit_anchor", stdout=StringIO())
    assert audit_anchor_latest().authentic
