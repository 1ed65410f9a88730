"""The review queue pages at scale through the real app: p50/p95/p99 beside the bare one-row read, same run.

    DATABASE_URL=postgres://…/<db seeded by seed_scale --dossiers 1000000> python bench/queues/pages.py

Starts the app (production settings over plain HTTP, bench/surge/surge_settings.py) and the bare ceiling project
(bench/surge/bare.py) under gunicorn gthread with the same workers and threads, logs in as a clerk of the busiest
unit, department and the office (TOTP from the bench key), and hammers each queue page and API (page one, and the
keyset "next page" the page links to) with QUEUE_CLIENTS clients for QUEUE_SECONDS each, then the ceiling. Prints
req/s and p50/p95/p99 per path, the ratio to the ceiling, the goal (p95 < 100 ms, printed, never asserted), the app
workers' RSS idle and loaded, and the box's load average (other work on the box slows every figure).
The database is only read (plus sessions); the ceiling's table `bench_ceiling` is created if missing.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import requests

HERE = Path(__file__).resolve().parent
SURGE = HERE.parent / "surge"
REPO = HERE.parent.parent
sys.path.insert(0, str(SURGE))

from run import PASSWORD, PY, free_port, log_in, server_cmd, wait_ready  # noqa: E402

E = os.environ.get
SECONDS = float(E("QUEUE_SECONDS", "15"))
CLIENTS = int(E("QUEUE_CLIENTS", "4"))
GOAL_P95_MS = 100


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def workers_of(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def hammer(call, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop() -> None:
        mine, bad = [], 0
        while time.monotonic() < stop:
            t = time.perf_counter()
            try:
                ok = call().status_code < 400
            except requests.RequestException:
                ok = False
            mine.append(time.perf_counter() - t)
            bad += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"rps": len(latencies) / (time.monotonic() - started), "p50": q[49] * 1000, "p95": q[94] * 1000,
            "p99": q[98] * 1000, "n": len(latencies), "errors": errors[0]}


def orgs_and_clerks(db_url: str) -> list[tuple[str, int, str, int]]:
    """(kind, organisation id, a clerk's username, held dossiers) of the busiest unit, department and office."""
    out = []
    with psycopg.connect(db_url) as conn:
        for kind, role in (("unit", "review_clerk"), ("department", "review_clerk"), ("office", "office_staff")):
            row = conn.execute(
                "SELECT d.held_by_id, count(*) FROM dossiers_dossier d JOIN accounts_organisation o "
                "ON o.id = d.held_by_id WHERE o.kind = %s GROUP BY 1 ORDER BY 2 DESC LIMIT 1", [kind]).fetchone()
            if row is None:
                continue
            user = conn.execute(
                "SELECT u.username FROM accounts_user u JOIN accounts_membership m ON m.user_id = u.id "
                "WHERE m.organisation_id = %s AND m.role = %s AND m.is_active ORDER BY u.id LIMIT 1",
                [row[0], role]).fetchone()
            if user:
                out.append((kind, row[0], user[0], row[1]))
        conn.execute("CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, at timestamptz NOT NULL "
                     "DEFAULT now(), payload text NOT NULL)")
        if conn.execute("SELECT count(*) FROM bench_ceiling").fetchone()[0] < 1000:
            conn.execute("INSERT INTO bench_ceiling (payload) SELECT md5(g::text) FROM generate_series(1, 1000) g")
    return out


def session_like(template: requests.Session) -> requests.Session:
    s = requests.Session()
    s.cookies.update(template.cookies)
    return s


def per_thread(template: requests.Session, url: str):
    local = threading.local()

    def call():
        if not hasattr(local, "s"):
            local.s = session_like(template)
        return local.s.get(url, timeout=60)

    return call


def main() -> None:
    db_url = os.environ["DATABASE_URL"]
    targets = orgs_and_clerks(db_url)
    var = Path(tempfile.mkdtemp(prefix="zhicheng-bench-queues-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "surge_settings", "PYTHONPATH": f"{REPO}:{SURGE}",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "ZHICHENG_AUDIT_KEY": secrets.token_urlsafe(40),
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "ZHICHENG_VAR_DIR": str(var), "ZHICHENG_SSL_REDIRECT": "0"}
    # the clerks' password hashed under the served settings (a set seeded under the test settings has MD5 hashes)
    hashed = subprocess.run([PY, "-c", "import django; django.setup(); from django.contrib.auth.hashers import "
                             f"make_password; print(make_password({PASSWORD!r}))"], cwd=REPO, env=env, check=True,
                            capture_output=True, text=True).stdout.split()[-1]
    with psycopg.connect(db_url) as conn:
        conn.execute("UPDATE accounts_user SET password = %s WHERE username = ANY(%s)",
                     [hashed, [username for _k, _o, username, _n in targets]])
    app_port, bare_port = free_port(), free_port()
    logs = (var / "servers.log").open("w")
    app = subprocess.Popen(server_cmd("gunicorn", "config.wsgi:application", app_port), cwd=REPO, env=env,
                           stdout=logs, stderr=subprocess.STDOUT, start_new_session=True)
    bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
    bare_env["PYTHONPATH"] = str(SURGE)
    bare = subprocess.Popen(server_cmd("gunicorn", "bare:application", bare_port), cwd=SURGE, env=bare_env,
                            stdout=logs, stderr=subprocess.STDOUT, start_new_session=True)
    base, ceiling = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
    lines = [f"== queue pages at {targets[0][3] if targets else 0:,}+ held rows; gunicorn gthread, {CLIENTS} clients, "
             f"{SECONDS:.0f} s a path"]
    try:
        wait_ready(base + "/readyz", app)
        wait_ready(ceiling + "/read/1", bare)
        time.sleep(2)
        idle = [rss_mb(p) for p in workers_of(app.pid)]
        paths: list[tuple[str, object]] = []
        raw = requests.Session()
        paths.append(("ceiling: one-row read", per_thread(raw, ceiling + "/read/1")))
        for kind, org, username, held in targets:
            who = log_in(base, username, totp=True)
            page = who.get(f"{base}/review/queue/{org}/", timeout=120)
            found = re.search(r"after=([^&\"']+)", page.text)
            api = who.get(f"{base}/api/v1/review/queue?organisation={org}", timeout=120).json()
            paths.append((f"{kind} queue page ({held:,} held)", per_thread(who, f"{base}/review/queue/{org}/")))
            if found:
                paths.append((f"{kind} queue page, next (keyset)",
                              per_thread(who, f"{base}/review/queue/{org}/?after={found.group(1)}")))
            paths.append((f"{kind} queue API", per_thread(who, f"{base}/api/v1/review/queue?organisation={org}")))
            if api.get("next_after"):
                after = quote(api["next_after"], safe="")  # "+08:00" must not arrive as a space
                paths.append((f"{kind} queue API, next (keyset)", per_thread(
                    who, f"{base}/api/v1/review/queue?organisation={org}&after={after}")))
        anon = requests.Session()
        paths.append(("public list page", per_thread(anon, f"{base}/public/publicity/")))
        paths.append(("public list API", per_thread(anon, f"{base}/api/v1/public/publicity/")))
        loaded: list[float] = []
        results = []
        for name, call in paths:
            call()  # warm: this worker's caches, the connection
            sampler_stop = threading.Event()

            def sample(stop=sampler_stop) -> None:
                while not stop.is_set():
                    loaded.extend(rss_mb(p) for p in workers_of(app.pid))
                    stop.wait(0.5)

            sampler = threading.Thread(target=sample)
            sampler.start()
            results.append((name, hammer(call, CLIENTS, SECONDS)))
            sampler_stop.set()
            sampler.join()
        read = results[0][1]["rps"]
        lines.append(f"{'path':<40} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'err':>4}  ms; ratio to the ceiling")
        for name, r in results:
            ratio = "" if name.startswith("ceiling") else f"{r['rps'] / read:.0%} of the one-row read"
            goal = "" if name.startswith("ceiling") else ("  p95 goal met" if r["p95"] < GOAL_P95_MS else
                                                          "  p95 over the goal")
            lines.append(f"{name:<40} {r['rps']:7.1f} {r['p50']:6.0f} {r['p95']:6.0f} {r['p99']:6.0f} "
                         f"{r['errors']:4d}  {ratio}{goal}")
        lines.append(f"app worker RSS: idle {', '.join(f'{m:.0f}' for m in idle)} MB; loaded max "
                     f"{max(loaded) if loaded else 0:.0f} MB")
    finally:
        for proc in (app, bare):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in (app, bare):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    load = os.getloadavg()
    lines.append(f"box: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
                 "(other work on the box slows every figure)")
    lines.append(f"goal (printed, never asserted): queue pages p95 < {GOAL_P95_MS} ms")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
