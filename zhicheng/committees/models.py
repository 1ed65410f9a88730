"""Evaluation: expert pool, committees, draws, meetings, ballots, entrusted dispatch — and the result each ends in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationRoute(models.TextChoices):
    SELF_RUN = "self_run", _("本级评审")
    ENTRUSTED = "entrusted", _("委托评审")


class EvaluationResult(models.Model):
    """The outcome of one dossier's evaluation, final once recorded: what result publicity, the title document
    and the certificate read (committee name, decision date), for self-run meetings and entrusted results alike."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="evaluation_result")
    route = models.CharField(_("评审方式"), max_length=10, choices=EvaluationRoute.choices)
    passed = models.BooleanField(_("是否通过"))
    committee_name = models.CharField(_("评审委员会"), max_length=200)
    decided_on = models.DateField(_("评审日期"))
    # entrusted: the entrusted committee's result document; self-run: the tally's totals
    document_number = models.CharField(_("结果文号"), max_length=80, blank=True)
    yes_votes = models.PositiveIntegerField(_("同意票"), null=True, blank=True)
    attending = models.PositiveIntegerField(_("有表决权的出席委员"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审结果")
        verbose_name_plural = _("评审结果")
        indexes = [models.Index(fields=["passed", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {'passed' if self.passed else 'failed'}"
