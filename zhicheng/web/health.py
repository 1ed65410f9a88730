"""Liveness and readiness for the load balancer and the process supervisor: JSON, no log-in, never cached.

`/healthz` answers from the process alone (no database, no storage): the server is up and serving Python.
`/readyz` says whether this server should get traffic: the database answers, the file storage answers, and
every migration on disk is applied (a server started from newer code than the schema waits). 200 when all hold,
503 otherwise, with each check's verdict. Nothing personal and no configuration value is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

_migrations_done = False  # once every migration is applied it stays so for the life of the process


def _check_database() -> dict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _check_storage() -> dict:
    # a lookup of a name nobody writes: the store must answer (a bucket's credentials, a mounted folder)
    default_storage.exists("readyz-probe")
    return {}


def _check_migrations() -> dict:
    global _migrations_done
    if not _migrations_done:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return {"ok": False, "pending": len(pending)}
        _migrations_done = True
    return {"pending": 0}


CHECKS: dict[str, Callable[[], dict]] = {
    "database": _check_database,
    "storage": _check_storage,
    "migrations": _check_migrations,
}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = {"ok": True, **check()}
        except Exception as exc:
            result = {"ok": False, "error": type(exc).__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    ready = all(r["ok"] for r in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)
