"""Stored eligibility: checks (append-only history), reviewers' overrides, applicants' exemptions, recheck runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhicheng.core.errors import ApplicationError


class EligibilityCheck(models.Model):
    """The findings of one evaluation of a dossier; rows are only added, the latest is the current one."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="eligibility_checks")
    dossier_revision = models.PositiveIntegerField(_("计算时的修改次数"))
    version = models.ForeignKey(
        "dossiers.DossierVersion", verbose_name=_("提交版本"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="eligibility_checks",
    )
    computed_at = models.DateTimeField(_("计算时间"))
    findings = models.JSONField(_("检查结果"), default=list)
    blocking_count = models.PositiveIntegerField(_("不符合（阻止提交）项数"), default=0)
    facts_sha256 = models.CharField(_("事实摘要（SHA-256）"), max_length=64)
    rules_version = models.CharField(_("规则版本"), max_length=40, blank=True)
    # Incremental re-check: per rule, the digest of the facts it reads (with the params) and when it last ran;
    # `rules_run` lists the rules this check evaluated (the others kept the previous check's findings).
    rule_digests = models.JSONField(_("各规则输入摘要"), default=dict, blank=True)
    rule_checked_at = models.JSONField(_("各规则检查时间"), default=dict, blank=True)
    rules_run = models.JSONField(_("本次重新检查的规则"), default=list, blank=True)

    class Meta:
        verbose_name = _("资格检查")
        verbose_name_plural = _("资格检查")
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["dossier", "-computed_at"], name="eligcheck_dossier_computed")]

    def __str__(self) -> str:
        return f"eligibility of {self.dossier_id} r{self.dossier_revision}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ApplicationError("check_immutable", "资格检查记录不能修改", "A stored check cannot change")
        super().save(*args, **kwargs)

    @property
    def blocking(self) -> list[dict]:
        return [f for f in self.findings if f.get("blocking")]


class FindingOverride(models.Model):
    """A reviewer's decision to set a finding aside, with the written reason; revoked, never deleted."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="finding_overrides")
    rule = models.CharField(_("规则"), max_length=40)
    subject = models.CharField(_("对象"), max_length=80, blank=True)
    reason = models.TextField(_("理由"))
    on_check = models.ForeignKey(
        EligibilityCheck, verbose_name=_("所依据的检查"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("审核人员认定")
        verbose_name_plural = _("审核人员认定")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "rule", "subject"], condition=Q(revoked_at__isnull=True),
                name="findingoverride_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"override {self.rule} {self.subject} of {self.dossier_id}"


class ExemptionState(models.TextChoices):
    DECLARED = "declared", _("待审核确认")
    CONFIRMED = "confirmed", _("已确认")
    REFUSED = "refused", _("未予确认")


class ExemptionDeclaration(models.Model):
    """The applicant's statement that a blocking finding does not apply to them; a reviewer confirms or refuses."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="exemption_declarations")
    rule = models.CharField(_("规则"), max_length=40)
    subject = models.CharField(_("对象"), max_length=80, blank=True)
    statement = models.TextField(_("申报人说明"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("声明时间"))
    state = models.CharField(
        _("状态"), max_length=12, choices=ExemptionState.choices, default=ExemptionState.DECLARED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("豁免声明")
        verbose_name_plural = _("豁免声明")
        ordering = ["-declared_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "rule", "subject"], condition=~Q(state="refused"),
                name="exemption_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"exemption {self.rule} {self.subject} of {self.dossier_id}"


class RecheckRun(models.Model):
    """One batch re-evaluation of a campaign's dossiers (after the office edits a threshold), with progress."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("发起时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    total = models.PositiveIntegerField(_("申报材料总数"), default=0)
    done = models.PositiveIntegerField(_("已检查"), default=0)
    dossiers_changed = models.PositiveIntegerField(_("结果变化的申报材料"), default=0)
    findings_changed = models.PositiveIntegerField(_("变化的检查项"), default=0)
    changed_dossier_ids = models.JSONField(_("结果变化的申报材料编号"), default=list)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("资格复查")
        verbose_name_plural = _("资格复查")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"recheck {self.pk} of campaign {self.campaign_id}"


class RecheckPending(models.Model):
    """A dossier whose re-check task is queued and has not started: at most one per dossier (the primary key).

    An edit queues a re-check only when it creates this row (in the same transaction as the task's row); the task
    deletes it before it reads the dossier, so an edit committing after that queues the next one and none is missed.
    """

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="+")
    queued_at = models.DateTimeField(_("排队时间"))

    class Meta:
        verbose_name = _("待执行的资格重新检查")
        verbose_name_plural = _("待执行的资格重新检查")

    def __str__(self) -> str:
        return f"recheck pending for {self.dossier_id}"


class IntegrityBar(models.Model):
    """The integrity record (诚信档案): a person may not apply until `ends_on` (a title revoked for fraud, §七(三)).

    Written by the certificates app when it revokes a title; R-INTEGRITY reads the latest end of a person's bars.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integrity_bars")
    starts_on = models.DateField(_("记录日期"))
    ends_on = models.DateField(_("限制申报截止日"))
    reason = models.CharField(_("原因"), max_length=200)
    source = models.CharField(_("依据文件"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("诚信档案记录")
        verbose_name_plural = _("诚信档案记录")
        indexes = [models.Index(fields=["user", "ends_on"], name="integritybar_user_end")]

    def __str__(self) -> str:
        return f"{self.user_id} until {self.ends_on}"
