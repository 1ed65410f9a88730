"""Concurrent appends take different lanes: no writer waits for another's transaction, every lane stays intact."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection, connections, transaction

from zhicheng.accounts.tests.factories import OrganisationFactory
from zhicheng.audit import chain
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.selectors import audit_chain_verify
from zhicheng.audit.services import audit_event_record
from zhicheng.audit.testing import audit_flushable  # noqa: F401  (the fixture)

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need a server database")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_every_lane_intact(audit_flushable):  # noqa: F811
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(15):
                audit_event_record(event_type=f"test.{name}", data={"i": i})
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(event_type__startswith="test.").count() == 45
    assert audit_chain_verify().ok


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_open_dossier_transaction_does_not_block_another_organisations_append(audit_flushable):  # noqa: F811
    """Writer A appends and keeps its transaction open; B (another organisation) must append meanwhile.

    Both threads are made to prefer the same lane, the worst case: B has to skip A's locked lane.
    """
    unit_a, unit_b = OrganisationFactory(), OrganisationFactory()
    a_appended, b_done = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def writer_a() -> None:
        try:
            with transaction.atomic():
                outcome["a"] = audit_event_record(event_type="test.a", organisation=unit_a)
                a_appended.set()
                outcome["b_finished_while_a_open"] = b_done.wait(timeout=60)
        finally:
            connections.close_all()

    def writer_b() -> None:
        try:
            a_appended.wait(timeout=60)
            with connection.cursor() as cursor:  # a wait would fail B instead of hanging the test
                cursor.execute("SET lock_timeout = '20s'")
            outcome["b"] = audit_event_record(event_type="test.b", organisation=unit_b)
            b_done.set()
        except BaseException as exc:
            outcome["b_error"] = exc
        finally:
            connections.close_all()

    with mock.patch.object(chain, "_preferred_lane", return_value=1):
        threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert "b_error" not in outcome, outcome.get("b_error")
    assert outcome["b_finished_while_a_open"] is True
    assert outcome["a"].chain == 1 and outcome["b"].chain != 1
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_flush_after_a_transactional_test_keeps_the_triggers(audit_flushable):  # noqa: F811
    audit_event_record(event_type="test.flush")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_triggers_are_back_after_the_flush():
    from django.db import DatabaseError

    audit_event_record(event_type="test.after")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
