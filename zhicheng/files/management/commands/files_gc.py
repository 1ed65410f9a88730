"""manage.py files_gc [--dry-run]: remove upload temp files and stored files no row owns, after the grace period."""

from django.core.management.base import BaseCommand

from zhicheng.files.gc import files_gc, files_gc_grace


class Command(BaseCommand):
    help = "Remove orphan upload temp files and stored files with no owning row, older than the grace period."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only list what would be removed")

    def handle(self, *args, dry_run: bool = False, **options):
        report = files_gc(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for name in [*report.temp_removed, *report.stored_removed]:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(
            f"{verb} {len(report.temp_removed)} temp and {len(report.stored_removed)} stored file(s); "
            f"kept {len(report.kept_young)} younger than {files_gc_grace()}"
        )
