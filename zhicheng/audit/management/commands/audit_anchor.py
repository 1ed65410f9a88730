"""`manage.py audit_anchor`: append the chains' current heads to the anchor file (run every few minutes)."""

from django.core.management.base import BaseCommand

from zhicheng.audit.anchors import audit_anchor_write


class Command(BaseCommand):
    help = "锚定审计链：把各链链头写入数据库之外的锚定文件 / write the audit chains' heads to the anchor file"

    def handle(self, *args, **options):
        anchor = audit_anchor_write()
        heads = ", ".join(f"{chain}:{seq}" for chain, (seq, _) in sorted(anchor.heads.items())) or "-"
        self.stdout.write(self.style.SUCCESS(f"已锚定 {len(anchor.heads)} 条链（{heads}）→ {anchor.path}"))
