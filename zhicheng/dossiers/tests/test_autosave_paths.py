"""The autosave's one-statement path (the owner's dossier and row read under one lock) answers exactly as the
general path did: a dossier no longer editable, a row that is not there, another's dossier; the pledge voided by an
edit only when one stands; and on PostgreSQL a save that waited for the lock sees the row as the lock holder left it."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhicheng.audit.models import AuditEvent
from zhicheng.audit.testing import audit_flushable  # noqa: F401  (the fixture)
from zhicheng.dossiers.models import Dossier, EducationRecord, PledgeSignature
from zhicheng.dossiers.services import (
    dossier_lock_for_edit,
    dossier_submit,
    section_item_create,
    section_item_update,
    section_item_update_own,
)

from .factories import signed, valid_row
from .test_views import _client

pytestmark = pytest.mark.django_db
API = "/api/v1/dossiers"


@pytest.fixture
def row(dossier, applicant):
    return section_item_create(dossier=dossier, actor=applicant, section="education", data=valid_row("education"))


def _save_url(dossier, pk) -> str:
    return reverse("dossiers:item_save", args=[dossier.pk, "education", pk])


def test_the_owner_of_a_submitted_dossier_gets_the_reason_and_nothing_changes(dossier, applicant, row):
    from .factories import fill

    fill(dossier, applicant)
    signed(dossier, applicant)
    dossier_submit(dossier=dossier, actor=applicant)
    me = _client(applicant)
    response = me.post(_save_url(dossier, row.pk), valid_row("education", school="别的学校"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "不能修改" in response.content.decode()  # in the row's form, as before
    api = me.patch(f"{API}/{dossier.pk}/sections/education/{row.pk}", json.dumps({"school": "别的学校"}),
                   content_type="application/json")
    assert api.status_code == 403 and "不能修改" in api.json()["message"]
    row.refresh_from_db()
    assert row.school == "兰州大学"


def test_a_row_that_is_not_there_is_a_404(dossier, applicant, row):
    me = _client(applicant)
    assert me.post(_save_url(dossier, row.pk + 99), valid_row("education"), HTTP_HX_REQUEST="true").status_code == 404
    api = me.patch(f"{API}/{dossier.pk}/sections/education/{row.pk + 99}", json.dumps({"school": "x"}),
                   content_type="application/json")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_another_applicants_dossier_is_a_404_and_the_refusal_is_noted(dossier, applicant, row, tree):
    other = _client(tree["other_applicant"])
    assert other.post(_save_url(dossier, row.pk), valid_row("education", school="x"),
                      HTTP_HX_REQUEST="true").status_code == 404
    api = other.patch(f"{API}/{dossier.pk}/sections/education/{row.pk}", json.dumps({"school": "x"}),
                      content_type="application/json")
    assert api.status_code == 404 and api.json()["message"] == "申报材料不存在或无权查看"
    denied = AuditEvent.objects.filter(event_type="access.denied", actor_id=tree["other_applicant"].pk)
    assert denied.count() == 2
    assert section_item_update_own(dossier_id=dossier.pk, actor=tree["other_applicant"], section="education",
                                   item_id=row.pk, data={"school": "x"}) is None
    row.refresh_from_db()
    assert row.school == "兰州大学"


def _pledge_updates(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith('UPDATE "dossiers_pledgesignature"')]


def test_an_edit_voids_a_standing_pledge_once_and_then_skips_the_write(dossier, applicant, row):
    pledge = signed(dossier, applicant)
    assert Dossier.objects.get(pk=dossier.pk).pledges_void is False
    with CaptureQueriesContext(connection) as first:
        section_item_update_own(dossier_id=dossier.pk, actor=applicant, section="education", item_id=row.pk,
                                data={"school": "第一学校"})
    pledge.refresh_from_db()
    assert pledge.invalidated_at is not None and len(_pledge_updates(first.captured_queries)) == 1
    assert Dossier.objects.get(pk=dossier.pk).pledges_void is True
    assert AuditEvent.objects.filter(event_type="dossier.section_changed").latest("id").data["pledges_voided"] == 1
    with CaptureQueriesContext(connection) as second:
        section_item_update_own(dossier_id=dossier.pk, actor=applicant, section="education", item_id=row.pk,
                                data={"school": "第二学校"})
    assert _pledge_updates(second.captured_queries) == []
    assert AuditEvent.objects.filter(event_type="dossier.section_changed").latest("id").data["pledges_voided"] == 0
    again = signed(dossier, applicant)  # a pledge stands again: the next edit must void it
    assert Dossier.objects.get(pk=dossier.pk).pledges_void is False
    section_item_update(dossier=dossier, actor=applicant, section="education", item_id=row.pk,
                        data={"school": "第三学校"})
    again.refresh_from_db()
    assert again.invalidated_at is not None
    assert PledgeSignature.objects.filter(dossier=dossier, invalidated_at__isnull=True).count() == 0


needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need a server database")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_save_that_waited_for_the_lock_sees_the_row_as_the_holder_left_it(
        catalog_reseeded, audit_flushable, dossier, applicant):  # noqa: F811
    """The one-statement read locks the row too: PostgreSQL then re-reads it after the wait. An unlocked joined row
    would be the version from before the wait, and the save would write the holder's change back (a lost update)."""
    row = section_item_create(dossier=dossier, actor=applicant, section="education", data=valid_row("education"))
    locked, waiting = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def holder() -> None:
        try:
            with transaction.atomic():
                dossier_lock_for_edit(dossier, applicant)
                EducationRecord.objects.filter(pk=row.pk).update(major="桥梁工程")
                locked.set()
                waiting.wait(timeout=2)  # the saver is blocked on the dossier's lock meanwhile
        finally:
            connections.close_all()

    def saver() -> None:
        try:
            locked.wait(timeout=60)
            threading.Timer(0.5, waiting.set).start()
            section_item_update_own(dossier_id=dossier.pk, actor=applicant, section="education", item_id=row.pk,
                                    data={"school": "西北师范大学"})
        except BaseException as exc:  # reported below
            outcome["error"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=holder), threading.Thread(target=saver)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "error" not in outcome, outcome.get("error")
    row.refresh_from_db()
    assert (row.school, row.major) == ("西北师范大学", "桥梁工程")
