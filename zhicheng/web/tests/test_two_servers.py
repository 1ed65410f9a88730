"""Two app servers, one PostgreSQL: nothing that matters lives in an app server's memory.

Two gunicorn processes (separate interpreters, one of them on psycopg's pool) serve the same test database and
one shared file folder, as N servers behind nginx do (deploy/). An applicant logs in on one and goes on with the
same session on the other; a change saved through one is read through the other; the same submit sent to both
at once is applied exactly once (one version, one state change, one audit row) and the loser is told why.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.demo.scale import SURGE_USERNAME, seed_scale
from zhicheng.dossiers.models import (
    ContinuingEducation,
    Dossier,
    DossierStateChange,
    DossierVersion,
    WorkHistoryEntry,
)
from zhicheng.files.tests.samples import pdf_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("audit_flushable", "catalog_reseeded")]

REPO = Path(__file__).resolve().parents[3]
PASSWORD = "Zhicheng-2024!"


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two server processes share one database; an SQLite test database in "
                    "memory cannot be shared, and SQLite is not a scale-out target (CI runs this in its "
                    "PostgreSQL pass)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict  # the test database pytest-django made (test_…, with xdist's _gwN suffix)
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def servers(tmp_path):
    """Two gunicorn servers (one worker, four threads each) on free ports; both ready before the test goes on."""
    import requests

    media = tmp_path / "media"
    media.mkdir()
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": _database_url(),
                "ZHICHENG_TEST_MEDIA_ROOT": str(media), "PYTHONUNBUFFERED": "1"}
    procs, urls = [], []
    for pool in ("", "1:4"):  # the second server takes its connections from psycopg's pool
        port = _free_port()
        env = {**base_env, "ZHICHENG_DB_POOL": pool}
        log = (tmp_path / f"server-{port}.log").open("w")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "4", "--worker-class", "gthread", "--timeout", "120"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for proc, url in zip(procs, urls, strict=True):
            deadline = time.monotonic() + 120
            while True:
                try:
                    if requests.get(url + "/readyz", timeout=60).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    logs = "\n".join(p.read_text() for p in tmp_path.glob("server-*.log"))
                    pytest.fail(f"an app server did not become ready:\n{logs[-3000:]}")
                time.sleep(0.3)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _log_in(session, url: str, username: str) -> None:
    session.get(url + "/accounts/login/", timeout=30)
    response = session.post(url + "/accounts/login/", data={
        "username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False, timeout=60)
    assert response.status_code == 302, response.text[:500]


def test_a_dossier_saved_through_one_server_is_read_through_the_other_and_a_racing_submit_applies_once(servers):
    import requests

    a, b = servers
    seed_scale(dossiers=0, ready=1)
    dossier = Dossier.objects.get(applicant__username=SURGE_USERNAME.format(0))
    api = f"/api/v1/dossiers/{dossier.pk}"

    session = requests.Session()
    _log_in(session, a, SURGE_USERNAME.format(0))
    headers = {"X-CSRFToken": session.cookies["csrftoken"]}
    # the session made on A is good on B: sessions live in the database
    assert session.get(b + api, timeout=30).status_code == 200

    saved = session.put(a + api + "/sections/identity", json={"phone": "13912345678"}, headers=headers, timeout=60)
    assert saved.status_code == 200, saved.text[:500]
    work = WorkHistoryEntry.objects.get(dossier=dossier)
    saved = session.patch(a + api + f"/sections/work_history/{work.pk}", json={"post": "工程师（主持设计）"},
                          headers=headers, timeout=60)
    assert saved.status_code == 200, saved.text[:500]
    read = session.get(b + api + "/sections/work_history", timeout=30)
    assert read.status_code == 200 and read.json()["items"][0]["post"] == "工程师（主持设计）"
    assert session.get(b + api, timeout=30).json()["revision"] == 2  # both saves, as B sees the row

    certificate = pdf_bytes()
    last_ce = ContinuingEducation.objects.filter(dossier=dossier).order_by("-year").first()
    upload = session.post(a + f"/evidence/dossiers/{dossier.pk}/continuing_education/", headers=headers,
                          data={"item_id": last_ce.pk, "purpose": "ce_certificate"},
                          files={"file": ("继续教育证书.pdf", certificate, "application/pdf")}, timeout=120)
    assert upload.status_code == 201, upload.text[:500]
    download = session.get(b + upload.json()["download_url"], timeout=60)  # stored by A, served by B
    assert download.status_code == 200 and download.content == certificate

    pledge = session.post(b + api + "/pledge", json={"password": PASSWORD}, headers=headers, timeout=60)
    assert pledge.status_code == 201, pledge.text[:500]

    results: dict[str, requests.Response] = {}
    start = threading.Barrier(2)

    def submit(name: str, url: str) -> None:
        start.wait()
        results[name] = session.post(url + api + "/submit", headers=headers, timeout=120)

    threads = [threading.Thread(target=submit, args=(n, u)) for n, u in (("a", a), ("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [200, 409], {n: (r.status_code, r.text[:300]) for n, r in results.items()}
    loser = next(r for r in results.values() if r.status_code == 409)
    assert loser.json()["code"] == "already_submitted"

    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    assert DossierVersion.objects.filter(dossier=dossier).count() == 1
    assert DossierStateChange.objects.filter(dossier=dossier, to_state="submitted").count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.DOSSIER_SUBMITTED, object_id=str(dossier.pk)).count() == 1
