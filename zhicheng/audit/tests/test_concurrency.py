"""Concurrent appends are serialised by the chain head, so the chain stays one unbroken line."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from zhicheng.audit.models import AuditEvent
from zhicheng.audit.selectors import audit_chain_verify
from zhicheng.audit.services import audit_event_record
from zhicheng.audit.testing import audit_flushable  # noqa: F401  (the fixture)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need a server database")
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_chain(audit_flushable):  # noqa: F811
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
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 46))
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_flush_after_a_transactional_test_keeps_the_triggers(audit_flushable):  # noqa: F811
    audit_event_record(event_type="test.flush")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_triggers_are_back_after_the_flush():
    from django.db import DatabaseError, transaction

    audit_event_record(event_type="test.after")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
