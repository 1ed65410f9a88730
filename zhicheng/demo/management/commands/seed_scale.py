"""manage.py seed_scale --dossiers N: a national-scale data set for benchmarks (zhicheng/demo/scale.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from zhicheng.demo.people import DEMO_PASSWORD
from zhicheng.demo.scale import SURGE_USERNAME, TOTP_KEY_HEX, seed_scale


class Command(BaseCommand):
    help = ("写入规模测试数据：机构树、申报人、各状态的申报材料（含栏目、资格检查、版本、状态变更、审计记录）。"
            "Writes a large benchmark data set (PostgreSQL: COPY) into a freshly migrated database.")

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, required=True, help="dossiers in every state")
        parser.add_argument("--ready", type=int, default=0,
                            help="applicants more with an eligible draft they can submit (surge benchmark)")
        parser.add_argument("--units", type=int, default=None, help="units (default: one per 60 dossiers)")
        parser.add_argument("--seed", type=int, default=2024, help="random seed")

    def handle(self, *args, dossiers: int, ready: int, units: int | None, seed: int, **options):
        if dossiers < 0 or ready < 0:
            raise CommandError("--dossiers and --ready must not be negative")
        path = "COPY" if connection.vendor == "postgresql" else "executemany INSERT"
        self.stdout.write(f"seed_scale: {dossiers} dossiers + {ready} ready drafts on {connection.vendor} ({path})")
        try:
            report = seed_scale(dossiers=dossiers, ready=ready, units=units, seed=seed, out=self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        for label, n in sorted(report.counts.items()):
            self.stdout.write(f"  {label:<36} {n:>12,}")
        self.stdout.write(
            f"{report.rows:,} rows in {report.seconds:.1f} s: {report.rows_per_second:,.0f} rows/s, "
            f"{(dossiers + ready) / report.seconds if report.seconds else 0:,.0f} dossiers/s"
        )
        if ready:
            self.stdout.write(f"ready applicants: {SURGE_USERNAME.format(0)} … {SURGE_USERNAME.format(ready - 1)}, "
                              f"password {DEMO_PASSWORD}; staff TOTP key (hex) {TOTP_KEY_HEX}")
