"""manage.py seed_demo: load the 2024 campaign and the demo district, then print the demo log-ins."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zhicheng.demo.people import DEMO_PASSWORD
from zhicheng.demo.seeding import seed_demo


class Command(BaseCommand):
    help = "载入演示数据（2024 年度评审、新区机构、实名工作人员、申报人），可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the table of log-ins")

    def handle(self, *args, quiet: bool = False, **options):
        logins = seed_demo()
        if quiet:
            return
        self.stdout.write("\n演示账号（Demo log-ins）  — 所有账号密码 / password for all: " + DEMO_PASSWORD)
        self.stdout.write(f"{'username':<16} {'TOTP secret (base32)':<34} role · organisation [case]")
        self.stdout.write("— 工作人员 / staff —")
        for n, login in enumerate(logins):
            if login.case and (n == 0 or not logins[n - 1].case):
                self.stdout.write("— 申报人（[案例编号] 见 zhicheng/demo/cases.py）/ applicants, [case] —")
            case = f"  [{login.case}]" if login.case else ""
            line = f"{login.username:<16} {login.totp_secret or '-':<34} {login.roles} · {login.organisation}{case}"
            self.stdout.write(line)
        self.stdout.write(
            "\n工作人员须通过两步验证：把上表的 TOTP 密钥加入身份验证器 App。"
            "仅在开发设置下可用 `ZHICHENG_DEMO_NO_OTP=1 make demo` 跳过第二步验证。\n"
            "Staff must pass TOTP: add the secret above to an authenticator app. "
            "`ZHICHENG_DEMO_NO_OTP=1 make demo` skips the second factor (dev settings only).\n"
            f"共 {len(logins)} 个账号 / {len(logins)} accounts."
        )
