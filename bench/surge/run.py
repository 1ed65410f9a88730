"""`make bench-surge`: the last day before the deadline against the production stack, with the ceiling beside it.

For each server asked for (SURGE_SERVER=gunicorn|granian|both), on a fresh PostgreSQL database:
  1. PostgreSQL is started if it is down; a database `zhicheng_surge_<time>` is created, migrated and seeded
     (`seed_scale --dossiers SURGE_DOSSIERS --ready SURGE_READY`: a campaign whose window is open now);
  2. the app (config.wsgi, production settings over plain HTTP: surge_settings.py) and the bare ceiling project
     (bare.py) start under the same server with the same workers and threads, and the task worker (db_worker);
  3. locust runs the mix headless for SURGE_DURATION seconds (CSV in the output folder): submissions/s and
     p50/p95/p99 per step, errors;
  4. in the same run, on the same servers, each path is hammered alone for SURGE_HAMMER_SECONDS with
     SURGE_HAMMER_CONCURRENCY clients beside the ceiling's one-row read (GET paths) or one-row insert (writes):
     req/s, p50/p99 and our ratio;
  5. every submission that got a 2xx is checked in the database and storage (dbtools.py verify): 0 lost, 0 doubled;
  6. everything started is stopped and the database dropped (SURGE_KEEP_DB=1 keeps it).
The report is printed and written to the output folder (var/bench-surge/<time>/report.txt). Goals are printed,
never asserted: the box may be shared.
"""

from __future__ import annotations

