"""The database itself refuses to change or remove audit rows, on SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from zhicheng.audit.models import AuditEvent
from zhicheng.audit.triggers import append_only_suspended
from zhicheng.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
migration = importlib.import_module("zhicheng.audit.migrations.0002_append_only_triggers")


def _refused(sql: str, params=()) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_update_is_refused(events):
    _refused("UPDATE audit_auditevent SET event_type = %s WHERE id = %s", ["forged", events[2].pk])
    assert AuditEvent.objects.get(pk=events[2].pk).event_type == "test.login"


def test_raw_delete_is_refused(events):
    count = AuditEvent.objects.count()
    _refused("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    assert AuditEvent.objects.count() == count


def test_orm_update_is_refused(events):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[1].pk).update(data={"n": 99})
    assert AuditEvent.objects.get(pk=events[1].pk).data == {"n": 2}


def test_orm_queryset_delete_is_refused(events):
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(event_type__startswith="test.").delete()
    assert AuditEvent.objects.count() == count


def test_model_save_and_delete_refuse_before_reaching_the_database(events):
    event = AuditEvent.objects.get(pk=events[0].pk)
    event.event_type = "forged"
    with pytest.raises(ApplicationError):
        event.save()
    with pytest.raises(ApplicationError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_truncate_is_refused_on_postgresql(events):
    _refused("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(event_type__startswith="test.").count() == 5


class _Editor:
    """Just enough of a schema editor to run the migration's functions inside the test transaction."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_reverse_migration_drops_the_triggers_and_forward_puts_them_back(events):
    migration.remove(None, _Editor())
    AuditEvent.objects.filter(pk=events[1].pk).update(event_type="changed")  # allowed without the triggers
    assert AuditEvent.objects.get(pk=events[1].pk).event_type == "changed"
    migration.install(None, _Editor())
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[1].pk).update(event_type="again")


def test_suspended_triggers_come_back(events):
    with append_only_suspended():
        AuditEvent.objects.filter(pk=events[0].pk).update(actor_label="x")
    _refused("DELETE FROM audit_auditevent")
