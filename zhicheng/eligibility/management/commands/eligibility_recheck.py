"""`manage.py eligibility_recheck --campaign 2024 [--wait]`: re-evaluate every dossier of a campaign."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from zhicheng.campaigns.models import Campaign
from zhicheng.eligibility.models import RecheckRun
from zhicheng.eligibility.services import recheck_run_create, recheck_run_execute
from zhicheng.eligibility.tasks import eligibility_recheck_campaign


class Command(BaseCommand):
    help = "重新检查某年度全部申报材料的资格条件（修改年度阈值后使用），报告变化的申报材料和检查项数"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True, help="年度，例如 2024")
        parser.add_argument("--wait", action="store_true", help="在本进程中立即执行并等待完成")

    def handle(self, *args, campaign: int, wait: bool, **options):
        found = Campaign.objects.filter(year=campaign).first()
        if found is None:
            raise CommandError(f"没有 {campaign} 年度评审")
        run = recheck_run_create(campaign=found)
        if wait:
            recheck_run_execute(run=run)
        else:
            eligibility_recheck_campaign.enqueue(run.pk)
        run = RecheckRun.objects.get(pk=run.pk)
        if run.finished_at is None:
            self.stdout.write(f"已加入后台队列：复查 #{run.pk}（{found.name}）")
            return
        self.stdout.write(
            f"复查 #{run.pk} 完成：共 {run.total} 份申报材料，{run.dossiers_changed} 份结果有变化，"
            f"{run.findings_changed} 项检查结果变化"
        )
        self.stdout.write(f"dossiers={run.total} dossiers_changed={run.dossiers_changed} "
                          f"findings_changed={run.findings_changed}")
