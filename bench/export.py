"""A 100,000-row review-queue export through the task worker: prints rows/second and the worker's RSS growth.

Run by `make bench`. Builds a throwaway SQLite database in a temporary folder (migrations, the 2024 campaign, one
unit with a review clerk, 101,000 submitted dossiers made cheaply with bulk_create), asks for two exports as the
clerk (1,000 rows to warm the worker up, then 100,000 rows, the queue filtered by series as on the page), and runs
`manage.py db_worker --batch` in its own process. The worker's resident memory is sampled from /proc while it works:
the growth is the peak during the big export minus the resident size after the warm-up export.
Target: growth under 50 MB (exit 1 otherwise). ZHICHENG_BENCH_EXPORT_N changes the count.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COUNT = int(os.environ.get("ZHICHENG_BENCH_EXPORT_N", "100000"))
WARM_UP = 1000
TARGET_GROWTH_MB = 50


def rss_kb(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) if found else None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (independent of how busy the machine is)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def build(env: dict) -> tuple[int, int]:
    """Migrate and fill the throwaway database; queue the two exports; return their ids."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from zhicheng.accounts.models import Membership, Organisation, Role, User
    from zhicheng.campaigns.services import campaign_load_from_file
    from zhicheng.catalog.models import Level, Series
    from zhicheng.dossiers.models import Dossier
    from zhicheng.reports.services import export_request

    campaign = campaign_load_from_file()
    office = Organisation.objects.create(name="新区组织部", kind="office")
    department = Organisation.objects.create(name="教体局", kind="department", parent=office)
    unit = Organisation.objects.create(name="第一中学", kind="unit", parent=department)
    clerk = User.objects.create(username="clerk", real_name="王经办", id_number="620100198001010011")
    Membership.objects.create(user=clerk, organisation=unit, role=Role.REVIEW_CLERK)
    engineering, teachers = Series.objects.get(name="工程"), Series.objects.get(name="中小学教师")
    level = Level.objects.get(name="中级")
    now = timezone.now()
    started = time.perf_counter()
    total = COUNT + WARM_UP
    step = 5000
    for first in range(0, total, step):
        users = User.objects.bulk_create([
            User(username=f"sq{n:06d}", real_name=f"申报人{n}", id_number=f"6201{n:013d}X",
                 password="!") for n in range(first, min(total, first + step))
        ])
        Dossier.objects.bulk_create([
            Dossier(applicant=u, campaign=campaign, organisation=unit, level=level, route="self", state="submitted",
                    series=teachers if n + first < WARM_UP else engineering, submitted_at=now, state_changed_at=now,
                    held_by=unit, held_since=now)
            for n, u in enumerate(users)
        ])
    print(f"built {total} dossiers in {time.perf_counter() - started:.1f} s")
    warm = export_request(actor=clerk, kind="queue", filters={"organisation": unit.pk, "series": teachers.pk})
    big = export_request(actor=clerk, kind="queue", filters={"organisation": unit.pk, "series": engineering.pk})
    return warm.pk, big.pk


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="zhicheng-bench-export-"))
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "ZHICHENG_VAR_DIR": str(folder / "var"), "ZHICHENG_LOG_LEVEL": "WARNING",
        "ZHICHENG_EXPORT_MAX_ROWS": str(COUNT + WARM_UP),
    }
    warm_id, big_id = build(env)
    from zhicheng.reports.models import Export

    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    baseline = peak = None
    big_started = cpu_start = cpu_end = None
    while worker.poll() is None:
        rss, cpu = rss_kb(worker.pid), cpu_seconds(worker.pid)
        states = dict(Export.objects.filter(pk__in=(warm_id, big_id)).values_list("pk", "status"))
        if baseline is None and states.get(warm_id) == "ready":
            baseline, big_started, cpu_start = rss, time.perf_counter(), cpu
        elif baseline is not None and rss is not None:
            peak = max(peak or 0, rss)
            cpu_end = cpu if states.get(big_id) != "ready" or cpu_end is None else cpu_end
        time.sleep(0.05)
    elapsed = time.perf_counter() - (big_started or time.perf_counter())
    big = Export.objects.get(pk=big_id)
    if big.status != "ready" or baseline is None or peak is None:
        print(f"export did not finish: {big.status} {big.error}")
        return 1
    from django.core.files.storage import default_storage
    from openpyxl import load_workbook

    with default_storage.open(big.file.name, "rb") as handle:
        sheet = load_workbook(handle, read_only=True).active
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        rows = sum(1 for _ in sheet.iter_rows(min_row=2))
    growth_mb = (peak - baseline) / 1024
    print(f"rows: {rows} (header: {', '.join(header[:4])} …), file {big.size / 1e6:.1f} MB")
    print(f"rows/s: {rows / elapsed:,.0f} ({elapsed:.1f} s wall clock; load average {os.getloadavg()[0]:.1f})")
    if cpu_start is not None and cpu_end is not None and cpu_end > cpu_start:
        print(f"rows per CPU-second of the worker: {rows / (cpu_end - cpu_start):,.0f}")
    print(f"worker RSS: {baseline / 1024:.1f} MB after warm-up, peak {peak / 1024:.1f} MB, growth {growth_mb:.1f} MB "
          f"(target < {TARGET_GROWTH_MB} MB)")
    return 0 if rows == COUNT and growth_mb < TARGET_GROWTH_MB else 1


if __name__ == "__main__":
    sys.exit(main())
