"""What one submission costs in CPU, step by step, beside the ceiling: the profile behind the surge's gap (issue 11).

The surge (bench/surge/) measures wall time on a box the other work shares; this measures **CPU time**, which that
load distorts far less. In one process, on a fresh PostgreSQL database (created, migrated, seeded by seed_scale and
dropped, like bench/surge/run.py), under the surge's settings (production's, over plain HTTP), N applicants each walk
the locust applicant's path through Django's test client (CSRF enforced, as a browser would post):

    login page, log in, my dossiers page, dossier page, 10 autosaves (API), 3 PDF uploads of 1-3 MB, pledge, submit

and after each applicant the task worker runs what the path enqueued (the eligibility re-checks after the edits, the
uploads' previews). Per step it prints the app's CPU ms (time.process_time around the request, plus the CPU of child
processes waited for, such as the preview renderer: the view, middleware, templates and the driver, not the time
waiting on PostgreSQL), the queries, and the PostgreSQL ms (wall time of each query, summed by a
connection execute_wrapper: on a loaded box an upper bound of the server's CPU). The same is measured for the ceiling
(bench/surge/bare.py's one-row read and insert behind startproject's middleware) in the same process and run, and the
bound the CPU sets: 2 cores / (app + PostgreSQL ms per submission), beside the goal of 25 submissions/s.

SUBMISSION_COST_N applicants (default 10; the first is a warm-up, not counted), SUBMISSION_COST_PROFILE=0 skips the
cProfile of the three costliest steps. PostgreSQL at SURGE_PG (default postgres://postgres@127.0.0.1:5432).
Figures are printed, never asserted.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import random
import resource
import secrets
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SURGE = HERE / "surge"
sys.path[:0] = [str(REPO), str(SURGE)]

N = int(os.environ.get("SUBMISSION_COST_N", "10"))
PROFILE = os.environ.get("SUBMISSION_COST_PROFILE", "1") != "0"
PG = os.environ.get("SURGE_PG", "postgres://postgres@127.0.0.1:5432")
DB = f"zhicheng_cost_{int(time.time())}_{os.getpid()}"
VAR = Path(tempfile.mkdtemp(prefix="zhicheng-cost-"))
(VAR / "staticfiles").mkdir()  # whitenoise warns without it
GOAL = 25.0
CORES = 2
PASSWORD = "Zhicheng-2024!"
BOUNDARY = "BenchSubmissionCostBoundary"  # not the client's own: the body is encoded before the clock starts

os.environ.update({
    "DJANGO_SETTINGS_MODULE": "surge_settings", "DATABASE_URL": f"{PG}/{DB}",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "ZHICHENG_AUDIT_KEY": secrets.token_urlsafe(40),
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost", "ZHICHENG_VAR_DIR": str(VAR),
    "ZHICHENG_SSL_REDIRECT": "0",
})


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def backend_cpu_ms() -> tuple[int | None, float]:
    """The PostgreSQL backend serving our open connection and the CPU ms it has used (utime + stime in /proc: the
    box's PostgreSQL is local). 10 ms ticks: exact only summed over many requests, which is how it is reported.
    A step during which the backend changed (the task worker closes its connection) has no PostgreSQL CPU figure."""
    from django.db import connection

    if connection.connection is None or connection.connection.closed:
        return None, float("nan")
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None, float("nan")  # PostgreSQL on another host: only its wall time is reported
    return pid, (int(fields[11]) + int(fields[12])) * TICK_MS


def cpu_seconds() -> float:
    """This process's CPU and that of the children it waited for (the upload previews render in a child process)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Meter:
    """Queries and their wall time on the default connection."""

    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t
            self.queries += 1


class Steps:
    def __init__(self, meter: Meter) -> None:
        self.meter = meter
        self.rows: dict[str, list[tuple[float, int, float, float]]] = defaultdict(list)
        self.counting = True
        self.profiles: dict[str, cProfile.Profile] = {}
        self.profiled: set[str] = set()

    @contextmanager
    def step(self, name: str):
        # a CPU clock, not wall time: the box is shared
        profile = (self.profiles.setdefault(name, cProfile.Profile(time.process_time))
                   if name in self.profiled else None)
        pid0, b0 = backend_cpu_ms()
        q0, s0 = self.meter.queries, self.meter.seconds
        c0 = cpu_seconds()
        if profile is not None:
            profile.enable()
        try:
            yield
        finally:
            if profile is not None:
                profile.disable()
            cpu = cpu_seconds() - c0
            queries, seconds = self.meter.queries - q0, self.meter.seconds - s0
            if self.counting and profile is None:
                pid1, b1 = backend_cpu_ms()
                self.rows[name].append((cpu * 1000, queries, seconds * 1000,
                                        b1 - b0 if pid0 is not None and pid0 == pid1 else float("nan")))


def _mean(values: list[float]) -> float:
    """The mean of the measured values (NaN: not measured for that request), 0 if none was measured."""
    known = [v for v in values if v == v]
    return sum(known) / len(known) if known else 0.0


def _ok(response, *codes: int) -> None:
    if response.status_code not in codes:
        raise SystemExit(f"{response.request['PATH_INFO']}: {response.status_code} {response.content[:300]!r}")


def applicant_path(steps: Steps, me: dict) -> None:
    from django.test import Client
    from django.test.client import encode_multipart
    from surgelib import pdf

    c = Client(enforce_csrf_checks=True)
    with steps.step("login page"):
        _ok(c.get("/accounts/login/"), 200)
    with steps.step("log in"):
        r = c.post("/accounts/login/", {"username": me["username"], "password": PASSWORD,
                                        "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    _ok(r, 302)
    csrf = {"HTTP_X_CSRFTOKEN": c.cookies["csrftoken"].value}
    pk = me["dossier"]
    api = f"/api/v1/dossiers/{pk}"
    with steps.step("my dossiers page"):
        _ok(c.get("/dossiers/mine/"), 200)
    with steps.step("dossier page"):
        _ok(c.get(f"/dossiers/{pk}/"), 200)
    for n in range(10):
        field, value = (("phone", f"139{random.randrange(10**8):08d}") if n % 2 == 0
                        else ("political_status", random.choice(("群众", "中共党员"))))
        body = json.dumps({field: value})
        with steps.step("autosave"):
            _ok(c.put(api + "/sections/identity", body, content_type="application/json", **csrf), 200)
    uploads = [("continuing_education", me["ce_row"], "ce_certificate")]
    uploads += [("achievement", row, "") for row in me["papers"][:2]]
    for section, row, purpose in uploads:
        data = pdf(random.randint(1 << 20, 3 << 20), f"{pk}-{section}-{row}-{random.random()}")
        upload = io.BytesIO(data)
        upload.name = f"{section}.pdf"
        body = encode_multipart(BOUNDARY, {"item_id": str(row), "purpose": purpose, "file": upload})
        with steps.step("upload PDF"):
            _ok(c.post(f"/evidence/dossiers/{pk}/{section}/", body,
                       content_type=f"multipart/form-data; boundary={BOUNDARY}", **csrf), 201)
    with steps.step("sign pledge"):
        _ok(c.post(api + "/pledge", json.dumps({"password": PASSWORD}), content_type="application/json", **csrf),
            200, 201)
    with steps.step("submit"):
        _ok(c.post(api + "/submit", content_type="application/json", **csrf), 200, 201)


def worker(steps: Steps) -> None:
    """What the task worker does for this path (the eligibility re-check after the edits): also the 2 cores' work."""
    from django.core.management import call_command

    with steps.step("task worker (after commit)"):
        call_command("db_worker", queue_name="*", batch=True, startup_delay=False, verbosity=0)


CEILING_MIDDLEWARE = [  # django-admin startproject's list, as bare.py serves it
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def ceiling(steps: Steps, rounds: int) -> None:
    from django.db import connection
    from django.test import Client, override_settings

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), "
                       "payload text NOT NULL); INSERT INTO bench_ceiling (payload) SELECT md5(g::text) "
                       "FROM generate_series(1, 1000) g")
    import bare  # noqa: F401 - its views and urlpatterns; the settings are ours (already configured)

    c = Client()
    with override_settings(ROOT_URLCONF="bare", MIDDLEWARE=CEILING_MIDDLEWARE):
        for n in range(rounds):
            with steps.step("ceiling: one-row read"):
                _ok(c.get(f"/read/{random.randint(1, 1000)}"), 200)
            with steps.step("ceiling: one-row insert"):
                _ok(c.post("/insert", b"x" * 64, content_type="application/octet-stream"), 201)
            if n == 0:
                steps.rows.pop("ceiling: one-row read", None)  # warm-up
                steps.rows.pop("ceiling: one-row insert", None)


# --- the profile: where the costliest steps' time goes --------------------------------------------------------

GROUPS = [  # (group, markers: "path fragment:function"); a function's cumulative time counts once per group
    ("Argon2 (log-in, pledge)", ["argon2/low_level.py:verify_secret", "argon2/low_level.py:hash_secret"]),
    ("template rendering", ["django/template/base.py:render", "django/template/response.py:render"]),
    ("ORM/SQL building", ["django/db/models/sql/compiler.py:as_sql"]),
    ("database round trips (driver CPU)", ["django/db/backends/utils.py:_execute"]),
    ("PDF inspection of uploads", ["zhicheng/files/inspection.py:evidence_inspect"]),
    ("upload parsing (multipart)", ["django/http/multipartparser.py:parse", "zhicheng/files/uploads.py:"
                                    "evidence_upload_parse"]),
    ("audit hashing", ["zhicheng/audit/chain.py:audit_hash", "zhicheng/audit/chain.py:mac"]),
    ("eligibility", ["zhicheng/eligibility/services.py:eligibility_evaluate"]),
    ("session and authentication", ["django/contrib/auth/middleware.py:", "django/contrib/sessions/:"]),
]


def _cumulative(stats: pstats.Stats, marker: str) -> float:
    path, func = marker.split(":")
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if path in filename and (not func or name == func):
            # count only calls from outside the same group, so recursion and nested markers are not counted twice
            if any(path in caller[0] and (not func or caller[2] == func) for caller in callers):
                continue
            total += ct
    return total


def profile_report(steps: Steps, names: list[str], calls: dict[str, int]) -> list[str]:
    lines = []
    for name in names:
        profile = steps.profiles.get(name)
        if profile is None:
            continue
        stats = pstats.Stats(profile)
        total = stats.total_tt  # type: ignore[attr-defined]
        per = calls[name]
        lines.append(f"-- profile: {name} ({per} requests, {total * 1000 / per:.1f} CPU ms per request under cProfile)")
        for group, markers in GROUPS:
            t = sum(_cumulative(stats, m) for m in markers)
            if t >= 0.005 * total:
                lines.append(f"   {group:<42}{t * 1000 / per:>8.1f} ms  {t / total:>5.0%}")
        lines.append("   (cumulative CPU; groups overlap: templates include the queries they run, etc.)")
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
        body = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(body) if "ncalls" in line), 0)
        lines.append("   top functions by their own CPU time:")
        for line in body[start:start + 13]:
            line = line.replace(str(REPO) + "/", "").replace(sys.prefix + "/", "")
            if len(line) > 150:
                line = line[:150]
            lines.append("   " + line)
    return lines