import csv
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PY = sys.executable
E = os.environ.get
DURATION = int(E("SURGE_DURATION", "60"))
USERS = int(E("SURGE_USERS", "25"))
SPAWN = float(E("SURGE_SPAWN_RATE", "5"))
DOSSIERS = int(E("SURGE_DOSSIERS", "20000"))
READY = int(E("SURGE_READY", "1500"))
MIX = E("SURGE_MIX", "applicant=8,clerk=1,public=1")
WORKERS = int(E("SURGE_WORKERS", "2"))
THREADS = int(E("SURGE_THREADS", "8"))
HAMMER_SECONDS = float(E("SURGE_HAMMER_SECONDS", "5"))
HAMMER_CONCURRENCY = int(E("SURGE_HAMMER_CONCURRENCY", "8"))
PG = E("SURGE_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "Zhicheng-2024!"
GOAL = "goals (printed, never asserted): >= 25 submissions/s, p99 < 500 ms, 0 errors, 0 lost or doubled"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(cmd: list[str], env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=REPO, env=env, check=True, text=True, **kw)


def postgres_up() -> None:
    host = PG.split("@")[-1].split(":")[0]
    if subprocess.run(["pg_isready", "-h", host, "-q"], check=False).returncode == 0:
        return
    print("PostgreSQL is down: starting it")
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
    for _ in range(30):
        if subprocess.run(["pg_isready", "-h", host, "-q"], check=False).returncode == 0:
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL cannot be reached")


def psql(sql: str, db: str = "postgres") -> None:
    sh(["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-qc", sql], stdout=subprocess.DEVNULL)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB)."""
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
        pids += [int(p) for p in out.stdout.split()]
        for p in pids:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    except (OSError, ValueError):
        pass
    return total / 1024


def server_cmd(kind: str, app: str, port: int) -> list[str]:
    if kind == "granian":
        return [PY, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(WORKERS), "--blocking-threads", str(THREADS), "--no-ws", "--log-level", "warning",
                app]
    return [PY, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
            "--workers", str(WORKERS), "--threads", str(THREADS), "--timeout", "120",
            # keep idle client connections longer than any user's think time (locust: up to 3 s): at gunicorn's
            # default of 2 s a request sent as the server closes the idle socket was reset (ConnectionResetError)
            "--keep-alive", "75", "--log-level", "warning"]


def wait_ready(url: str, proc: subprocess.Popen, seconds: int = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the server exited ({proc.returncode})")
        try:
            if requests.get(url, timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url}: not ready after {seconds} s")


# --- the hammer: one path alone, closed loop ----------------------------------------------------------------

def log_in(base: str, username: str, totp: bool = False) -> requests.Session:
    s = requests.Session()
    s.get(base + "/accounts/login/", timeout=60)
    r = s.post(base + "/accounts/login/", data={"username": username, "password": PASSWORD,
                                                "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
               allow_redirects=False, timeout=60)
    if r.status_code != 302:
        raise SystemExit(f"hammer: {username} cannot log in ({r.status_code})")
    if totp:
        sys.path.insert(0, str(HERE))
        from surgelib import totp_now

        page = s.get(base + "/accounts/otp/verify/", timeout=60)
        token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        r = s.post(base + "/accounts/otp/verify/", data={"token": totp_now(), "csrfmiddlewaretoken": token},
                   allow_redirects=False, timeout=60)
        if r.status_code != 302:
            raise SystemExit(f"hammer: {username} TOTP refused ({r.status_code})")
    return s


def hammer(name: str, call, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

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
    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"path": name, "rps": len(latencies) / elapsed, "p50": q[49] * 1000, "p99": q[98] * 1000,
            "n": len(latencies), "errors": errors[0]}


def ceiling_phase(app: str, bare: str, applicant: dict, clerk: dict | None) -> list[dict]:
    who = log_in(app, applicant["username"])
    csrf = {"X-CSRFToken": who.cookies.get("csrftoken", "")}
    pk = applicant["dossier"]
    anon = requests.Session()
    raw = requests.Session()
    paths = [
        ("ceiling: one-row read", lambda: raw.get(f"{bare}/read/{random.randint(1, 1000)}", timeout=60), None),
        ("ceiling: one-row insert", lambda: raw.post(f"{bare}/insert", data=b"x" * 64, timeout=60), None),
        ("my dossiers page", lambda: who.get(app + "/dossiers/mine/", timeout=60), "read"),
        ("dossier page", lambda: who.get(f"{app}/dossiers/{pk}/", timeout=60), "read"),
        ("dossier API", lambda: who.get(f"{app}/api/v1/dossiers/{pk}", timeout=60), "read"),
        ("autosave API", lambda: who.put(f"{app}/api/v1/dossiers/{pk}/sections/identity", headers=csrf, timeout=60,
                                         json={"phone": f"139{random.randrange(10**8):08d}"}), "insert"),
        ("public list page", lambda: anon.get(app + "/public/publicity/", timeout=60), "read"),
        ("public list API", lambda: anon.get(app + "/api/v1/public/publicity/", timeout=60), "read"),
    ]
    if clerk is not None:
        staff = log_in(app, clerk["username"], totp=True)
        paths += [("unit queue page", lambda: staff.get(app + "/review/queue/", timeout=60), "read"),
                  ("unit queue API", lambda: staff.get(app + "/api/v1/review/queue", timeout=60), "read")]
    rows = []
    for name, call, _kind in paths:
        call()  # warm
        rows.append(hammer(name, call, HAMMER_CONCURRENCY, HAMMER_SECONDS))
    ceiling = {"read": rows[0]["rps"], "insert": rows[1]["rps"]}
    for row, (_n, _c, kind) in zip(rows, paths, strict=True):
        row["ratio"] = row["rps"] / ceiling[kind] if kind and ceiling[kind] else None
        row["vs"] = kind or ""
    return rows


# --- one run --------------------------------------------------------------------------------------------------

def locust_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run(kind: str, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    db = f"zhicheng_surge_{int(time.time())}_{kind}"
    psql(f"CREATE DATABASE {db}")
    var = out / "var"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "surge_settings", "PYTHONPATH": f"{REPO}:{HERE}",
           "DATABASE_URL": f"{PG}/{db}", "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
           "ZHICHENG_AUDIT_KEY": secrets.token_urlsafe(40), "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
           "ZHICHENG_VAR_DIR": str(var), "ZHICHENG_SSL_REDIRECT": "0"}
    procs: list[subprocess.Popen] = []
    try:
        t = time.monotonic()
        sh([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env)
        seed = sh([PY, "manage.py", "seed_scale", "--dossiers", str(DOSSIERS), "--ready", str(READY)], env=env,
                  capture_output=True)
        seed_line = [line for line in seed.stdout.splitlines() if "rows/s" in line][-1]
        print(f"[{kind}] seeded in {time.monotonic() - t:.0f} s: {seed_line}")
        psql("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), "
             "payload text NOT NULL); INSERT INTO bench_ceiling (payload) SELECT md5(g::text) "
             "FROM generate_series(1, 1000) g", db)
        plan_file = out / "plan.json"
        sh([PY, str(HERE / "dbtools.py"), "plan", str(plan_file)], env=env)
        plan = json.loads(plan_file.read_text())
        reserved_applicant = plan["applicants"].pop()  # for the hammer, never in the surge
        reserved_clerk = plan["clerks"].pop() if len(plan["clerks"]) > 1 else None
        plan_file.write_text(json.dumps(plan))

        app_port, bare_port = free_port(), free_port()
        logs = (out / "servers.log").open("w")
        app = subprocess.Popen(server_cmd(kind, "config.wsgi:application", app_port), cwd=REPO, env=env,
                               stdout=logs, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(app)
        bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
        bare_env["PYTHONPATH"] = str(HERE)
        procs.append(subprocess.Popen(server_cmd(kind, "bare:application", bare_port), cwd=HERE, env=bare_env,
                                      stdout=logs, stderr=subprocess.STDOUT, start_new_session=True))
        procs.append(subprocess.Popen([PY, "manage.py", "db_worker", "--queue-name", "*"], cwd=REPO, env=env,
                                      stdout=logs, stderr=subprocess.STDOUT, start_new_session=True))
        base, bare = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
        wait_ready(base + "/readyz", app)
        wait_ready(bare + "/read/1", procs[1])
        rss = [rss_mb(app.pid)]
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(5):
                rss.append(rss_mb(app.pid))

        threading.Thread(target=sample, daemon=True).start()
        print(f"[{kind}] locust: {USERS} users, mix {MIX}, {DURATION} s against {base}")
        prefix = out / "surge"
        subprocess.run([PY, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(USERS),
                        "-r", str(SPAWN), "-t", f"{DURATION}s", "--host", base, "--csv", str(prefix),
                        "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING"],
                       cwd=REPO, env={**env, "SURGE_PLAN": str(plan_file), "SURGE_OUT": str(out), "SURGE_MIX": MIX},
                       check=False, stdout=(out / "locust.log").open("w"), stderr=subprocess.STDOUT)
        sampling.set()
        stats = locust_stats(prefix)
        print(f"[{kind}] ceiling phase: each path alone, {HAMMER_CONCURRENCY} clients, {HAMMER_SECONDS:.0f} s")
        hammered = ceiling_phase(base, bare, reserved_applicant, reserved_clerk)
        log = out / "submissions.jsonl"
        log.touch()
        check = json.loads(sh([PY, str(HERE / "dbtools.py"), "verify", str(log)], env=env,
                              capture_output=True).stdout.splitlines()[-1])
        return {"server": kind, "stats": stats, "hammer": hammered, "check": check, "rss": rss, "seed": seed_line}
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if E("SURGE_KEEP_DB") != "1":
            psql(f"DROP DATABASE IF EXISTS {db}")
            shutil.rmtree(var, ignore_errors=True)


def report(result: dict) -> str:
    lines = [f"== {result['server']} ({WORKERS} workers x {THREADS} threads), {DURATION} s, {USERS} users, "
             f"mix {MIX}", f"seed: {result['seed']}"]
    total = next((r for r in result["stats"] if r["Name"] == "Aggregated"), None)
    ok = result["check"]["checked"]  # the 2xx submits the users logged (locust's CSV may miss the last ones)
    lines.append(f"submissions: {ok} in {DURATION} s = {ok / DURATION:.2f}/s; requests {total['Request Count']}, "
                 f"errors {total['Failure Count']}" if total else "no requests recorded")
    lines.append(f"{'step':<22}{'n':>7}{'err':>6}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}  ms")
    for r in result["stats"]:
        if r["Name"] != "Aggregated":
            lines.append(f"{r['Name'][:22]:<22}{r['Request Count']:>7}{r['Failure Count']:>6}"
                         f"{float(r['Requests/s']):>8.1f}{r['50%']:>8}{r['95%']:>8}{r['99%']:>8}")
    lines.append(f"{'path alone':<26}{'req/s':>8}{'p50':>8}{'p99':>8}{'err':>6}  ratio to the ceiling")
    for h in result["hammer"]:
        ratio = f"{h['ratio']:.0%} of the one-row {h['vs']}" if h["ratio"] is not None else ""
        lines.append(f"{h['path'][:26]:<26}{h['rps']:>8.1f}{h['p50']:>8.0f}{h['p99']:>8.0f}{h['errors']:>6}  {ratio}")
    c = result["check"]
    lines.append(f"after the run: {c['checked']} submissions with a 2xx, {c['files']} files checked: "
                 f"{c['lost']} lost, {c['doubled']} doubled" + ("" if not c["problems"] else f" {c['problems']}"))
    rss = result["rss"]
    lines.append(f"app server RSS (all workers): start {rss[0]:.0f} MB, max {max(rss):.0f} MB, end {rss[-1]:.0f} MB")
    load = os.getloadavg()
    lines.append(f"box: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
                 "(other work on the box slows every figure)")
    lines.append(GOAL)
    return "\n".join(lines)


def main() -> None:
    postgres_up()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path(E("SURGE_OUT_DIR", str(REPO / "var" / "bench-surge" / stamp)))
    servers = ["gunicorn", "granian"] if E("SURGE_SERVER", "gunicorn") == "both" else [E("SURGE_SERVER", "gunicorn")]
    texts = []
    for kind in servers:
        text = report(run(kind, out / kind))
        print(text, flush=True)
        texts.append(text)
    (out / "report.txt").write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    print(f"report: {out / 'report.txt'}")


if __name__ == "__main__":
    main()
