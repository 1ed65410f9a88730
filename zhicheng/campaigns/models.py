"""A year's campaign as data: its windows and cut-offs, publicity lengths, thresholds, routes and quotas."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhicheng.catalog.rules import problems_as_validation_error
from zhicheng.core.models import TimeStampedModel

from .rules import campaign_problems, campaign_values


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已结束")


class DayUnit(models.TextChoices):
    CALENDAR = "calendar", _("自然日")
    WORKING = "working", _("工作日")


class PublicityKind(models.TextChoices):
    UNIT = "unit", _("单位公示")
    EXTENDED = "extended", _("破格、基层有效延长公示")
    RESULT = "result", _("评审结果公示")


class Campaign(TimeStampedModel):
    """The yearly evaluation (年度评审工作); instants are deadlines, dates are calendar days (Asia/Shanghai)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    notice_number = models.CharField(_("通知文号"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    note = models.TextField(_("说明（依据条款）"), blank=True)

    # §六(八): before this instant units practise but may not open applicant or unit accounts; at it every
    # organisation's staff re-set their passwords and its admin re-confirms the three real-name roles
    account_reset_at = models.DateTimeField(_("系统账号重置时间"))
    # windows and cut-offs (domain brief §2)
    policy_publicity_start = models.DateField(_("政策宣传开始日"))
    policy_publicity_end = models.DateField(_("政策宣传结束日"))
    submission_opens_at = models.DateTimeField(_("个人申报开始时间"))
    submission_closes_at = models.DateTimeField(_("个人申报截止时间"))
    unit_review_start = models.DateField(_("审核推荐开始日"))
    unit_review_end = models.DateField(_("审核推荐结束日"))
    unit_recommendation_deadline = models.DateTimeField(_("单位推荐截止时间"))
    entrusted_recommendation_deadline = models.DateTimeField(_("委托评审系列审核推荐截止时间"))
    department_deadline = models.DateTimeField(_("报送审核部门截止时间"))
    supplement_cutoff = models.DateTimeField(_("补充资料截止时间"))
    meetings_by = models.DateField(_("答辩评审会议完成日"))
    evaluation_complete_by = models.DateField(_("评审工作完成日"))
    issue_by = models.DateField(_("印发文件、发放证书截止日"))
    achievement_cutoff = models.DateField(_("业绩截止日"))
    seniority_date = models.DateField(_("任职年限计算截止日"))

    # publicity (公示)
    unit_publicity_days = models.PositiveSmallIntegerField(_("单位公示天数"), default=5)
    unit_publicity_unit = models.CharField(
        _("单位公示天数单位"), max_length=10, choices=DayUnit.choices, default=DayUnit.WORKING
    )
    extended_publicity_days = models.PositiveSmallIntegerField(_("破格、基层有效公示天数"), default=7)
    result_publicity_days = models.PositiveSmallIntegerField(_("结果公示天数"), default=5)
    result_publicity_unit = models.CharField(
        _("结果公示天数单位"), max_length=10, choices=DayUnit.choices, default=DayUnit.WORKING
    )

    # thresholds
    similarity_core_max = models.DecimalField(
        _("核心期刊论文复制比上限（%）"), max_digits=5, decimal_places=2, default=Decimal("15.00")
    )
    similarity_provincial_max = models.DecimalField(
        _("省级期刊论文复制比上限（%）"), max_digits=5, decimal_places=2, default=Decimal("25.00")
    )
    social_security_months = models.PositiveSmallIntegerField(_("社保缴纳月数"), default=6)
    max_returns = models.PositiveSmallIntegerField(_("审核部门最多退回次数"), default=3)
    grassroots_senior_cap = models.DecimalField(
        _("基层有效高级岗位比例上限（%）"), max_digits=5, decimal_places=2, default=Decimal("10.00")
    )
    ce_hours_per_year = models.PositiveSmallIntegerField(_("继续教育每年学时"), default=90)
    ce_specialty_share_numerator = models.PositiveSmallIntegerField(_("专业科目占比（分子）"), default=2)
    ce_specialty_share_denominator = models.PositiveSmallIntegerField(_("专业科目占比（分母）"), default=3)
    ce_years_required = models.PositiveSmallIntegerField(_("须完成继续教育的年数"), default=1)

    # §四(三) 错峰申报: submissions an hour the system is sized for (the office's load view compares against it)
    submission_capacity_per_hour = models.PositiveIntegerField(_("每小时提交容量（份）"), default=300)

    # limits
    evidence_file_max_mb = models.PositiveIntegerField(_("单个佐证文件上限（MB）"), default=20)
    dossier_max_mb = models.PositiveIntegerField(_("单份申报材料上限（MB）"), default=500)

    pledge_text = models.TextField(_("诚信承诺书"), blank=True)

    class Meta:
        verbose_name = _("年度评审")
        verbose_name_plural = _("年度评审")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="active"), name="campaign_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems = campaign_problems(campaign_values(self))
        if problems:
            raise problems_as_validation_error(problems)


class Route(models.TextChoices):
    SELF_RUN = "self", _("自主评审")
    ENTRUSTED = "entrusted", _("委托评审")


class CampaignRoute(models.Model):
    """How one series/level is evaluated this year; a series/level with no row is entrusted (§三)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="routes")
    series = models.ForeignKey("catalog.Series", verbose_name=_("系列"), on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey("catalog.Level", verbose_name=_("级别"), on_delete=models.PROTECT, related_name="+")
    route = models.CharField(_("评审方式"), max_length=10, choices=Route.choices, default=Route.SELF_RUN)
    committee = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("评审委员会"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"kind": "committee"},
    )

    class Meta:
        verbose_name = _("评审方式")
        verbose_name_plural = _("评审方式")
        ordering = ["series__code", "-level__rank"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "series", "level"], name="campaignroute_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.level}: {self.get_route_display()}"


class CampaignQuota(models.Model):
    """The evaluation plan (评审计划): how many titles a series/level may pass this year."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    series = models.ForeignKey("catalog.Series", verbose_name=_("系列"), on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey("catalog.Level", verbose_name=_("级别"), on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("计划数"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评审计划")
        verbose_name_plural = _("评审计划")
        ordering = ["series__code", "-level__rank"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "series", "level"], name="campaignquota_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.level}: {self.count}"

