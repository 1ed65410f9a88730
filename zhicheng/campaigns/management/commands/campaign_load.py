"""Load (or bring up to date) a campaign from its data file through the validating service."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from zhicheng.campaigns.services import DEFAULT_FILE, campaign_load_from_file
from zhicheng.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Load a campaign from a JSON data file (default: the 2024 campaign of 新组通〔2024〕23号); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=None, help=f"the campaign file (default: {DEFAULT_FILE.name})")

    def handle(self, *args, **options):
        try:
            campaign = campaign_load_from_file(path=options["file"])
        except ApplicationError as exc:
            details = exc.details.get("fields") or {}
            lines = [exc.message_zh] + [f"  {field}: {'；'.join(msgs)}" for field, msgs in details.items()]
            raise CommandError("\n".join(lines)) from exc
        routes, quotas = campaign.routes.count(), campaign.quotas.count()
        self.stdout.write(self.style.SUCCESS(
            f"{campaign.name}（{campaign.year}）已加载：{routes} 条评审方式，{quotas} 条评审计划"
        ))
