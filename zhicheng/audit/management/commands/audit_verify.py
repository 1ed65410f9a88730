"""`manage.py audit_verify`: walk the audit hash chain and name the first broken row."""

from django.core.management.base import BaseCommand, CommandError

from zhicheng.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "校验审计链：逐条重算哈希，检查前后链接、序号缺口和链头 / verify the audit hash chain"

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=2000, help="rows read per database round trip")

    def handle(self, *args, chunk_size: int, **options):
        result = audit_chain_verify(chunk_size=chunk_size)
        if not result.ok:
            raise CommandError(result.message_zh)  # exit status 1
        self.stdout.write(self.style.SUCCESS(result.message_zh))
