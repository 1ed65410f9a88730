"""The database triggers that keep the queue counts (models.QueueCount) and the applicant's name on the dossier.

Triggers rather than Python: the counts must stay equal to a fresh count whoever writes a dossier's state, holder
or unit (dossier_transition, dossier_transition_many, creation, deletion, seed_scale's COPY, test factories), and a
trigger runs in the writer's transaction with no code path to forget. Each change is an upsert `n = n + delta`
(never read-modify-write), so two transactions moving dossiers of the same queue at once both count; the two rows a
change touches are taken in key order, so two opposite moves cannot deadlock on them.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db import transaction

_PG = """
CREATE OR REPLACE FUNCTION dossiers_queuecount_add(h bigint, s varchar, u bigint, d integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO dossiers_queuecount (holder, state, unit_id, n) VALUES (h, s, u, d)
    ON CONFLICT (holder, state, unit_id) DO UPDATE SET n = dossiers_queuecount.n + EXCLUDED.n
$$;

CREATE OR REPLACE FUNCTION dossiers_queuecount_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key record;
    new_key record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dossiers_queuecount_add(COALESCE(NEW.held_by_id, 0), NEW.state, NEW.organisation_id, 1);
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM dossiers_queuecount_add(COALESCE(OLD.held_by_id, 0), OLD.state, OLD.organisation_id, -1);
        RETURN NULL;
    END IF;
    SELECT COALESCE(OLD.held_by_id, 0) AS h, OLD.state AS s, OLD.organisation_id AS u INTO old_key;
    SELECT COALESCE(NEW.held_by_id, 0) AS h, NEW.state AS s, NEW.organisation_id AS u INTO new_key;
    IF (old_key.h, old_key.s, old_key.u) = (new_key.h, new_key.s, new_key.u) THEN
        RETURN NULL;
    END IF;
    IF (old_key.h, old_key.s, old_key.u) < (new_key.h, new_key.s, new_key.u) THEN
        PERFORM dossiers_queuecount_add(old_key.h, old_key.s, old_key.u, -1);
        PERFORM dossiers_queuecount_add(new_key.h, new_key.s, new_key.u, 1);
    ELSE
        PERFORM dossiers_queuecount_add(new_key.h, new_key.s, new_key.u, 1);
        PERFORM dossiers_queuecount_add(old_key.h, old_key.s, old_key.u, -1);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS dossiers_queuecount_trg ON dossiers_dossier;
CREATE TRIGGER dossiers_queuecount_trg AFTER INSERT OR DELETE OR UPDATE OF state, held_by_id, organisation_id
    ON dossiers_dossier FOR EACH ROW EXECUTE FUNCTION dossiers_queuecount_apply();

CREATE OR REPLACE FUNCTION dossiers_applicant_name_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.applicant_name := COALESCE((SELECT real_name FROM accounts_user WHERE id = NEW.applicant_id), '');
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS dossiers_applicant_name_trg ON dossiers_dossier;
CREATE TRIGGER dossiers_applicant_name_trg BEFORE INSERT OR UPDATE OF applicant_id, applicant_name
    ON dossiers_dossier FOR EACH ROW EXECUTE FUNCTION dossiers_applicant_name_fill();

CREATE OR REPLACE FUNCTION dossiers_applicant_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dossiers_dossier SET applicant_name = NEW.real_name WHERE applicant_id = NEW.id;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS dossiers_applicant_renamed_trg ON accounts_user;
CREATE TRIGGER dossiers_applicant_renamed_trg AFTER UPDATE OF real_name ON accounts_user
    FOR EACH ROW WHEN (OLD.real_name IS DISTINCT FROM NEW.real_name) EXECUTE FUNCTION dossiers_applicant_renamed();
"""

_PG_DROP = """
DROP TRIGGER IF EXISTS dossiers_queuecount_trg ON dossiers_dossier;
DROP TRIGGER IF EXISTS dossiers_applicant_name_trg ON dossiers_dossier;
DROP TRIGGER IF EXISTS dossiers_applicant_renamed_trg ON accounts_user;
DROP FUNCTION IF EXISTS dossiers_queuecount_apply();
DROP FUNCTION IF EXISTS dossiers_queuecount_add(bigint, varchar, bigint, integer);
DROP FUNCTION IF EXISTS dossiers_applicant_name_fill();
DROP FUNCTION IF EXISTS dossiers_applicant_renamed();
"""

# SQLite (tests, development): one writer at a time, so the order of the two upserts does not matter here
_SQLITE_UPSERT = """
    INSERT INTO dossiers_queuecount (holder, state, unit_id, n) VALUES ({h}, {s}, {u}, {d})
    ON CONFLICT (holder, state, unit_id) DO UPDATE SET n = n + excluded.n;"""
_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS dossiers_queuecount_ins AFTER INSERT ON dossiers_dossier BEGIN"
    + _SQLITE_UPSERT.format(h="COALESCE(NEW.held_by_id, 0)", s="NEW.state", u="NEW.organisation_id", d=1)
    + " END;",
    "CREATE TRIGGER IF NOT EXISTS dossiers_queuecount_del AFTER DELETE ON dossiers_dossier BEGIN"
    + _SQLITE_UPSERT.format(h="COALESCE(OLD.held_by_id, 0)", s="OLD.state", u="OLD.organisation_id", d=-1)
    + " END;",
    "CREATE TRIGGER IF NOT EXISTS dossiers_queuecount_upd AFTER UPDATE OF state, held_by_id, organisation_id "
    "ON dossiers_dossier WHEN OLD.state IS NOT NEW.state OR OLD.held_by_id IS NOT NEW.held_by_id "
    "OR OLD.organisation_id IS NOT NEW.organisation_id BEGIN"
    + _SQLITE_UPSERT.format(h="COALESCE(OLD.held_by_id, 0)", s="OLD.state", u="OLD.organisation_id", d=-1)
    + _SQLITE_UPSERT.format(h="COALESCE(NEW.held_by_id, 0)", s="NEW.state", u="NEW.organisation_id", d=1)
    + " END;",
    "CREATE TRIGGER IF NOT EXISTS dossiers_applicant_name_ins AFTER INSERT ON dossiers_dossier BEGIN "
    "UPDATE dossiers_dossier SET applicant_name = COALESCE((SELECT real_name FROM accounts_user "
    "WHERE id = NEW.applicant_id), '') WHERE id = NEW.id; END;",
    "CREATE TRIGGER IF NOT EXISTS dossiers_applicant_name_upd AFTER UPDATE OF applicant_id, applicant_name "
    "ON dossiers_dossier BEGIN "
    "UPDATE dossiers_dossier SET applicant_name = COALESCE((SELECT real_name FROM accounts_user "
    "WHERE id = NEW.applicant_id), '') WHERE id = NEW.id AND applicant_name IS NOT COALESCE((SELECT real_name "
    "FROM accounts_user WHERE id = NEW.applicant_id), ''); END;",
    "CREATE TRIGGER IF NOT EXISTS dossiers_applicant_renamed AFTER UPDATE OF real_name ON accounts_user "
    "WHEN OLD.real_name IS NOT NEW.real_name BEGIN "
    "UPDATE dossiers_dossier SET applicant_name = NEW.real_name WHERE applicant_id = NEW.id; END;",
]
_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in ("dossiers_queuecount_ins", "dossiers_queuecount_del", "dossiers_queuecount_upd",
                 "dossiers_applicant_name_ins", "dossiers_applicant_name_upd", "dossiers_applicant_renamed")
]

_REBUILD = [
    "DELETE FROM dossiers_queuecount",
    "INSERT INTO dossiers_queuecount (holder, state, unit_id, n) "
    "SELECT COALESCE(held_by_id, 0), state, organisation_id, COUNT(*) FROM dossiers_dossier "
    "GROUP BY COALESCE(held_by_id, 0), state, organisation_id",
]


def _statements(connection, drop: bool = False) -> list[str]:
    if connection.vendor == "postgresql":
        return [_PG_DROP if drop else _PG]
    if connection.vendor == "sqlite":
        return _SQLITE_DROP if drop else _SQLITE
    raise NotImplementedError(f"no queue-count triggers for {connection.vendor}")


def triggers_install(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for sql in _statements(connection):
            cursor.execute(sql)


def triggers_drop(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for sql in _statements(connection, drop=True):
            cursor.execute(sql)


def queue_counts_rebuild(connection=None) -> int:
    """Recount the summary from the dossiers in one transaction (a table lock on PG keeps writers out meanwhile);
    returns the number of summary rows."""
    connection = connection or default_connection
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # writers wait (their triggers would otherwise count into rows the DELETE is about to drop)
            cursor.execute("LOCK TABLE dossiers_dossier IN SHARE MODE")
        for sql in _REBUILD:
            cursor.execute(sql)
        cursor.execute("SELECT COUNT(*) FROM dossiers_queuecount")
        return int(cursor.fetchone()[0])


def applicant_names_fill(connection=None) -> None:
    """Copy every applicant's name onto their dossiers (the migration; the triggers keep it afterwards)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dossiers_dossier SET applicant_name = COALESCE((SELECT real_name FROM accounts_user "
                       "WHERE accounts_user.id = dossiers_dossier.applicant_id), '')")
