"""Recount the maintained queue counts (QueueCount) from the dossiers, and reinstall the triggers that keep them.

For after a restore or a load that bypassed the triggers; otherwise the triggers keep the summary exact."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zhicheng.dossiers import summary_sql


class Command(BaseCommand):
    help = "重新统计审核队列计数 / Recount the review queues' maintained counts from the dossiers"

    def handle(self, *args, **options):
        summary_sql.triggers_install()
        rows = summary_sql.queue_counts_rebuild()
        self.stdout.write(f"queue counts rebuilt: {rows} rows")