def main() -> None:
    import psycopg

    try:
        _admin(f"CREATE DATABASE {DB}")
    except psycopg.OperationalError as exc:  # `make bench` runs every bench: say why this one measured nothing
        print(f"PostgreSQL at {PG} cannot be reached, nothing measured: {str(exc).strip()[:200]}")
        shutil.rmtree(VAR, ignore_errors=True)
        return
    try:
        import django

        django.setup()
        from dbtools import plan
        from django.core.management import call_command
        from django.db import connection

        t = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_scale", dossiers=60, ready=N + 4, stdout=io.StringIO())
        plan_file = VAR / "plan.json"
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                plan(str(plan_file))
            finally:
                sys.stdout = stdout
        applicants = json.loads(plan_file.read_text())["applicants"]
        print(f"database {DB}: migrated and seeded in {time.monotonic() - t:.0f} s; {N} applicants "
              "(the first is a warm-up)", flush=True)

        meter = Meter()
        steps = Steps(meter)
        with connection.execute_wrapper(meter):
            wall = time.monotonic()
            for i, me in enumerate(applicants[:N]):
                steps.counting = i > 0
                applicant_path(steps, me)
                worker(steps)
            wall = time.monotonic() - wall
            ceiling(steps, 201)
            counted = N - 1
            per_step = dict(steps.rows)

            # the profile: three more applicants with cProfile on the three steps costing the most per submission
            costliest = sorted((n for n in per_step if not n.startswith("ceiling")),
                               key=lambda n: -sum(r[0] for r in per_step[n]))[:3]
            profile_lines: list[str] = []
            if PROFILE and len(applicants) > N + 2:
                steps.counting = False
                steps.profiled = set(costliest)
                for me in applicants[N:N + 3]:
                    applicant_path(steps, me)
                    worker(steps)
                calls = {n: 3 * len(per_step[n]) // counted for n in costliest}
                profile_lines = profile_report(steps, costliest, calls)

        order = ["login page", "log in", "my dossiers page", "dossier page", "autosave", "upload PDF", "sign pledge",
                 "submit", "task worker (after commit)"]
        print(f"{'step':<27}{'n/sub':>6}{'app CPU':>9}{'queries':>9}{'PG CPU':>8}{'PG wall':>9}"
              f"{'CPU ms/sub':>12}{'share':>7}   (ms per request unless /sub)")
        totals = [0.0, 0.0, 0.0, 0.0]  # app CPU, queries, PG CPU, PG wall per submission
        lines = []
        for name in order:
            rows = per_step[name]
            k = len(rows) / counted
            app, q, pg_wall, pg_cpu = (_mean([r[i] for r in rows]) for i in range(4))
            for i, v in enumerate((app, q, pg_cpu, pg_wall)):
                totals[i] += v * k
            lines.append((name, k, app, q, pg_cpu, pg_wall))
        total = totals[0] + totals[2]
        for name, k, app, q, pg_cpu, pg_wall in lines:
            print(f"{name:<27}{k:>6.0f}{app:>9.1f}{q:>9.1f}{pg_cpu:>8.1f}{pg_wall:>9.1f}{(app + pg_cpu) * k:>12.1f}"
                  f"{(app + pg_cpu) * k / total:>7.0%}")
        print(f"{'per submission':<27}{'':>6}{totals[0]:>9.1f}{totals[1]:>9.0f}{totals[2]:>8.1f}{totals[3]:>9.1f}"
              f"{total:>12.1f}")
        for name in ("ceiling: one-row read", "ceiling: one-row insert"):
            rows = per_step[name]
            app, q, pg_wall, pg_cpu = (_mean([r[i] for r in rows]) for i in range(4))
            print(f"{name:<27}{'':>6}{app:>9.2f}{q:>9.1f}{pg_cpu:>8.2f}{pg_wall:>9.2f}{app + pg_cpu:>12.2f}")
        read = per_step["ceiling: one-row read"]
        read_ms = _mean([r[0] for r in read]) + _mean([r[3] for r in read])
        print(f"bound by CPU: {CORES} cores / {total:.0f} ms per submission (app {totals[0]:.0f} + PostgreSQL "
              f"{totals[2]:.0f}) = {CORES * 1000 / total:.1f} submissions/s; goal {GOAL:.0f}/s needs <= "
              f"{CORES * 1000 / GOAL:.0f} ms, i.e. {CORES * 1000 / GOAL / read_ms:.0f} ceiling reads' worth "
              f"(a submission now costs {total / read_ms:.0f})")
        print(f"wall time of the {N} paths in one thread: {wall:.1f} s")
        for line in profile_lines:
            print(line)
        load = os.getloadavg()
        print(f"box: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
              "(CPU times move little with the load; PG wall is wall time and moves with it)")
    finally:
        from django.db import connections

        connections.close_all()
        _admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        shutil.rmtree(VAR, ignore_errors=True)


if __name__ == "__main__":
    main()
