"""Set up a new installation: the title office and its first system and security administrators."""

from django.core.management.base import BaseCommand, CommandError

from zhicheng.accounts.bootstrap import PlatformAdmin, platform_bootstrap
from zhicheng.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create the title office and its first system and security administrators (once per installation)."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="名称，例如 兰州新区组织部")
        for who in ("system", "security"):
            parser.add_argument(f"--{who}-username", required=True)
            parser.add_argument(f"--{who}-name", required=True, help="真实姓名")
            parser.add_argument(f"--{who}-id-number", required=True, help="居民身份证号码")
            parser.add_argument(f"--{who}-phone", default="")

    def handle(self, *args, **opts):
        def admin(who: str) -> PlatformAdmin:
            return PlatformAdmin(
                username=opts[f"{who}_username"], real_name=opts[f"{who}_name"],
                id_number=opts[f"{who}_id_number"], phone=opts[f"{who}_phone"],
            )

        try:
            done = platform_bootstrap(
                office_name=opts["office"], system_admin=admin("system"), security_admin=admin("security")
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
        self.stdout.write(f"已创建 {done.office.name}。初始密码（仅显示一次，请登录后立即修改）：")
        for username, password in done.initial_passwords.items():
            self.stdout.write(f"  {username}: {password}")
