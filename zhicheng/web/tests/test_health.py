"""/healthz (liveness, no database) and /readyz (database, storage, migrations): JSON, no log-in, never cached."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from zhicheng.web import health

REPO = Path(__file__).resolve().parents[3]


def _settings_under(env: dict[str, str]) -> dict:
    """DATABASES and STORAGES as config/settings/base.py builds them from this environment (its own process)."""
    code = ("import json, config.settings.base as s; "
            "print(json.dumps({'db': s.DATABASES['default'], 'storages': s.STORAGES}, default=str))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ZHICHENG_", "DATABASE_URL"))}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**clean, **env}, capture_output=True,
                         text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_liveness_answers_without_touching_the_database(client):
    # no django_db mark: any query would fail this test
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_probes_are_get_only(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_ready_when_database_storage_and_migrations_are(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "storage": True, "migrations": True}
    assert body["checks"]["migrations"]["pending"] == 0
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_not_ready_while_a_migration_is_not_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_done", False)
    with connection.cursor() as cursor:  # rolled back with the test
        # the app's last migration (a leaf: an earlier one missing under an applied leaf is not "pending" to Django)
        cursor.execute("DELETE FROM django_migrations WHERE id = "
                       "(SELECT MAX(id) FROM django_migrations WHERE app = 'dossiers')")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["migrations"] == {"ok": False, "pending": 1, "ms": body["checks"]["migrations"]["ms"]}
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_not_ready_when_the_file_store_does_not_answer(client, settings):
    from botocore.config import Config

    storages = {"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "evidence", "region_name": "us-east-1", "endpoint_url": f"http://127.0.0.1:{_closed_port()}",
        "access_key": "k", "secret_key": "s",
        "client_config": Config(retries={"max_attempts": 1}, connect_timeout=1)}}}
    settings.STORAGES = storages
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"]["ok"] is False and checks["storage"]["error"]
    assert checks["database"]["ok"] is True
    assert "127.0.0.1" not in response.content.decode()  # no configuration value leaks


def test_the_environment_switches_the_pool_and_the_file_store():
    pooled = _settings_under({"DATABASE_URL": "postgres://u@db:5432/zhicheng", "ZHICHENG_DB_POOL": "2:8"})["db"]
    assert pooled["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 10}
    assert pooled["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool
    plain = _settings_under({"DATABASE_URL": "postgres://u@db:5432/zhicheng"})
    assert "pool" not in plain["db"].get("OPTIONS", {}) and plain["db"]["CONN_MAX_AGE"] == 60
    assert plain["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")
    s3 = _settings_under({"ZHICHENG_STORAGE": "s3", "ZHICHENG_S3_BUCKET": "evidence",
                          "ZHICHENG_S3_ENDPOINT_URL": "http://minio:9000"})["storages"]["default"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "evidence" and s3["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert s3["OPTIONS"]["default_acl"] is None and s3["OPTIONS"]["file_overwrite"] is False
