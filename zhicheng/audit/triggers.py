"""The database triggers that make audit_auditevent append-only, per vendor.

Migration 0002 installs the same SQL (frozen there). Tests that must tamper with the chain wrap their work
in `append_only_suspended()`. Tests with `django_db(transaction=True)` end with a flush (TRUNCATE or
DELETE), which the triggers refuse: they use the `audit_flushable` fixture from zhicheng.audit.testing,
which drops the triggers before the flush; `reinstall_after_flush` (post_migrate, which the flush sends)
puts them back whenever migration 0002 is applied.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection as default_connection

MESSAGE = "audit_auditevent is append-only: UPDATE, DELETE and TRUNCATE are refused"

POSTGRESQL_CREATE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    f"""CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (%)', TG_OP;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_refuse_change()",
]
SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def _statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    return []  # other vendors: no trigger; audit_verify still detects tampering


def append_only_install(connection=default_connection) -> None:
    """Create the refusing triggers (idempotent)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=True):
            cursor.execute(sql)


def append_only_remove(connection=default_connection) -> None:
    """Drop the refusing triggers."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=False):
            cursor.execute(sql)


@contextmanager
def append_only_suspended(connection=default_connection):
    """Drop the triggers for the block and put them back afterwards (tests only: tampering, flushing)."""
    append_only_remove(connection)
    try:
        yield
    finally:
        append_only_install(connection)


def reinstall_after_flush(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: put the triggers back after a test flush, if migration 0002 is applied."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    recorder = MigrationRecorder(connection)
    if recorder.has_table() and ("audit", "0002_append_only_triggers") in recorder.applied_migrations():
        append_only_install(connection)


def lanes_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: create the keyed lane heads (after migrate and after a test flush), once 0003 is applied."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from .chain import lanes_ensure

    recorder = MigrationRecorder(connections[using])
    if recorder.has_table() and ("audit", "0003_keyed_lanes") in recorder.applied_migrations():
        lanes_ensure()
