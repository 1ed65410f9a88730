"""Daily deadline reminders (a systemd timer or cron runs it each morning; see docs/operations.md)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from zhicheng.review.reminders import reminders_send


class Command(BaseCommand):
    help = "Send today's deadline reminders (returns, recommendations, drafts); safe to run more than once a day."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="the day to remind for (default: today)")

    def handle(self, *args, date=None, **options):
        sent = reminders_send(today=date)
        self.stdout.write(f"reminders written: {sent}")
