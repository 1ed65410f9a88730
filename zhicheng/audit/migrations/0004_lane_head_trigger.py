"""The lane head follows the events inserted into its lane, inside the INSERT (decision "lane head by trigger").

The SQL is frozen here on purpose; zhicheng/audit/triggers.py holds the same statements (post_migrate reinstalls
them after a test flush or a table rebuild on SQLite). Other vendors get no trigger: the writer updates the head.
"""

from django.db import migrations

POSTGRESQL_CREATE = [
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
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_lane_head ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_lane_head_follow()",
]
SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_lane_head AFTER INSERT ON audit_auditevent
    BEGIN UPDATE audit_auditchain SET last_seq = NEW.seq, last_hash = NEW.hash
    WHERE id = NEW.chain AND last_seq < NEW.seq; END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_lane_head"]

STATEMENTS = {"postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP), "sqlite": (SQLITE_CREATE, SQLITE_DROP)}


def _run(schema_editor, index):
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[index]:
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    _run(schema_editor, 0)


def remove(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_lanes")]

    operations = [migrations.RunPython(install, remove)]
