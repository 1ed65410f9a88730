"""EXPLAIN (ANALYZE, BUFFERS) of every query the review queues and the public list issue, on a seeded database.

    DATABASE_URL=postgres://…/zc_scale1m python bench/queues/explain.py [out-folder]

Run it on a database filled by `manage.py seed_scale --dossiers 1000000`. It takes the busiest unit, department and
the office, calls the selectors exactly as the page and API views call them (page one of each sort, the keyset
"next page", page 50 by OFFSET, the counts and summary, the department's hand-over lists, the dashboard counts and
the page filtered on blocking findings, the public list), captures the SQL Django sends and explains each statement.
It prints one line per statement (execution ms, shared buffers hit/read, the costliest node, any sort that spilled to
disk) and writes the full plans to `<out-folder>/plans.txt` (default var/bench-queues/). Timings depend on the box's
load, printed first.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from zhicheng.accounts.models import Organisation, OrganisationKind  # noqa: E402
from zhicheng.dossiers.models import Dossier  # noqa: E402
from zhicheng.publicity import selectors as publicity  # noqa: E402
from zhicheng.review import selectors as review  # noqa: E402
from zhicheng.review.api_queues import PAGE_SIZE as API_PAGE  # noqa: E402
from zhicheng.review.views_queue import PAGE_SIZE  # noqa: E402
from zhicheng.web.worktodo import _queue_count  # noqa: E402


def busiest(kind: str) -> Organisation:
    row = (Dossier.objects.filter(held_by__kind=kind, state__in=review.REVIEW_HELD_STATES).values("held_by")
           .annotate(n=django.db.models.Count("id")).order_by("-n").first())
    return Organisation.objects.get(pk=row["held_by"])


def captured(call) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def explain(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def summary(plan: list[str]) -> str:
    """Execution time, the top node's buffers, the biggest sort (memory or disk) and scans reading >= 1,000 rows."""
    text = "\n".join(plan)
    ms = re.search(r"Execution Time: ([\d.]+) ms", text)
    top = re.search(r"Buffers: shared hit=(\d+)(?: read=(\d+))?", text)
    parts = [f"{float(ms.group(1)) if ms else 0:8.1f} ms", f"hit {top.group(1) if top else 0:>7}",
             f"read {(top.group(2) or 0) if top else 0:>6}"]
    sorts = [(int(kb), how) for how, kb in re.findall(r"Sort Method: ([\w -]+?)\s+(?:Memory|Disk): (\d+)kB", text)]
    if sorts:
        kb, how = max(sorts)
        parts.append(f"sort {kb} kB ({how.strip()})")
    big = []
    for n, line in enumerate(plan):
        found = re.search(r"Seq Scan on (\w+).*actual time=\S+ rows=(\d+) loops=(\d+)", line)
        if not found:
            continue
        removed = re.search(r"Rows Removed by Filter: (\d+)", "\n".join(plan[n + 1:n + 3]))
        read = (int(found.group(2)) + (int(removed.group(1)) if removed else 0)) * int(found.group(3))
        if read >= 1000:
            big.append(f"{found.group(1)} ({read:,} rows)")
    if big:
        parts.append("seq scan " + ", ".join(big))
    return "  ".join(parts)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "var" / "bench-queues"
    out.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} (2 cores, shared box); "
          f"{Dossier.objects.count():,} dossiers")
    steps: list[tuple[str, object]] = []
    for kind in (OrganisationKind.UNIT, OrganisationKind.DEPARTMENT, OrganisationKind.OFFICE):
        org = busiest(kind)
        label = f"{kind} {org.pk}"
        steps.append((f"{label}: summary (counts + units)", lambda org=org: review.queue_summary(org)))
        for sort in ("state_changed_at", "-submitted_at", "name", "unit"):
            filters = review.QueueFilters(sort=sort)
            steps.append((f"{label}: page 1 by {sort}",
                          lambda org=org, f=filters: list(review.queue_for(org, f)[:PAGE_SIZE])))
        filters = review.QueueFilters()
        first = list(review.queue_for(org, filters)[:PAGE_SIZE])
        if first:
            cursor = review.keyset_cursor(first[-1], filters.sort)
            steps.append((f"{label}: keyset next page", lambda org=org, c=cursor: list(
                review.keyset_after(review.queue_for(org, review.QueueFilters()), "state_changed_at", c)[:PAGE_SIZE])))
        steps.append((f"{label}: page 50 by OFFSET", lambda org=org: list(
            review.queue_for(org)[49 * PAGE_SIZE:50 * PAGE_SIZE])))
        steps.append((f"{label}: API page 1", lambda org=org: list(review.queue_for(org)[:API_PAGE])))
        steps.append((f"{label}: API count", lambda org=org: review.queue_count(org, review.QueueFilters())))
        steps.append((f"{label}: count filtered by series", lambda org=org: review.queue_count(
            org, review.QueueFilters(series=Dossier.objects.values_list("series_id", flat=True).first()))))
        for name in ("todo", "pending", "overdue", "blocking"):
            steps.append((f"{label}: dashboard count {name}",
                          lambda org=org, name=name: _queue_count(org, django.utils.timezone.now(), **{name: True})))
        # the blocking filter reads Dossier.blocking_findings (partial index dossier_queue_blocking), not the latest
        # check per row: its page as the queue's "有不符合项" link opens it, beside the dashboard's count above
        steps.append((f"{label}: page 1 filtered on blocking", lambda org=org: list(
            review.queue_for(org, review.QueueFilters(blocking=True))[:PAGE_SIZE])))
        if kind != OrganisationKind.UNIT:
            steps.append((f"{label}: hand-over missing", lambda org=org: review.handover_missing(org)))
            steps.append((f"{label}: hand-over late arrivals", lambda org=org: review.handover_late_arrivals(org)))
    steps.append(("public list: page 1 (page and API)", lambda: list(publicity.public_entries()[:100])))
    steps.append(("public list: count", lambda: publicity.public_entries().count()))

    with (out / "plans.txt").open("w", encoding="utf-8") as plans:
        for label, call in steps:
            for n, sql in enumerate(captured(call)):
                if sql.lstrip().upper().startswith(("SELECT 1", "SET ")):
                    continue
                plan = explain(sql)
                name = label if n == 0 else f"{label} [{n + 1}]"
                print(f"{name:<58} {summary(plan)}")
                plans.write(f"== {name}\n{sql}\n\n" + "\n".join(plan) + "\n\n")
    print(f"plans: {out / 'plans.txt'}")


if __name__ == "__main__":
    main()
