"""manage.py seed_demo: load the 2024 history and the live campaign, printing a line per stage, then the log-ins."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand

from zhicheng.demo.logins import logins_by_kind
from zhicheng.demo.people import DEMO_PASSWORD
from zhicheng.demo.seeding import seed_demo


@contextlib.contextmanager
def _queries_not_logged():
    """Under the dev settings (DEBUG) Django keeps every query's SQL: some 50,000 here, a tenth of the CPU for a log
    nobody reads. The seed runs with DEBUG off; the server started afterwards has it on again."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug


class Command(BaseCommand):
    help = "载入演示数据（2024 年度评审历史、当前年度评审、新区机构、实名工作人员、申报人），可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="print neither progress nor the log-ins")

    def handle(self, *args, quiet: bool = False, **options):
        with _queries_not_logged():
            logins = seed_demo(progress=None if quiet else self._line)
        if quiet:
            return
        self.stdout.write("\n演示账号（Demo log-ins）  — 所有账号密码 / password for all: " + DEMO_PASSWORD)
        self.stdout.write(f"{'username':<16} {'TOTP secret (base32)':<34} role · organisation [case]")
        for group in logins_by_kind(logins):
            self.stdout.write(f"\n— {group.title} —\n  {group.can_do}")
            for login in group.logins:
                case = f"  [{login.case}]" if login.case else ""
                self.stdout.write(
                    f"{login.username:<16} {login.totp_secret or '-':<34} {login.roles} · {login.organisation}{case}"
                )
        self.stdout.write(
            "\n工作人员须通过两步验证：把上表的 TOTP 密钥加入身份验证器 App。"
            "仅在开发设置下可用 `ZHICHENG_DEMO_NO_OTP=1 make demo` 跳过第二步验证。\n"
            "Staff must pass TOTP: add the secret above to an authenticator app. "
            "`ZHICHENG_DEMO_NO_OTP=1 make demo` skips the second factor (dev settings only).\n"
            f"共 {len(logins)} 个账号 / {len(logins)} accounts."
        )

    def _line(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
