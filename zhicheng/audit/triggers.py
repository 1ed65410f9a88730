"""The database triggers of audit_auditevent, per vendor: append-only, and the lane head following each insert.

Migration 0002 installs the append-only SQL (frozen there), migration 0004 the lane-head trigger. Tests that must
tamper with the chain wrap their work in `append_only_suspended()` (which leaves the lane-head trigger alone).
Tests with `django_db(transaction=True)` end with a flush (TRUNCATE or DELETE), which the triggers refuse: they use
the `audit_flushable` fixture from zhicheng.audit.testing, which drops the append-only triggers before the flush;
`reinstall_after_flush` (post_migrate, which the flush sends) puts every trigger back whose migration is applied.
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


# The lane head (AuditChain.last_seq/last_hash) follows the events inserted into its lane, in the INSERT's own
# statement: an append is a lane lock and one INSERT instead of three round trips (decision "lane head by trigger").
# The writer still computes the HMAC from the head it read under the lane lock; the head only moves forward, so a
# tail cut off later still shows against it (audit_verify). PostgreSQL: once per statement over the rows it
# inserted (a bulk append or a seed's COPY moves each head once); SQLite: per row, in order.
HEAD_POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION audit_lane_head_follow() RETURNS trigger AS $$
    BEGIN
        UPDATE audit_auditchain AS head SET last_seq = last.seq, last_hash = last.hash
        FROM (SELECT DISTINCT ON (chain) chain, seq, hash FROM appended ORDER BY chain, seq DESC) AS last
        WHERE head.id = last.chain AND head.last_seq < last.seq;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_event_lane_head ON audit_auditevent",
    """CREATE TRIGGER audit_event_lane_head AFTER INSERT ON audit_auditevent
    REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION audit_lane_head_follow()""",
]
HEAD_POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_lane_head ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_lane_head_follow()",
]
HEAD_SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_lane_head AFTER INSERT ON audit_auditevent
    BEGIN UPDATE audit_auditchain SET last_seq = NEW.seq, last_hash = NEW.hash
    WHERE id = NEW.chain AND last_seq < NEW.seq; END""",
]
HEAD_SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_lane_head"]
HEAD_VENDORS = ("postgresql", "sqlite")


def lane_head_follows_inserts(connection=default_connection) -> bool:
    """Whether the database moves the lane head itself (migration 0004's trigger); elsewhere the writer does."""
    return connection.vendor in HEAD_VENDORS


def lane_head_install(connection=default_connection) -> None:
    """Create the lane-head trigger (idempotent); not touched by append_only_remove/suspended."""
    statements = {"postgresql": HEAD_POSTGRESQL_CREATE, "sqlite": HEAD_SQLITE_CREATE}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


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
    """post_migrate: put the triggers back after a test flush (or a later migration that rebuilt the table on
    SQLite), if migrations 0002 / 0004 are applied."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return
    applied = recorder.applied_migrations()
    if ("audit", "0002_append_only_triggers") in applied:
        append_only_install(connection)
    if ("audit", "0004_lane_head_trigger") in applied:
        lane_head_install(connection)


def lanes_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: create the keyed lane heads (after migrate and after a test flush), once 0003 is applied."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from .chain import lanes_ensure

    recorder = MigrationRecorder(connections[using])
    if recorder.has_table() and ("audit", "0003_keyed_lanes") in recorder.applied_migrations():
        lanes_ensure()
